package main

import (
	"crypto/rand"
	"crypto/rsa"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layerstep"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
)

// TestHostileDependLine: "depend = a b" on one .PKGINFO line is two atoms
// for every verb, as for apk: the lock resolves both, the same lock comes
// out twice, and the layer's install-order check accepts it.
func TestHostileDependLine(t *testing.T) {
	e := newHEnv(t)
	e.publish(t, "x86_64", e.signed(t, hEvil("two", files(apkbuild.File{Name: "etc/two", Body: []byte("2")}), "hello so:libc.musl-x86_64.so.1")))
	args := e.lockArgs(t, "", []string{"two"})
	lockPath := filepath.Join(e.in, "lock.json")
	args[4] = lockPath
	var first []byte
	for i := 0; i < 2; i++ {
		if code, msg := hRun(t, args...); code != 0 {
			t.Fatalf("lock: %d\n%s", code, msg)
		}
		b, _ := os.ReadFile(lockPath)
		if i == 1 && string(b) != string(first) {
			t.Fatalf("re-locking wrote another lock:\n%s\nthen\n%s", first, b)
		}
		first = b
	}
	l, err := lock.Read(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := layerstep.PackageNames(l.Architectures["x86_64"].Packages); got != "musl-1.2.5-r0.apk hello-2.12-r1.apk two-1-r0.apk" {
		t.Fatalf("install order %s", got)
	}
	var apks []string
	for _, p := range l.Architectures["x86_64"].Packages {
		apks = append(apks, e.download(t, "main/x86_64/"+p.FileName()))
	}
	if code, msg := hRun(t, e.layerArgs(lockPath, "x86_64", apks)...); code != 0 {
		t.Fatalf("layer refused what lock accepted: %d\n%s", code, msg)
	}
	db := hLayerFile(t, filepath.Join(e.out, "layer.tar.gz"), "lib/apk/db/installed")
	if !strings.Contains(db, "P:two\nV:1-r0\n") || !strings.Contains(db, "\nD:hello so:libc.musl-x86_64.so.1\n") {
		t.Errorf("installed database lacks two's record with both atoms:\n%s", db)
	}
}

// TestHostileWeakKey: RSA keys under 2048 bits are refused by every verb
// that takes keys, before anything is verified with them.
func TestHostileWeakKey(t *testing.T) {
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	pem := apkbuild.PublicKeyPEM(weak)
	const msg = "RSA key of 1024 bits is too weak: keys under 2048 bits are refused; use the repository's current signing key"
	runHostile(t, []hCase{
		{"verify", func(t *testing.T, e *hEnv) ([]string, []string) {
			key := filepath.Join(e.in, "weak.rsa.pub")
			os.WriteFile(key, pem, 0o644)
			apk := filepath.Join(e.in, "hello.apk")
			os.WriteFile(apk, e.repo.File("main/x86_64/hello-2.12-r1.apk"), 0o644)
			return []string{"verify", "--key", key, apk}, []string{"apkimage verify: key weak.rsa.pub: " + msg}
		}},
		{"lock, key served by the keyring URL", func(t *testing.T, e *hEnv) ([]string, []string) {
			e.repo.Set("keys/test-5f00.rsa.pub", pem)
			return e.lockArgs(t, "", []string{"hello"}), []string{"apkimage lock: key from " + e.URL + "/keys/test-5f00.rsa.pub: key test-5f00.rsa.pub: " + msg}
		}},
	})
}

// hLayerFile returns the content of name in the gzipped layer at path.
func hLayerFile(t *testing.T, path, name string) string {
	t.Helper()
	gz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ltTarFile(t, gz, name)
}
