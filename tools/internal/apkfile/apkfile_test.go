package apkfile_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

const trustedName = "trusted.rsa.pub"

func trusted(t *testing.T) *keyring.Keyring {
	t.Helper()
	kr, err := keyring.FromPEM(map[string][]byte{trustedName: apkbuild.PublicKeyPEM(apkbuild.TestKey(0))})
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func spec() apkbuild.Spec {
	return apkbuild.Spec{
		Info: pkginfo.Info{Name: "musl", Version: "1.2.5-r0", Arch: "x86_64", BuildDate: 1700000000},
		Files: []apkbuild.File{
			{Name: "lib", Type: tar.TypeDir},
			{Name: "lib/ld-musl-x86_64.so.1", Mode: 0o755, Body: []byte("loader bytes")},
			{Name: "lib/libc.musl-x86_64.so.1", Type: tar.TypeSymlink, Linkname: "ld-musl-x86_64.so.1"},
			{Name: "lib/empty", Body: nil},
		},
		Scripts: map[string][]byte{"post-install": []byte("#!/bin/sh\n")},
	}
}

func build(t *testing.T, s apkbuild.Spec, signers ...apkbuild.Signer) []byte {
	t.Helper()
	b, err := apkbuild.Build(s, signers...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signatureOnly returns just the signature member of a package signed by
// signer: its length depends on the key and the signature bytes, so it is
// cut at its own length, not at another package's.
func signatureOnly(t *testing.T, signer apkbuild.Signer) []byte {
	t.Helper()
	parts, err := apkbuild.BuildParts(spec(), signer)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), parts.Signature...)
}

// readAll opens and streams a package, returning entry names and bodies.
func readAll(b []byte, kr *keyring.Keyring, opt apkfile.Options) (*apkfile.Package, map[string]string, error) {
	p, err := apkfile.Open(bytes.NewReader(b), "pkg.apk", kr, opt)
	if err != nil {
		return nil, nil, err
	}
	got := map[string]string{}
	for {
		h, err := p.Next()
		if err == io.EOF {
			return p, got, nil
		}
		if err != nil {
			return p, got, err
		}
		body, err := io.ReadAll(p)
		if err != nil {
			return p, got, err
		}
		got[h.Name] = string(body)
	}
}

func TestOpenGood(t *testing.T) {
	signer := apkbuild.TestSigner(0, trustedName)
	apk := build(t, spec(), signer)
	rec, err := apkbuild.IndexEntry(apk)
	if err != nil {
		t.Fatal(err)
	}
	p, files, err := readAll(apk, trusted(t), apkfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Checksum != rec.Checksum || p.SignedBy != trustedName || p.Info.Name != "musl" || p.Info.InstalledSize != 12 {
		t.Errorf("package %+v, info %+v, want checksum %s", p, p.Info, rec.Checksum)
	}
	if want := []apkfile.Script{{Name: "post-install", Body: []byte("#!/bin/sh\n")}}; !reflect.DeepEqual(p.Scripts, want) {
		t.Errorf("scripts %+v", p.Scripts)
	}
	want := map[string]string{"lib/": "", "lib/ld-musl-x86_64.so.1": "loader bytes", "lib/libc.musl-x86_64.so.1": "", "lib/empty": ""}
	if !reflect.DeepEqual(files, want) {
		t.Errorf("files %v", files)
	}
	if _, err := p.Next(); err != io.EOF {
		t.Errorf("Next after the end: %v, want io.EOF", err)
	}

	path := filepath.Join(t.TempDir(), "musl-1.2.5-r0.apk")
	if err := os.WriteFile(path, apk, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := apkfile.Verify(path, trusted(t), apkfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Checksum != rec.Checksum || sum.SignedBy != trustedName || sum.Files != 4 || sum.Info.Version != "1.2.5-r0" {
		t.Errorf("summary %+v", sum)
	}
}

// regzip replaces member i of apk with a re-compression of its content
// after edit, keeping the other members byte for byte.
func regzip(t *testing.T, apk []byte, i int, edit func([]byte) []byte) []byte {
	t.Helper()
	ms, err := apkfile.SplitMembers(apk, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for j, m := range ms {
		if j == i {
			out = append(out, apkbuild.Gzip(edit(append([]byte(nil), m.Content...)))...)
		} else {
			out = append(out, m.Compressed...)
		}
	}
	return out
}

// flip returns a copy of b with byte off xored.
func flip(b []byte, off int) []byte {
	c := append([]byte(nil), b...)
	c[off] ^= 0x01
	return c
}

func TestHostile(t *testing.T) {
	signer := apkbuild.TestSigner(0, trustedName)
	parts, err := apkbuild.BuildParts(spec(), signer)
	if err != nil {
		t.Fatal(err)
	}
	good := parts.Bytes()
	ctrlOff := len(parts.Signature)
	dataOff := ctrlOff + len(parts.Control)

	withSpec := func(edit func(*apkbuild.Spec)) []byte {
		s := spec()
		edit(&s)
		return build(t, s, signer)
	}
	bomb := withSpec(func(s *apkbuild.Spec) { s.Files = []apkbuild.File{{Name: "zeros", Body: make([]byte, 1<<20)}} })
	second := apkbuild.Gzip([]byte("more"))

	tests := []struct {
		name   string
		apk    []byte
		kr     *keyring.Keyring
		opt    apkfile.Options
		member string
		target interface{} // pointer to an error type for errors.As, or an error for errors.Is
		msg    string      // substring of the message
	}{
		{name: "signature content flipped", apk: regzip(t, good, 0, func(b []byte) []byte { b[600] ^= 1; return b }),
			member: "signature", target: new(*keyring.BadSignatureError), msg: "trusted key trusted.rsa.pub"},
		{name: "signature member compressed byte flipped", apk: flip(good, ctrlOff-6),
			member: "signature", msg: "gzip"},
		{name: "control gzip header flipped", apk: flip(good, ctrlOff+4),
			member: "signature", target: new(*keyring.BadSignatureError), msg: "pkg.apk: signature member: bad RSA signature by trusted key trusted.rsa.pub"},
		{name: "control content changed", apk: regzip(t, good, 1, func(b []byte) []byte { return bytes.Replace(b, []byte("musl"), []byte("must"), 1) }),
			member: "signature", target: new(*keyring.BadSignatureError)},
		{name: "control deflate byte flipped", apk: flip(good, dataOff-12), member: "control"},
		{name: "data gzip header flipped", apk: flip(good, dataOff+4),
			member: "data", target: new(*apkfile.ChecksumError), msg: "datahash says"},
		{name: "data deflate byte flipped", apk: flip(good, len(good)-12), member: "data"},
		{name: "unknown key", apk: good, kr: func() *keyring.Keyring {
			kr, _ := keyring.FromPEM(map[string][]byte{"other.rsa.pub": apkbuild.PublicKeyPEM(apkbuild.TestKey(1))})
			return kr
		}(), member: "signature", target: new(*keyring.UntrustedError), msg: "signed with trusted.rsa.pub, keyring has other.rsa.pub"},
		{name: "unsigned refused", apk: good[ctrlOff:], member: "signature", target: keyring.ErrUnsigned},
		{name: "truncated in data", apk: good[:len(good)-5], member: "data", target: io.ErrUnexpectedEOF},
		{name: "truncated in control", apk: good[:ctrlOff+20], member: "control", target: io.ErrUnexpectedEOF},
		{name: "truncated after control", apk: good[:dataOff], member: "data", msg: "missing or damaged"},
		{name: "empty", apk: nil, member: "signature", msg: "empty file"},
		{name: "gzip bomb", apk: bomb, opt: apkfile.Options{MaxExpand: 64 << 10},
			member: "data", target: new(*apkfile.ExpandError), msg: "expands past 65536 bytes"},
		{name: "traversal", apk: withSpec(func(s *apkbuild.Spec) { s.Files = []apkbuild.File{{Name: "../x", Body: []byte("a")}} }),
			member: "data", target: new(*apkfile.NameError), msg: `entry "../x": unsafe entry name "../x": contains a ".." component`},
		{name: "absolute", apk: withSpec(func(s *apkbuild.Spec) { s.Files = []apkbuild.File{{Name: "/x", Body: []byte("a")}} }),
			member: "data", target: new(*apkfile.NameError), msg: "absolute"},
		{name: "hidden traversal", apk: withSpec(func(s *apkbuild.Spec) { s.Files = []apkbuild.File{{Name: "a/../../x", Body: []byte("a")}} }),
			member: "data", target: new(*apkfile.NameError)},
		{name: "hardlink escape", apk: withSpec(func(s *apkbuild.Spec) {
			s.Files = []apkbuild.File{{Name: "x", Type: tar.TypeLink, Linkname: "../etc/shadow"}}
		}), member: "data", target: new(*apkfile.NameError), msg: "hardlink target"},
		{name: "checksum mismatch", apk: withSpec(func(s *apkbuild.Spec) {
			s.Files = []apkbuild.File{{Name: "x", Body: []byte("a"), PAXRecords: map[string]string{apkbuild.ChecksumRecord: "0000000000000000000000000000000000000000"}}}
		}), member: "data", target: new(*apkfile.ChecksumError),
			msg: `entry "x": content SHA-1 is 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8, its APK-TOOLS.checksum.SHA1 record says 0000000000000000000000000000000000000000`},
		{name: "symlink checksum mismatch", apk: withSpec(func(s *apkbuild.Spec) {
			s.Files = []apkbuild.File{{Name: "l", Type: tar.TypeSymlink, Linkname: "/etc/x", PAXRecords: map[string]string{apkbuild.ChecksumRecord: "00"}}}
		}), member: "data", target: new(*apkfile.ChecksumError)},
		{name: "missing checksum", apk: withSpec(func(s *apkbuild.Spec) { s.SkipChecksums = true }),
			member: "data", msg: "has no APK-TOOLS.checksum.SHA1 record"},
		{name: "lying datahash", apk: withSpec(func(s *apkbuild.Spec) { s.Info.DataHash = strings.Repeat("ab", 32) }),
			member: "data", target: new(*apkfile.ChecksumError), msg: "datahash says abab"},
		{name: "no datahash, signed", apk: regzip(t, good, 1, noDataHash),
			member: "signature", target: new(*keyring.BadSignatureError)},
		{name: "no datahash, unsigned", apk: regzip(t, good[ctrlOff:], 0, noDataHash), opt: apkfile.Options{AllowUnsigned: true},
			member: "control", target: apkfile.ErrNoDataHash, msg: `entry ".PKGINFO"`},
		{name: "sparse data entry, PAX", apk: withData(t, apkbuild.SparseTar(apkbuild.SparsePAX, "big", 1<<62)), member: "data", target: apkfile.ErrSparse,
			msg: `data member: entry "big": sparse file (GNU sparse header)`},
		{name: "sparse data entry, type S", apk: withData(t, apkbuild.SparseTar(apkbuild.SparseGNU, "big", 1<<62)), member: "data", target: apkfile.ErrSparse,
			msg: `data member: entry "big": sparse file`},
		{name: "whiteout", apk: withSpec(func(s *apkbuild.Spec) { s.Files = []apkbuild.File{{Name: "etc/.wh.passwd"}} }),
			member: "data", target: new(*apkfile.NameError), msg: `has a component starting with ".wh."`},
		{name: "line break in a name", apk: withSpec(func(s *apkbuild.Spec) { s.Files = []apkbuild.File{{Name: "a\nb", Body: []byte("x")}} }),
			member: "data", target: new(*apkfile.NameError), msg: "control character 0x0a"},
		{name: "gid out of range", apk: withSpec(func(s *apkbuild.Spec) { s.Files = []apkbuild.File{{Name: "x", Gid: -5}} }),
			member: "data", msg: `entry "x": has gid -5, outside 0..2147483647`},
		{name: "scripts past the control member cap", apk: withSpec(func(s *apkbuild.Spec) {
			s.Scripts = map[string][]byte{"pre-install": make([]byte, apkfile.MaxControlMember/2), "post-install": make([]byte, apkfile.MaxControlMember/2)}
		}), member: "control", target: new(*apkfile.MemberSizeError), msg: "the control member expands past 4194304 bytes"},
		{name: "repeated script", apk: regzip(t, good, 1, repeatScript(t)), member: "control",
			msg: `entry ".post-install": repeated control entry`},
		{name: "untrusted key: nothing after the signature is read", apk: append(signatureOnly(t, apkbuild.TestSigner(1, "other.rsa.pub")), "not gzip"...),
			member: "signature", target: new(*keyring.UntrustedError)},
		{name: "signature names a path", apk: build(t, spec(), apkbuild.TestSigner(0, "keys/"+trustedName)), member: "signature",
			msg: `signature entry ".SIGN.RSA.keys/trusted.rsa.pub": key name "keys/trusted.rsa.pub" is not a plain file name`},
		{name: "trailing garbage", apk: append(append([]byte(nil), good...), 'x'), member: "data", target: apkfile.ErrTrailingData},
		{name: "trailing member", apk: append(append([]byte(nil), good...), second...), member: "data", target: apkfile.ErrTrailingData},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kr := tc.kr
			if kr == nil {
				kr = trusted(t)
			}
			_, _, err := readAll(tc.apk, kr, tc.opt)
			if err == nil {
				t.Fatal("no error")
			}
			var ae *apkfile.Error
			if !errors.As(err, &ae) || ae.File != "pkg.apk" || ae.Member != tc.member {
				t.Errorf("error %q: want an *apkfile.Error for pkg.apk, member %s", err, tc.member)
			}
			switch target := tc.target.(type) {
			case nil:
			case error:
				if !errors.Is(err, target) {
					t.Errorf("error %q is not %v", err, target)
				}
			default:
				if !errors.As(err, target) {
					t.Errorf("error %q is not a %T", err, target)
				}
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
		})
	}
}

// withData is a package signed by the trusted key whose data member is
// tarball, gzipped, with a datahash that matches: only the content is hostile.
func withData(t *testing.T, tarball []byte) []byte {
	t.Helper()
	gz := apkbuild.Gzip(tarball)
	s := spec()
	sum := sha256.Sum256(gz)
	s.Info.DataHash = hex.EncodeToString(sum[:])
	p, err := apkbuild.BuildParts(s, apkbuild.TestSigner(0, trustedName))
	if err != nil {
		t.Fatal(err)
	}
	p.Data = gz
	return p.Bytes()
}

// repeatScript rewrites a control tar with a .post-install entry twice.
func repeatScript(t *testing.T) func([]byte) []byte {
	return func(b []byte) []byte {
		tr := tar.NewReader(bytes.NewReader(b))
		var out bytes.Buffer
		tw := tar.NewWriter(&out)
		for {
			h, err := tr.Next()
			if err != nil {
				break
			}
			body, _ := io.ReadAll(tr)
			tw.WriteHeader(h)
			tw.Write(body)
		}
		for i := 0; i < 2; i++ {
			tw.WriteHeader(&tar.Header{Name: ".post-install", Mode: 0o755, Size: 2, Typeflag: tar.TypeReg})
			tw.Write([]byte("#\n"))
		}
		tw.Close()
		return out.Bytes()
	}
}

// noDataHash turns the datahash line of a control tar into a comment,
// keeping every size intact.
func noDataHash(b []byte) []byte {
	return bytes.Replace(b, []byte("datahash = "), []byte("#atahash = "), 1)
}

func TestSignatures(t *testing.T) {
	other := apkbuild.TestSigner(1, "other.rsa.pub")
	tests := []struct {
		name    string
		signers []apkbuild.Signer
		want    string
	}{
		{"RSA", []apkbuild.Signer{{KeyName: trustedName, Key: apkbuild.TestKey(0), Alg: "RSA"}}, trustedName},
		{"RSA256", []apkbuild.Signer{{KeyName: trustedName, Key: apkbuild.TestKey(0), Alg: "RSA256"}}, trustedName},
		{"RSA512", []apkbuild.Signer{{KeyName: trustedName, Key: apkbuild.TestKey(0), Alg: "RSA512"}}, trustedName},
		{"untrusted first, trusted second", []apkbuild.Signer{other, apkbuild.TestSigner(0, trustedName)}, trustedName},
		// A signature claiming a trusted name but made by another key is
		// bad; the genuine one after it still counts.
		{"forged then genuine", []apkbuild.Signer{{KeyName: trustedName, Key: apkbuild.TestKey(1), Alg: "RSA256"}, apkbuild.TestSigner(0, trustedName)}, trustedName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, _, err := readAll(build(t, spec(), tc.signers...), trusted(t), apkfile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if p.SignedBy != tc.want {
				t.Errorf("SignedBy %q, want %q", p.SignedBy, tc.want)
			}
		})
	}
}

func TestAllowUnsigned(t *testing.T) {
	apk := build(t, spec())
	p, files, err := readAll(apk, nil, apkfile.Options{AllowUnsigned: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.SignedBy != "" || len(files) != 4 {
		t.Errorf("SignedBy %q, %d files", p.SignedBy, len(files))
	}
}

// TestPartialRead checks that an entry the caller reads only partly is
// still checked when Next moves on.
func TestPartialRead(t *testing.T) {
	s := spec()
	s.Files = []apkbuild.File{
		{Name: "a", Body: []byte("abc"), PAXRecords: map[string]string{apkbuild.ChecksumRecord: "0000000000000000000000000000000000000000"}},
		{Name: "b", Body: []byte("b")},
	}
	p, err := apkfile.Open(bytes.NewReader(build(t, s, apkbuild.TestSigner(0, trustedName))), "pkg.apk", trusted(t), apkfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h, err := p.Next(); err != nil || h.Name != "a" {
		t.Fatalf("first entry %v, %v", h, err)
	}
	buf := make([]byte, 1)
	if n, err := p.Read(buf); n != 1 || err != nil {
		t.Fatalf("Read: %d, %v", n, err)
	}
	_, err = p.Next()
	var ce *apkfile.ChecksumError
	if !errors.As(err, &ce) || ce.Entry != "a" {
		t.Fatalf("Next after a partial read: %v, want checksum error for a", err)
	}
	if _, err2 := p.Next(); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("error is not sticky: %v", err2)
	}
}

func TestClose(t *testing.T) {
	p, err := apkfile.Open(bytes.NewReader(build(t, spec(), apkbuild.TestSigner(0, trustedName))), "pkg.apk", trusted(t), apkfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Next(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Next after Close: %v", err)
	}
}

func TestSplitMembers(t *testing.T) {
	a, b := apkbuild.Gzip([]byte("first")), apkbuild.Gzip([]byte("second"))
	tests := []struct {
		name    string
		in      []byte
		max     int64
		want    []string
		wantErr string
	}{
		{name: "two", in: append(append([]byte(nil), a...), b...), want: []string{"first", "second"}},
		{name: "empty", in: nil, want: nil},
		{name: "cap exactly", in: a, max: 5, want: []string{"first"}},
		{name: "cap exceeded", in: append(append([]byte(nil), a...), b...), max: 10, wantErr: "expands past 10 bytes"},
		{name: "garbage", in: []byte("hello"), wantErr: "gzip member 0 at offset 0: bad gzip header"},
		{name: "truncated", in: a[:len(a)-1], wantErr: "unexpected EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := apkfile.SplitMembers(tc.in, tc.max)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var off int64
			for _, m := range ms {
				got = append(got, string(m.Content))
				if m.Offset != off {
					t.Errorf("offset %d, want %d", m.Offset, off)
				}
				off += int64(len(m.Compressed))
			}
			if !reflect.DeepEqual(got, tc.want) || off != int64(len(tc.in)) {
				t.Errorf("members %q (%d bytes), want %q (%d bytes)", got, off, tc.want, len(tc.in))
			}
		})
	}
}

func FuzzSplitMembers(f *testing.F) {
	f.Add(apkbuild.Gzip([]byte("x")))
	apk, err := apkbuild.Build(spec(), apkbuild.TestSigner(0, trustedName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(apk)
	f.Add(apk[:len(apk)/2])
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		ms, err := apkfile.SplitMembers(in, 1<<20)
		if err != nil {
			return
		}
		// On success the members tile the input exactly and each one
		// decompresses on its own to the content reported.
		var joined []byte
		for _, m := range ms {
			joined = append(joined, m.Compressed...)
			zr, err := gzip.NewReader(bytes.NewReader(m.Compressed))
			if err != nil {
				t.Fatalf("member at %d does not stand alone: %v", m.Offset, err)
			}
			zr.Multistream(false)
			c, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(c, m.Content) {
				t.Fatalf("member at %d: content differs (%v)", m.Offset, err)
			}
		}
		if !bytes.Equal(joined, in) {
			t.Fatalf("members do not tile the input")
		}
	})
}
