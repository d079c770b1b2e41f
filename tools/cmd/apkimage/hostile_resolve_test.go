package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layerstep"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
)

// TestHostileResolve: requests the repository cannot satisfy. The lock
// verb resolves against the signed index and fails with the chain.
func TestHostileResolve(t *testing.T) {
	runHostile(t, []hCase{
		{"unsatisfiable dependency", func(t *testing.T, e *hEnv) ([]string, []string) {
			e.publish(t, "x86_64", e.signed(t, hEvil("evil", nil, "so:libnothere.so.1")))
			return e.lockArgs(t, "", []string{"evil"}), []string{"apkimage lock: x86_64: resolving [evil]: world → evil → so:libnothere.so.1: no package provides so:libnothere.so.1 (in repositories: " +
				e.URL + "/main); check the package name, the repositories and the architecture"}
		}},
		{"world conflicts with a dependency", func(t *testing.T, e *hEnv) ([]string, []string) {
			return e.lockArgs(t, "", []string{"hello", "!musl"}), []string{"apkimage lock: x86_64: resolving [hello !musl]: world → hello → so:libc.musl-x86_64.so.1: musl-1.2.5-r0 conflicts with !musl from world"}
		}},
		{"package conflicts with another", func(t *testing.T, e *hEnv) ([]string, []string) {
			e.publish(t, "x86_64", e.signed(t, hEvil("evil", nil, "!hello")))
			return e.lockArgs(t, "", []string{"hello", "evil"}), []string{"apkimage lock: x86_64: resolving [hello evil]: world → evil: evil-1-r0 declares !hello but hello-2.12-r1 is already selected"}
		}},
		{"version constraint nothing meets", func(t *testing.T, e *hEnv) ([]string, []string) {
			return e.lockArgs(t, "", []string{"musl>=2"}), []string{"apkimage lock: x86_64: resolving [musl>=2]: world → musl>=2: no candidate matches; available: musl 1.2.5-r0 from " + e.URL + "/main"}
		}},
		{"absent architecture", func(t *testing.T, e *hEnv) ([]string, []string) {
			return e.lockArgs(t, "", []string{"hello"}, "x86_64", "s390x"), []string{"apkimage lock: architecture s390x is not in repository " + e.URL + "/main: " +
				e.URL + "/main/s390x/APKINDEX.tar.gz was not found; remove s390x from the architectures or fix the repository URL"}
		}},
		{"absent architecture in the lock (layer)", func(t *testing.T, e *hEnv) ([]string, []string) {
			lockPath, files := e.locked(t, "hello")
			return e.layerArgs(lockPath, "s390x", files), []string{"apkimage layer: lock file " + lockPath + " has no architecture s390x (it has x86_64): add it to the configuration and re-lock"}
		}},
	})
}

// TestHostileAccepted: what the catalogue decides to keep. A dependency
// cycle locks in a deterministic order that the layer accepts; setuid bits
// and absolute symlinks inside the root are kept; replaces= lets a later
// package own a file.
func TestHostileAccepted(t *testing.T) {
	e := newHEnv(t)
	e.publish(t, "x86_64",
		e.signed(t, hEvil("cyc-a", files(apkbuild.File{Name: "bin/su", Mode: 0o4755, Body: []byte("su")}), "cyc-b")),
		e.signed(t, hEvil("cyc-b", files(apkbuild.File{Name: "bin/sh", Type: tar.TypeSymlink, Linkname: "/bin/su"},
			apkbuild.File{Name: "etc/motd", Body: []byte("b")}), "cyc-a")),
		e.signed(t, func() apkbuild.Spec {
			s := hEvil("motd", files(apkbuild.File{Name: "etc/motd", Body: []byte("motd")}), "cyc-a")
			s.Info.Replaces = []string{"cyc-b"}
			return s
		}()))
	args := e.lockArgs(t, "", []string{"motd"})
	lockPath := filepath.Join(e.in, "lock.json")
	args[4] = lockPath
	for i := 0; i < 2; i++ { // the same order every time
		if code, msg := hRun(t, args...); code != 0 {
			t.Fatalf("lock: %d\n%s", code, msg)
		}
		l, err := lock.Read(lockPath)
		if err != nil {
			t.Fatal(err)
		}
		if got := layerstep.PackageNames(l.Architectures["x86_64"].Packages); got != "cyc-b-1-r0.apk cyc-a-1-r0.apk motd-1-r0.apk" {
			t.Fatalf("install order %s", got)
		}
	}
	var files []string
	for _, n := range []string{"cyc-b", "cyc-a", "motd"} {
		files = append(files, e.download(t, "main/x86_64/"+n+"-1-r0.apk"))
	}
	if code, msg := hRun(t, e.layerArgs(lockPath, "x86_64", files)...); code != 0 {
		t.Fatalf("layer: %d\n%s", code, msg)
	}
	got := map[string]*tar.Header{}
	gz, _ := os.ReadFile(filepath.Join(e.out, "layer.tar.gz"))
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	bodies := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = h
		b, _ := io.ReadAll(tr)
		bodies[h.Name] = string(b)
	}
	if h := got["bin/su"]; h == nil || h.Mode != 0o4755 {
		t.Errorf("bin/su = %+v, want mode 04755 kept", h)
	}
	if h := got["bin/sh"]; h == nil || h.Linkname != "/bin/su" {
		t.Errorf("bin/sh = %+v, want the absolute symlink kept", h)
	}
	if bodies["etc/motd"] != "motd" {
		t.Errorf("etc/motd = %q, want the replacing package's", bodies["etc/motd"])
	}
}
