package main

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// verbOutput runs a verb function with stdout captured and returns its
// output and error, so tests can check the error's text.
func verbOutput(t *testing.T, f func([]string) error, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	saved := stdout
	stdout = &out
	defer func() { stdout = saved }()
	err := f(args)
	return out.String(), err
}

type verifyFixture struct {
	keys, key, good, other, untrusted, damaged, index, badIndex string
	goodQ1, otherQ1                                             string
}

func newVerifyFixture(t *testing.T) verifyFixture {
	t.Helper()
	dir := t.TempDir()
	fx := verifyFixture{keys: filepath.Join(dir, "keys")}
	if err := os.Mkdir(fx.keys, 0o755); err != nil {
		t.Fatal(err)
	}
	fx.key = filepath.Join(fx.keys, "test.rsa.pub")
	signer := apkbuild.TestSigner(0, "test.rsa.pub")
	if err := os.WriteFile(fx.key, apkbuild.PublicKeyPEM(signer.Key), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pkg := func(name string, s ...apkbuild.Signer) ([]byte, apkindex.Record) {
		b, err := apkbuild.Build(apkbuild.Spec{
			Info:  pkginfo.Info{Name: name, Version: "1.0-r0", Arch: "x86_64", BuildDate: 1700000000},
			Files: []apkbuild.File{{Name: "etc", Type: tar.TypeDir}, {Name: "etc/" + name, Body: []byte(name)}},
		}, s...)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := apkbuild.IndexEntry(b)
		if err != nil {
			t.Fatal(err)
		}
		return b, rec
	}
	good, goodRec := pkg("good", signer)
	other, otherRec := pkg("other", signer)
	untrusted, _ := pkg("untrusted", apkbuild.TestSigner(1, "stranger.rsa.pub"))
	damaged := append([]byte(nil), good...)
	damaged[len(damaged)-10] ^= 0xff
	fx.good, fx.other = write("good-1.0-r0.apk", good), write("other-1.0-r0.apk", other)
	fx.untrusted, fx.damaged = write("untrusted-1.0-r0.apk", untrusted), write("damaged-1.0-r0.apk", damaged)
	fx.goodQ1, fx.otherQ1 = goodRec.Checksum, otherRec.Checksum

	idx, err := apkbuild.BuildIndex("test", []apkindex.Record{goodRec, otherRec}, signer)
	if err != nil {
		t.Fatal(err)
	}
	fx.index = write("APKINDEX.tar.gz", idx)
	bad, err := apkbuild.BuildIndex("test", []apkindex.Record{goodRec}, apkbuild.TestSigner(1, "stranger.rsa.pub"))
	if err != nil {
		t.Fatal(err)
	}
	fx.badIndex = write("untrusted-APKINDEX.tar.gz", bad)
	return fx
}

func TestVerifyVerb(t *testing.T) {
	fx := newVerifyFixture(t)
	tests := []struct {
		name string
		args []string
		out  string
		errs []string // substrings of the error; none = success
	}{
		{name: "two good", args: []string{"--keyring", fx.keys, fx.good, fx.other},
			out: "good-1.0-r0 " + fx.goodQ1 + "\nother-1.0-r0 " + fx.otherQ1 + "\n"},
		{name: "--key", args: []string{"--key", fx.key, fx.good}, out: "good-1.0-r0 " + fx.goodQ1 + "\n"},
		{name: "every failure reported", args: []string{"--keyring", fx.keys, fx.untrusted, fx.good, fx.damaged},
			out: "good-1.0-r0 " + fx.goodQ1 + "\n",
			errs: []string{"2 of 3 packages failed verification",
				fx.untrusted + ": signature member: untrusted signature: signed with stranger.rsa.pub, keyring has test.rsa.pub",
				fx.damaged + ": data member"}},
		{name: "missing file", args: []string{"--keyring", fx.keys, filepath.Join(fx.keys, "nope.apk")}, errs: []string{"nope.apk"}},
		{name: "no files", args: []string{"--keyring", fx.keys}, errs: []string{"no package files given"}},
		{name: "no keyring", args: []string{fx.good}, errs: []string{"give either --keyring DIR or one or more --key FILE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := verbOutput(t, verifyMain, tc.args...)
			if out != tc.out {
				t.Errorf("output:\n%s\nwant:\n%s", out, tc.out)
			}
			if len(tc.errs) == 0 && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(tc.errs) > 0 && err == nil {
				t.Fatalf("no error, want %q", tc.errs)
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"verify", "--keyring", fx.keys, fx.good}, 0},
		{[]string{"verify", "--keyring", fx.keys, fx.good, fx.damaged}, 1},
		{[]string{"verify", fx.good}, 2},
		{[]string{"verify", "--bogus"}, 2},
	} {
		if code := run(tc.args); code != tc.code {
			t.Errorf("run %v: exit %d, want %d", tc.args, code, tc.code)
		}
	}
}

func TestIndexListVerb(t *testing.T) {
	fx := newVerifyFixture(t)
	tests := []struct {
		name string
		args []string
		out  string
		err  string
	}{
		{name: "list", args: []string{"--keyring", fx.keys, fx.index},
			out: "good 1.0-r0 x86_64 " + fx.goodQ1 + "\nother 1.0-r0 x86_64 " + fx.otherQ1 + "\n"},
		{name: "--key", args: []string{"--key", fx.key, fx.index},
			out: "good 1.0-r0 x86_64 " + fx.goodQ1 + "\nother 1.0-r0 x86_64 " + fx.otherQ1 + "\n"},
		{name: "untrusted", args: []string{"--keyring", fx.keys, fx.badIndex},
			err: "index " + fx.badIndex + ": signature member: untrusted signature: signed with stranger.rsa.pub"},
		{name: "not an index", args: []string{"--keyring", fx.keys, fx.good}, err: "index " + fx.good + ": index member: trailing data after the last gzip member"},
		{name: "no file", args: []string{"--keyring", fx.keys}, err: "no index given"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := verbOutput(t, apkindexMain, tc.args...)
			if out != tc.out {
				t.Errorf("output:\n%s\nwant:\n%s", out, tc.out)
			}
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want %q", err, tc.err)
			}
		})
	}
	if code := run([]string{"apkindex", "--keyring", fx.keys, fx.badIndex}); code != 1 {
		t.Errorf("untrusted index: exit %d, want 1", code)
	}
}
