package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// writeIndex writes a signed APKINDEX.tar.gz and returns its path.
func writeIndex(t *testing.T, dir, name string, s apkbuild.Signer, recs ...apkindex.Record) string {
	t.Helper()
	b, err := apkbuild.BuildIndex("test", recs, s)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolveVerb(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	if err := os.Mkdir(keys, 0o755); err != nil {
		t.Fatal(err)
	}
	signer := apkbuild.TestSigner(0, "test.rsa.pub")
	if err := os.WriteFile(filepath.Join(keys, "test.rsa.pub"), apkbuild.PublicKeyPEM(signer.Key), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := func(name, ver string, deps ...string) apkindex.Record {
		return apkindex.Record{Checksum: "Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=", Name: name, Version: ver, Arch: "x86_64", Depends: deps}
	}
	main := writeIndex(t, dir, "main.tar.gz", signer,
		rec("hello", "1.0-r0", "so:libc.musl-x86_64.so.1"),
		rec("busybox", "1.36.1-r0"))
	musl := rec("musl", "1.2.5-r0")
	musl.Provides = []string{"so:libc.musl-x86_64.so.1=1"}
	second := writeIndex(t, dir, "second.tar.gz", signer, musl)
	untrusted := writeIndex(t, dir, "untrusted.tar.gz", apkbuild.TestSigner(1, "other.rsa.pub"), musl)

	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"install order", []string{"resolve", "--keyring", keys, "--apkindex", main, "--apkindex", second, "hello", "busybox"}, 0,
			"busybox-1.36.1-r0\nmusl-1.2.5-r0\nhello-1.0-r0\n"},
		{"--key instead of --keyring", []string{"resolve", "--key", filepath.Join(keys, "test.rsa.pub"), "--apkindex", second, "musl"}, 0,
			"musl-1.2.5-r0\n"},
		{"unsatisfiable", []string{"resolve", "--keyring", keys, "--apkindex", main, "hello"}, 1, ""},
		{"untrusted index", []string{"resolve", "--keyring", keys, "--apkindex", untrusted, "musl"}, 1, ""},
		{"no index", []string{"resolve", "--keyring", keys, "musl"}, 2, ""},
		{"no packages", []string{"resolve", "--keyring", keys, "--apkindex", main}, 2, ""},
		{"no keys", []string{"resolve", "--apkindex", main, "musl"}, 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := runCaptured(t, tc.args...)
			if code != tc.code || out != tc.out {
				t.Errorf("run(%q) = %d, %q; want %d, %q", tc.args, code, out, tc.code, tc.out)
			}
		})
	}
}
