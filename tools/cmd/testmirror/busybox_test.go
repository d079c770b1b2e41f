package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/busybox"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
)

// TestBusyboxPackages: x86_64 has busybox r0 (/bin/busybox alone) and r1
// (also /etc/busybox-paths.d/busybox, a list that differs from the kept
// one), both carrying the cached static build unchanged.
func TestBusyboxPackages(t *testing.T) {
	if testBusybox() == "none" {
		t.Skipf("no busybox in %s: run tools/setup.sh", defaultBusybox())
	}
	dir, names := sharedMirror(t)
	if !strings.Contains(","+strings.Join(names, ",")+",", ",x86_64,") {
		t.Skip("no x86_64 loader")
	}
	want, _, err := readBusybox(defaultBusybox())
	if err != nil {
		t.Fatal(err)
	}
	kept, err := busybox.Links(busyboxUpstream)
	if err != nil {
		t.Fatal(err)
	}
	kr, err := keyring.LoadDir(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		version   string
		wantNames []string
	}{
		{busyboxKeptList, []string{"bin/", "bin/busybox"}},
		{busyboxPathsDList, []string{"bin/", "bin/busybox", "etc/", "etc/busybox-paths.d/", "etc/busybox-paths.d/busybox"}},
	}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			path := filepath.Join(dir, busyboxArch, "busybox-"+tc.version+".apk")
			sum, err := apkfile.Verify(path, kr, apkfile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			i := sum.Info
			if i.Name != "busybox" || i.Version != tc.version || i.Origin != "busybox" || i.Arch != busyboxArch ||
				len(i.Depends) != 0 || !strings.Contains(i.Description, "busybox-static") {
				t.Errorf("metadata: %+v", i)
			}
			bodies, hdrs := entries(t, path)
			var got []string
			for n := range hdrs {
				got = append(got, n)
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tc.wantNames, " ") {
				t.Errorf("entries %v, want %v", got, tc.wantNames)
			}
			if h := hdrs["bin/busybox"]; h == nil || h.Mode != 0o755 || !bytes.Equal(bodies["bin/busybox"], want) {
				t.Errorf("bin/busybox is not the cached binary with mode 0755: %+v", h)
			}
			if tc.version != busyboxPathsDList {
				return
			}
			list, err := busybox.Parse(bodies["etc/busybox-paths.d/busybox"])
			if err != nil {
				t.Fatal(err)
			}
			var wantList []string
			for _, l := range kept {
				if strings.HasPrefix(l, "bin/") || strings.HasPrefix(l, "usr/bin/") {
					wantList = append(wantList, l)
				}
			}
			if strings.Join(list, "\n") != strings.Join(wantList, "\n") {
				t.Errorf("busybox-paths.d lists %d paths, want the kept list's %d under bin/ and usr/bin/", len(list), len(wantList))
			}
			// The two sources must be told apart in an image.
			if len(list) >= len(kept) || len(list) < 100 {
				t.Errorf("busybox-paths.d lists %d paths, the kept list %d: want a smaller, still large list", len(list), len(kept))
			}
		})
	}
}

// TestReadBusyboxRefuses: a missing, foreign or dynamic binary is an error
// that says what to do, never a package.
func TestReadBusyboxRefuses(t *testing.T) {
	loader386 := filepath.Join(defaultSysroots(), "x86", "lib", "libc.so")
	dynamic, _ := exec.LookPath("true")
	tests := []struct {
		name   string
		bin    string // copied to bin/busybox; "" = none
		origin string
		want   string
	}{
		{"missing", "", "x", "run tools/setup.sh"},
		{"not ELF", "testdata/test-ca.crt", "x", "is not an ELF file"},
		{"i386", loader386, "x", "want an x86-64 executable"},
		{"dynamic", dynamic, "x", "is dynamically linked"},
		{"no origin", "testdata/test-ca.crt", "", "has no ORIGIN file"},
		{"two-line origin", "testdata/test-ca.crt", "a\nb", "must be one non-empty line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := t.TempDir()
			if tc.bin != "" {
				b, err := os.ReadFile(tc.bin)
				if err != nil {
					t.Skipf("%s: %v (run tools/setup.sh)", tc.bin, err)
				}
				os.MkdirAll(filepath.Join(d, "bin"), 0o755)
				os.WriteFile(filepath.Join(d, "bin", "busybox"), b, 0o755)
			}
			if tc.origin != "" {
				os.WriteFile(filepath.Join(d, "ORIGIN"), []byte(tc.origin), 0o644)
			}
			_, _, err := readBusybox(d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("readBusybox: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestBusyboxNone: --busybox none leaves busybox out; an empty option is
// an error, not a silent omission.
func TestBusyboxNone(t *testing.T) {
	a, _ := archByName(busyboxArch)
	if _, _, err := sysrootLoader(defaultSysroots(), a); err != nil {
		t.Skipf("no x86_64 sysroot: %v", err)
	}
	files, err := generate(genOptions{Sysroots: defaultSysroots(), Arches: []string{"x86_64"}, Hello: "none", Busybox: "none"})
	if err != nil {
		t.Fatal(err)
	}
	for name := range files {
		if strings.Contains(name, "busybox") {
			t.Errorf("--busybox none wrote %s", name)
		}
	}
	_, err = generate(genOptions{Sysroots: defaultSysroots(), Arches: []string{"x86_64"}, Hello: "none"})
	if err == nil || !strings.Contains(err.Error(), "--busybox is empty") {
		t.Errorf("an empty Busybox option: %v", err)
	}
}
