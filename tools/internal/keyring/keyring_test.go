package keyring

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

var (
	keysOnce sync.Once
	keys     [2]*rsa.PrivateKey
)

// testKeys generates two 2048-bit keys (the minimum) once per test binary.
func testKeys(t *testing.T) [2]*rsa.PrivateKey {
	keysOnce.Do(func() {
		for i := range keys {
			keys[i], _ = rsa.GenerateKey(rand.Reader, MinBits)
		}
	})
	if keys[1] == nil {
		t.Fatal("key generation failed")
	}
	return keys
}

// weakKey generates a key below MinBits (go.mod's go 1.19 lets Go make one).
func weakKey(t *testing.T, bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pkixPEM(t *testing.T, k *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func TestLoad(t *testing.T) {
	k := testKeys(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.rsa.pub", pkixPEM(t, k[0]))
	write("b.rsa.pub", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k[1].PublicKey)}))
	write("README", []byte("not a key"))

	kr, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := kr.Names(); !reflect.DeepEqual(got, []string{"a.rsa.pub", "b.rsa.pub"}) {
		t.Errorf("Names %v", got)
	}
	if kr.Key("b.rsa.pub").N.Cmp(k[1].N) != 0 {
		t.Errorf("PKCS#1 key loaded wrong")
	}
	kr, err = FromFiles([]string{a})
	if err != nil || kr.Len() != 1 {
		t.Fatalf("FromFiles: %v", err)
	}

	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"empty dir", func() error { _, err := LoadDir(t.TempDir()); return err }, "holds no *.pub key files"},
		{"missing dir", func() error { _, err := LoadDir(filepath.Join(dir, "nope")); return err }, "reading keyring directory"},
		{"duplicate base name", func() error {
			sub := filepath.Join(dir, "sub")
			os.Mkdir(sub, 0o755)
			os.WriteFile(filepath.Join(sub, "a.rsa.pub"), pkixPEM(t, k[1]), 0o644)
			_, err := FromFiles([]string{a, filepath.Join(sub, "a.rsa.pub")})
			return err
		}, "key names must be unique"},
		{"not PEM", func() error { _, err := FromPEM(map[string][]byte{"x.pub": []byte("junk")}); return err }, `key x.pub: no PEM "PUBLIC KEY" block`},
		{"bad DER", func() error {
			_, err := FromPEM(map[string][]byte{"x.pub": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2}})})
			return err
		}, "key x.pub: parsing PUBLIC KEY block"},
		{"bad name", func() error { _, err := FromPEM(map[string][]byte{"a/b": pkixPEM(t, k[0])}); return err }, `key name "a/b" is not a plain file name`},
		{"dot-dot name", func() error { _, err := FromPEM(map[string][]byte{"..": pkixPEM(t, k[0])}); return err }, `key name ".." is not a plain file name`},
		{"512-bit key", func() error { _, err := FromPEM(map[string][]byte{"w.pub": pkixPEM(t, weakKey(t, 512))}); return err },
			"key w.pub: RSA key of 512 bits is too weak: keys under 2048 bits are refused"},
		{"1024-bit PKCS#1 key", func() error {
			_, err := FromPEM(map[string][]byte{"w.pub": pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&weakKey(t, 1024).PublicKey)})})
			return err
		}, "key w.pub: RSA key of 1024 bits is too weak"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseSignatureName(t *testing.T) {
	for _, tc := range []struct {
		in       string
		alg, key string
		err      string // "" for success
		unknown  bool   // the error is ErrUnknownAlgorithm
	}{
		{in: ".SIGN.RSA.alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub", alg: "RSA", key: "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub"},
		{in: ".SIGN.RSA256.k.rsa.pub", alg: "RSA256", key: "k.rsa.pub"},
		{in: ".SIGN.RSA512.k", alg: "RSA512", key: "k"},
		{in: ".SIGN.DSA.k", err: `unknown signature algorithm "DSA"`, unknown: true},
		{in: ".SIGN.RSA", err: `key name "" is not a plain file name`},
		{in: ".SIGN.RSA.", err: `key name "" is not a plain file name`},
		{in: ".SIGN.RSA.a/b", err: `signature entry ".SIGN.RSA.a/b": key name "a/b" is not a plain file name`},
		{in: ".SIGN.RSA..", err: `key name "." is not a plain file name`},
		{in: ".SIGN.RSA.k\nx", err: `key name "k\nx" is not a plain file name`},
		{in: ".PKGINFO", err: `entry ".PKGINFO" is not a .SIGN.<ALG>.<key> signature`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			alg, key, err := ParseSignatureName(tc.in)
			if tc.err == "" {
				if err != nil || alg != tc.alg || key != tc.key {
					t.Errorf("got (%q, %q, %v), want (%q, %q)", alg, key, err, tc.alg, tc.key)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if errors.Is(err, ErrUnknownAlgorithm) != tc.unknown {
				t.Errorf("errors.Is(ErrUnknownAlgorithm) = %v, want %v", !tc.unknown, tc.unknown)
			}
		})
	}
}

func sign(t *testing.T, k *rsa.PrivateKey, alg, name string, d Digests) Signature {
	h, sum, err := pick(alg, d)
	if err != nil {
		t.Fatal(err)
	}
	s, err := rsa.SignPKCS1v15(nil, k, h, sum)
	if err != nil {
		t.Fatal(err)
	}
	return Signature{Alg: alg, KeyName: name, Sig: s}
}

func TestVerify(t *testing.T) {
	k := testKeys(t)
	kr, err := FromPEM(map[string][]byte{"a.pub": pkixPEM(t, k[0])})
	if err != nil {
		t.Fatal(err)
	}
	dg := NewDigester()
	dg.Write([]byte("signed "))
	dg.Write([]byte("bytes"))
	d := dg.Sum()
	other := NewDigester()
	other.Write([]byte("other bytes"))

	for _, tc := range []struct {
		name    string
		sigs    []Signature
		want    string
		wantErr string
		target  interface{}
	}{
		{name: "RSA", sigs: []Signature{sign(t, k[0], AlgRSA, "a.pub", d)}, want: "a.pub"},
		{name: "RSA256", sigs: []Signature{sign(t, k[0], AlgRSA256, "a.pub", d)}, want: "a.pub"},
		{name: "RSA512", sigs: []Signature{sign(t, k[0], AlgRSA512, "a.pub", d)}, want: "a.pub"},
		{name: "one of several trusted", sigs: []Signature{sign(t, k[1], AlgRSA, "b.pub", d), sign(t, k[0], AlgRSA, "a.pub", d)}, want: "a.pub"},
		{name: "unsigned", wantErr: "unsigned", target: ErrUnsigned},
		{name: "untrusted", sigs: []Signature{sign(t, k[1], AlgRSA, "b.pub", d)}, target: new(*UntrustedError),
			wantErr: "untrusted signature: signed with b.pub, keyring has a.pub; add the signing key file to the keyring"},
		{name: "other bytes", sigs: []Signature{sign(t, k[0], AlgRSA, "a.pub", other.Sum())}, target: new(*BadSignatureError),
			wantErr: "bad RSA signature by trusted key a.pub"},
		{name: "wrong key under trusted name", sigs: []Signature{sign(t, k[1], AlgRSA256, "a.pub", d)}, target: new(*BadSignatureError),
			wantErr: "bad RSA256 signature by trusted key a.pub"},
		{name: "algorithm mismatch", sigs: []Signature{{Alg: AlgRSA256, KeyName: "a.pub", Sig: sign(t, k[0], AlgRSA, "a.pub", d).Sig}},
			target: new(*BadSignatureError)},
		{name: "unknown algorithm", sigs: []Signature{{Alg: "DSA", KeyName: "a.pub", Sig: []byte{1}}}, wantErr: `unsupported signature algorithm "DSA"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := kr.Verify(tc.sigs, d)
			if tc.wantErr == "" && tc.target == nil {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			switch target := tc.target.(type) {
			case error:
				if !errors.Is(err, target) {
					t.Errorf("error %v is not %v", err, target)
				}
			case nil:
			default:
				if !errors.As(err, target) {
					t.Errorf("error %v is not %T", err, target)
				}
			}
		})
	}
	var empty *Keyring
	if _, err := empty.Verify([]Signature{sign(t, k[0], AlgRSA, "a.pub", d)}, d); err == nil || !strings.Contains(err.Error(), "(empty keyring)") {
		t.Errorf("nil keyring: %v", err)
	}
	if _, _, err := pick(AlgRSA, Digests{}); err == nil {
		t.Errorf("missing digest accepted")
	}
}
