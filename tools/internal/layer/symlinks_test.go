package layer

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSymlinkChainsAccepted: chains that stay inside the root pass, with
// the layer listing them unchanged.
func TestSymlinkChainsAccepted(t *testing.T) {
	for _, tc := range []struct {
		name string
		ents []ent
	}{
		{"lib64 -> lib and a link through it", []ent{dir("lib/"), symlink("lib64", "lib"), dir("usr/"), symlink("usr/z", "../lib64/../etc")}},
		{"x -> . used without climbing", []ent{symlink("x", "."), symlink("y", "x/x/x/etc")}},
		{"absolute chain", []ent{dir("bin/"), reg("bin/busybox", "bb"), symlink("bin/sh", "/bin/busybox"), symlink("sh", "/bin/sh")}},
		{"dangling, inside", []ent{dir("a/"), symlink("a/l", "../nowhere/../a")}},
		{"forty hops", chain(40)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := write(t, Options{}, pkg(t, "a", "1", tc.ents...))
			if err != nil {
				t.Fatal(err)
			}
			names := strings.Join(listing(t, out), "\n")
			for _, e := range tc.ents {
				if e.typ == tar.TypeSymlink && !strings.Contains(names, e.name) {
					t.Errorf("listing lacks %s:\n%s", e.name, names)
				}
			}
		})
	}
	if _, _, err := write(t, Options{}, pkg(t, "a", "1", chain(41)...)); err == nil || !strings.Contains(err.Error(), "passes through more than 40 symlinks") {
		t.Errorf("a chain of 41 links: error %v, want the hop limit", err)
	}
}

// chain is l0 -> l1 -> ... -> ln -> etc: n hops from l0.
func chain(n int) []ent {
	var ents []ent
	for i := 0; i < n; i++ {
		ents = append(ents, symlink("l"+itoa(i), "l"+itoa(i+1)))
	}
	return append(ents, symlink("l"+itoa(n), "etc"))
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// FuzzSymlinks checks the merged-tree symlink judgement against the
// kernel: the input is lines "name" (a directory) or "name>target" (a
// relative symlink). Write must not panic or hang; when it accepts the
// layer, the layer is unpacked below root = TMP/a/b/root and every symlink
// that the kernel resolves (filepath.EvalSymlinks) must stay inside root.
// Absolute targets are left out: on a host they name the host's root by
// design (see SECURITY.md), inside the container its own.
func FuzzSymlinks(f *testing.F) {
	for _, seed := range []string{
		"x>.\ny>x/x/../../etc",
		"usr\nusr/y>d/../../x\nusr/d>.",
		"a\na/b\na/b/up>..\na/b/e>up/up/../../../x",
		"lib\nlib64>lib\nusr\nusr/z>../lib64/../etc",
		"p>q\nq>p",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var ents []ent
		for _, line := range strings.Split(in, "\n") {
			// A tar header cannot carry a NUL, so no package can hold one.
			if len(ents) >= 16 || line == "" || strings.ContainsRune(line, 0) {
				continue
			}
			name, target, isLink := strings.Cut(line, ">")
			switch {
			case isLink && !strings.HasPrefix(target, "/") && target != "":
				ents = append(ents, symlink(name, target))
			case !isLink:
				ents = append(ents, dir(name+"/"))
			}
		}
		var out bytes.Buffer
		if _, err := Write(&out, []Package{pkgOf("f", "1", dataTar(t, ents))}, Options{MaxEntries: 1000}); err != nil {
			return
		}
		base := t.TempDir()
		root := filepath.Join(base, "a", "b", "root")
		if err := os.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		var links []string
		tr := tar.NewReader(&out)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the layer is not a valid tar: %v", err)
			}
			p := filepath.Join(root, h.Name)
			switch h.Typeflag {
			case tar.TypeDir:
				err = os.MkdirAll(p, 0o755)
			case tar.TypeSymlink:
				err, links = os.Symlink(h.Linkname, p), append(links, h.Name)
			case tar.TypeReg:
				err = os.WriteFile(p, nil, 0o644)
			}
			if err != nil {
				t.Fatalf("unpacking %s: %v", h.Name, err)
			}
		}
		realRoot, err := filepath.EvalSymlinks(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			// Resolve each prefix of the target in turn: an escape
			// happens at a "..", whose prefix exists whenever the one
			// before it does, even if the full target dangles.
			target, _ := os.Readlink(filepath.Join(root, l))
			parts := strings.Split(target, "/")
			for k := 1; k <= len(parts); k++ {
				got, err := filepath.EvalSymlinks(filepath.Dir(filepath.Join(root, l)) + "/" + strings.Join(parts[:k], "/"))
				if err != nil {
					break // the kernel reaches nothing further either
				}
				if got == realRoot || strings.HasPrefix(got, realRoot+string(filepath.Separator)) {
					continue
				}
				t.Fatalf("accepted symlink %s -> %s reaches %s, outside the root %s\ninput:\n%s", l, target, got, realRoot, in)
			}
		}
	})
}
