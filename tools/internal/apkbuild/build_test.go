package apkbuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

func sampleSpec() Spec {
	return Spec{
		Info: pkginfo.Info{Name: "hello", Version: "1.0-r0", Arch: "x86_64", BuildDate: 1700000000,
			Description: "greeter", License: "MIT", Depends: []string{"musl"}},
		Files: []File{
			{Name: "usr/bin/hello", Mode: 0o4755, Body: []byte("hello")},
			{Name: "usr", Type: tar.TypeDir},
			{Name: "usr/bin", Type: tar.TypeDir},
			{Name: "usr/bin/hi", Type: tar.TypeSymlink, Linkname: "hello"},
			{Name: "usr/bin/hey", Type: tar.TypeLink, Linkname: "usr/bin/hello"},
			{Name: "etc/conf", Body: []byte("x=1\n"), Uid: 10, Gid: 20, Xattrs: map[string]string{"user.a": "b"}},
		},
		Scripts: map[string][]byte{"trigger": []byte("#!/bin/sh\n"), "post-install": []byte("#!/bin/sh\ntrue\n")},
	}
}

type tarEntry struct {
	Name, Link string
	Type       byte
	Mode       int64
	Uid, Gid   int
	Uname      string
	Mtime      int64
	PAX        map[string]string
	Body       string
}

func listTar(t *testing.T, b []byte) []tarEntry {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(b))
	var out []tarEntry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("reading tar: %v", err)
		}
		body, _ := io.ReadAll(tr)
		out = append(out, tarEntry{h.Name, h.Linkname, h.Typeflag, h.Mode, h.Uid, h.Gid, h.Uname, h.ModTime.Unix(), h.PAXRecords, string(body)})
	}
}

func sha1Of(s string) string { return sha1Hex([]byte(s)) }

func TestBuildMembers(t *testing.T) {
	signer := TestSigner(0, "test.rsa.pub")
	p, err := BuildParts(sampleSpec(), signer)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := apkfile.SplitMembers(p.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 {
		t.Fatalf("got %d members, want 3", len(ms))
	}
	for i, want := range [][]byte{p.Signature, p.Control, p.Data} {
		if !bytes.Equal(ms[i].Compressed, want) {
			t.Errorf("member %d differs from BuildParts", i)
		}
		// Fixed gzip header: magic, deflate, no flags, mtime 0, xfl 2 (best), OS 255.
		if got, wantHdr := hex.EncodeToString(want[:10]), "1f8b08000000000002ff"; got != wantHdr {
			t.Errorf("member %d gzip header %s, want %s", i, got, wantHdr)
		}
	}
	sum := sha256.Sum256(p.Data)
	t.Run("data", func(t *testing.T) {
		mt := int64(1700000000)
		want := []tarEntry{
			{Name: "etc/conf", Type: tar.TypeReg, Mode: 0o644, Uid: 10, Gid: 20, Mtime: mt, Body: "x=1\n",
				PAX: map[string]string{ChecksumRecord: sha1Of("x=1\n"), "SCHILY.xattr.user.a": "b"}},
			{Name: "usr/", Type: tar.TypeDir, Mode: 0o755, Mtime: mt},
			{Name: "usr/bin/", Type: tar.TypeDir, Mode: 0o755, Mtime: mt},
			{Name: "usr/bin/hello", Type: tar.TypeReg, Mode: 0o4755, Mtime: mt, Body: "hello",
				PAX: map[string]string{ChecksumRecord: "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"}},
			{Name: "usr/bin/hey", Link: "usr/bin/hello", Type: tar.TypeLink, Mode: 0o644, Mtime: mt},
			{Name: "usr/bin/hi", Link: "hello", Type: tar.TypeSymlink, Mode: 0o777, Mtime: mt,
				PAX: map[string]string{ChecksumRecord: sha1Of("hello")}},
		}
		if got := listTar(t, ms[2].Content); !reflect.DeepEqual(got, want) {
			t.Errorf("data entries:\n got %+v\nwant %+v", got, want)
		}
		if !bytes.HasSuffix(ms[2].Content, make([]byte, 1024)) {
			t.Errorf("data member lacks the end-of-archive blocks")
		}
	})
	t.Run("control", func(t *testing.T) {
		pkginfoText := "pkgname = hello\npkgver = 1.0-r0\npkgdesc = greeter\nbuilddate = 1700000000\nsize = 9\narch = x86_64\nlicense = MIT\ndepend = musl\ndatahash = " + hex.EncodeToString(sum[:]) + "\n"
		got := listTar(t, ms[1].Content)
		var names []string
		for _, e := range got {
			names = append(names, e.Name)
		}
		if want := []string{".PKGINFO", ".post-install", ".trigger"}; !reflect.DeepEqual(names, want) {
			t.Errorf("control entries %v, want %v", names, want)
		}
		if got[0].Body != pkginfoText {
			t.Errorf(".PKGINFO:\n%s\nwant:\n%s", got[0].Body, pkginfoText)
		}
		if len(ms[1].Content)%512 != 0 || bytes.HasSuffix(ms[1].Content, make([]byte, 1024)) {
			t.Errorf("control tar must be cut before the end blocks, %d bytes", len(ms[1].Content))
		}
	})
	t.Run("signature", func(t *testing.T) {
		got := listTar(t, ms[0].Content)
		if len(got) != 1 || got[0].Name != ".SIGN.RSA.test.rsa.pub" {
			t.Fatalf("signature entries %+v", got)
		}
		d := sha1.Sum(p.Control)
		if err := rsa.VerifyPKCS1v15(&signer.Key.PublicKey, crypto.SHA1, d[:], []byte(got[0].Body)); err != nil {
			t.Errorf("signature does not verify: %v", err)
		}
	})
}

func TestBuildDeterministic(t *testing.T) {
	a, err := Build(sampleSpec(), TestSigner(0, "a.rsa.pub"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(sampleSpec(), TestSigner(0, "a.rsa.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("two builds of the same spec differ")
	}
}

func TestSignerAlgorithms(t *testing.T) {
	for _, tc := range []struct {
		alg  string
		hash crypto.Hash
		sum  func([]byte) []byte
	}{
		{"", crypto.SHA1, func(b []byte) []byte { s := sha1.Sum(b); return s[:] }},
		{"RSA256", crypto.SHA256, func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }},
		{"RSA512", crypto.SHA512, func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }},
	} {
		t.Run("alg="+tc.alg, func(t *testing.T) {
			s := Signer{KeyName: "k.rsa.pub", Key: TestKey(1), Alg: tc.alg}
			p, err := BuildParts(sampleSpec(), s)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(p.Signature))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(zr)
			e := listTar(t, raw)
			alg := tc.alg
			if alg == "" {
				alg = "RSA"
			}
			if len(e) != 1 || e[0].Name != ".SIGN."+alg+".k.rsa.pub" {
				t.Fatalf("entries %+v", e)
			}
			if err := rsa.VerifyPKCS1v15(&s.Key.PublicKey, tc.hash, tc.sum(p.Control), []byte(e[0].Body)); err != nil {
				t.Errorf("verify: %v", err)
			}
		})
	}
	if _, err := Build(sampleSpec(), Signer{KeyName: "k", Key: TestKey(1), Alg: "DSA"}); err == nil || !strings.Contains(err.Error(), `unknown algorithm "DSA"`) {
		t.Errorf("bad algorithm: got %v", err)
	}
}

func TestUnsignedAndOverrides(t *testing.T) {
	spec := sampleSpec()
	spec.Info.DataHash = strings.Repeat("0", 64)
	spec.Info.InstalledSize = 1
	spec.SkipChecksums = true
	spec.Files = []File{{Name: "../x", Body: []byte("a")}, {Name: "/abs", Body: []byte("b"), PAXRecords: map[string]string{ChecksumRecord: "bad"}}}
	p, err := BuildParts(spec)
	if err != nil {
		t.Fatal(err)
	}
	if p.Signature != nil {
		t.Errorf("unsigned build has a signature member")
	}
	if p.Info.DataHash != strings.Repeat("0", 64) || p.Info.InstalledSize != 1 {
		t.Errorf("overrides not kept: %+v", p.Info)
	}
	ms, err := apkfile.SplitMembers(p.Bytes(), 0)
	if err != nil || len(ms) != 2 {
		t.Fatalf("members %d, %v", len(ms), err)
	}
	got := listTar(t, ms[1].Content)
	if len(got) != 2 || got[0].Name != "../x" || got[0].PAX != nil || got[1].Name != "/abs" || got[1].PAX[ChecksumRecord] != "bad" {
		t.Errorf("hostile entries %+v", got)
	}
}

func TestIndexEntry(t *testing.T) {
	spec := sampleSpec()
	spec.Info.HasPriority, spec.Info.ProviderPriority = true, 7
	spec.Info.Provides = []string{"cmd:hello=1.0-r0"}
	p, err := BuildParts(spec, TestSigner(0, "a.rsa.pub"))
	if err != nil {
		t.Fatal(err)
	}
	apk := p.Bytes()
	rec, err := IndexEntry(apk)
	if err != nil {
		t.Fatal(err)
	}
	q := sha1.Sum(p.Control)
	want := apkindex.Record{
		Checksum: "Q1" + base64.StdEncoding.EncodeToString(q[:]), Name: "hello", Version: "1.0-r0", Arch: "x86_64",
		Size: int64(len(apk)), InstalledSize: 9, Description: "greeter", License: "MIT", BuildTime: 1700000000,
		ProviderPriority: 7, HasPriority: true, Depends: []string{"musl"}, Provides: []string{"cmd:hello=1.0-r0"},
	}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("IndexEntry:\n got %+v\nwant %+v", rec, want)
	}
	if _, err := IndexEntry([]byte("not gzip")); err == nil {
		t.Errorf("IndexEntry of garbage succeeded")
	}
}

func TestBuildIndex(t *testing.T) {
	recs := []apkindex.Record{{Checksum: "Q1abc=", Name: "a", Version: "1-r0", Arch: "x86_64", Size: 3, InstalledSize: 4}}
	signer := TestSigner(0, "idx.rsa.pub")
	b, err := BuildIndex("v1", recs, signer)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := apkfile.SplitMembers(b, 0)
	if err != nil || len(ms) != 2 {
		t.Fatalf("members %d, %v", len(ms), err)
	}
	sig := listTar(t, ms[0].Content)
	d := sha1.Sum(ms[1].Compressed)
	if len(sig) != 1 || sig[0].Name != ".SIGN.RSA.idx.rsa.pub" {
		t.Fatalf("signature entries %+v", sig)
	}
	if err := rsa.VerifyPKCS1v15(&signer.Key.PublicKey, crypto.SHA1, d[:], []byte(sig[0].Body)); err != nil {
		t.Errorf("index signature: %v", err)
	}
	body := listTar(t, ms[1].Content)
	wantText := "C:Q1abc=\nP:a\nV:1-r0\nA:x86_64\nS:3\nI:4\nT:\nU:\nL:\n\n"
	if len(body) != 2 || body[0].Name != "DESCRIPTION" || body[0].Body != "v1" || body[1].Name != "APKINDEX" || body[1].Body != wantText {
		t.Errorf("index entries %s", fmt.Sprintf("%+v", body))
	}
	unsigned, err := BuildIndex("v1", recs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unsigned, ms[1].Compressed) {
		t.Errorf("unsigned index should be the bare index member")
	}
}

func TestPublicKeyPEM(t *testing.T) {
	pem := string(PublicKeyPEM(TestKey(0)))
	if !strings.HasPrefix(pem, "-----BEGIN PUBLIC KEY-----\n") || !strings.HasSuffix(pem, "-----END PUBLIC KEY-----\n") {
		t.Errorf("PEM:\n%s", pem)
	}
}
