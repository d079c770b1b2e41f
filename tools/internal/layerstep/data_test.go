package layerstep

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// lockFixture is locktest's x86_64 packages saved as local files, with a
// lock of their entries and the key file, as Bazel would pass them.
type lockFixture struct {
	lock *lock.Lock
	key  string   // key file
	apks []string // the x86_64 packages in lock order
}

func newLockFixture(t *testing.T) *lockFixture {
	t.Helper()
	dir := t.TempDir()
	signer := apkbuild.TestSigner(0, locktest.KeyName)
	pem := apkbuild.PublicKeyPEM(signer.Key)
	f := &lockFixture{key: filepath.Join(dir, locktest.KeyName), lock: &lock.Lock{
		Keyring:       []lock.Key{{Name: locktest.KeyName, PEM: string(pem), SHA256: hexSHA256(pem)}},
		Architectures: map[string]lock.Arch{},
	}}
	ltWrite(t, f.key, pem)
	var pkgs []lock.Package
	for _, s := range locktest.Specs("x86_64") {
		apk, err := apkbuild.Build(s, signer)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := apkbuild.IndexEntry(apk)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, s.Info.Name+"-"+s.Info.Version+".apk")
		ltWrite(t, p, apk)
		f.apks = append(f.apks, p)
		pkgs = append(pkgs, lock.Package{Arch: rec.Arch, Checksum: rec.Checksum, Name: rec.Name,
			SHA256: hexSHA256(apk), Size: int64(len(apk)), Version: rec.Version})
	}
	f.lock.Architectures["x86_64"] = lock.Arch{Packages: pkgs}
	return f
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func ltWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// openFixture verifies the fixture's x86_64 packages as the layer verb
// does and returns their lazy data readers.
func openFixture(t *testing.T, f *lockFixture) []*lazyData {
	t.Helper()
	l := f.lock
	kr, err := lockedKeyring(l, []string{f.key}, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []*lazyData
	for i, path := range f.apks {
		p, closer, err := openLocked(path, "x86_64", l.Architectures["x86_64"].Packages[i], kr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { closer.Close() })
		out = append(out, p.Data.(*lazyData))
	}
	return out
}

func TestLazyDataReadsAndReleases(t *testing.T) {
	f := newLockFixture(t)
	for _, d := range openFixture(t, f) {
		if d.p != nil || d.f != nil {
			t.Fatalf("%s is open before the layer reads it", d.path)
		}
		n := 0
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", d.path, err)
			}
			if _, err := io.Copy(io.Discard, d); err != nil {
				t.Fatalf("%s: %v", d.path, err)
			}
			n++
		}
		if n == 0 {
			t.Errorf("%s: no entries", d.path)
		}
		if d.p != nil || d.f != nil {
			t.Errorf("%s: file or decompressor kept after io.EOF", d.path)
		}
		if _, err := d.Next(); err != io.EOF {
			t.Errorf("%s: Next after the end = %v, want io.EOF", d.path, err)
		}
	}
}

func TestLazyDataRefusesChangedFile(t *testing.T) {
	f := newLockFixture(t)
	ds := openFixture(t, f)
	// Another validly signed package in place of the verified one.
	other, err := os.ReadFile(f.apks[1])
	if err != nil {
		t.Fatal(err)
	}
	ltWrite(t, f.apks[0], other)
	if err := os.Remove(f.apks[2]); err != nil {
		t.Fatal(err)
	}
	for i, want := range map[int]string{0: "differs from the", 2: "reopening"} {
		_, err := ds[i].Next()
		if err == nil || !strings.Contains(err.Error(), f.apks[i]) || !strings.Contains(err.Error(), want) {
			t.Errorf("Next on a changed %s = %v, want an error naming the file and %q", f.apks[i], err, want)
		}
		if _, again := ds[i].Next(); again != err {
			t.Errorf("the error is not sticky: %v then %v", err, again)
		}
	}
}
