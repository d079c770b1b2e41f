package apkindex_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
)

var records = []apkindex.Record{
	{Checksum: "Q1aaaa=", Name: "musl", Version: "1.2.5-r0", Arch: "x86_64", Size: 10, InstalledSize: 20, Depends: []string{"so:x"}},
	{Checksum: "Q1bbbb=", Name: "busybox", Version: "1.36.1-r0", Arch: "x86_64", Size: 30, InstalledSize: 40},
}

func build(t *testing.T, signers ...apkbuild.Signer) []byte {
	t.Helper()
	b, err := apkbuild.BuildIndex("v3.20.0", records, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRead(t *testing.T) {
	kr, err := keyring.FromPEM(map[string][]byte{"idx.rsa.pub": apkbuild.PublicKeyPEM(apkbuild.TestKey(0))})
	if err != nil {
		t.Fatal(err)
	}
	good := build(t, apkbuild.TestSigner(0, "idx.rsa.pub"))
	ms, err := apkfile.SplitMembers(good, 0)
	if err != nil {
		t.Fatal(err)
	}
	sigLen := len(ms[0].Compressed)
	otherBody, err := apkbuild.BuildIndex("changed", records)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[sigLen+4] ^= 1 // gzip mtime of the index member: same content, other bytes

	for _, tc := range []struct {
		name    string
		in      []byte
		signed  string
		wantErr string
		target  interface{}
	}{
		{name: "RSA", in: good, signed: "idx.rsa.pub"},
		{name: "RSA256", in: build(t, apkbuild.Signer{KeyName: "idx.rsa.pub", Key: apkbuild.TestKey(0), Alg: "RSA256"}), signed: "idx.rsa.pub"},
		{name: "RSA512", in: build(t, apkbuild.Signer{KeyName: "idx.rsa.pub", Key: apkbuild.TestKey(0), Alg: "RSA512"}), signed: "idx.rsa.pub"},
		{name: "one trusted of two", in: build(t, apkbuild.TestSigner(1, "other.rsa.pub"), apkbuild.TestSigner(0, "idx.rsa.pub")), signed: "idx.rsa.pub"},
		{name: "untrusted", in: build(t, apkbuild.TestSigner(1, "other.rsa.pub")), target: new(*keyring.UntrustedError),
			wantErr: "index APKINDEX.tar.gz: signature member: untrusted signature: signed with other.rsa.pub, keyring has idx.rsa.pub"},
		{name: "index member altered", in: flipped, target: new(*keyring.BadSignatureError), wantErr: "bad RSA signature by trusted key idx.rsa.pub"},
		{name: "index member swapped", in: append(append([]byte(nil), ms[0].Compressed...), otherBody...), target: new(*keyring.BadSignatureError)},
		{name: "unsigned", in: build(t), target: keyring.ErrUnsigned, wantErr: `entry "DESCRIPTION" where a .SIGN.* signature was expected`},
		{name: "signature only", in: ms[0].Compressed, wantErr: "index member: missing"},
		{name: "trailing data", in: append(append([]byte(nil), good...), apkbuild.Gzip([]byte("x"))...), target: apkfile.ErrTrailingData},
		{name: "truncated", in: good[:len(good)-3], wantErr: "unexpected EOF"},
		{name: "empty", in: nil, wantErr: "empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx, err := apkindex.Read(bytes.NewReader(tc.in), "APKINDEX.tar.gz", kr)
			if tc.wantErr == "" && tc.target == nil {
				if err != nil {
					t.Fatal(err)
				}
				want := &apkindex.Index{Description: "v3.20.0", Records: records, SignedBy: tc.signed}
				if !reflect.DeepEqual(idx, want) {
					t.Errorf("got %+v, want %+v", idx, want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "index APKINDEX.tar.gz: ") {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			switch target := tc.target.(type) {
			case nil:
			case error:
				if !errors.Is(err, target) {
					t.Errorf("error %v is not %v", err, target)
				}
			default:
				if !errors.As(err, target) {
					t.Errorf("error %v is not %T", err, target)
				}
			}
		})
	}
}

func TestReadMalformedText(t *testing.T) {
	kr, _ := keyring.FromPEM(map[string][]byte{"idx.rsa.pub": apkbuild.PublicKeyPEM(apkbuild.TestKey(0))})
	b, err := apkbuild.BuildIndex("d", []apkindex.Record{{Name: "a", Version: "1", Arch: "x\nbad line"}}, apkbuild.TestSigner(0, "idx.rsa.pub"))
	if err != nil {
		t.Fatal(err)
	}
	// Format flattens the line break, so this index parses; the record's
	// arch keeps the text as one value.
	idx, err := apkindex.Read(bytes.NewReader(b), "i", kr)
	if err != nil || idx.Records[0].Arch != "x bad line" {
		t.Fatalf("got %+v, %v", idx, err)
	}
}
