package rootfs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

type ent struct {
	name, body string
	typ        byte
}

func writeLayer(t *testing.T, dir, name string, gz bool, ents ...ent) Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.body))}
		if e.typ == tar.TypeDir {
			h.Mode, h.Size = 0o755, 0
		}
		if e.typ == tar.TypeSymlink {
			h.Linkname, h.Size = e.body, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	b := buf.Bytes()
	if gz {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(b)
		zw.Close()
		b = z.Bytes()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return Layer{Path: p, Gzipped: gz}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	l0 := writeLayer(t, dir, "0.tar.gz", true,
		ent{"etc/", "", tar.TypeDir}, ent{"etc/passwd", "root\n", tar.TypeReg},
		ent{"etc/group", "g0\n", tar.TypeReg}, ent{"var/", "", tar.TypeDir},
		ent{"var/lib/", "", tar.TypeDir}, ent{"var/lib/a", "a", tar.TypeReg}, ent{"opt/x", "x", tar.TypeReg})
	l1 := writeLayer(t, dir, "1.tar", false,
		ent{"etc/passwd", "root\nnonroot\n", tar.TypeReg}, // replaces
		ent{"etc/.wh.group", "", tar.TypeReg},             // deletes
		ent{"var/lib/.wh..wh..opq", "", tar.TypeReg},      // empties var/lib below
		ent{"var/lib/b", "b", tar.TypeReg},                // but keeps this layer's own
		ent{"opt", "/elsewhere", tar.TypeSymlink})         // a symlink replaces the directory
	tree, err := Read([]Layer{l0, l1}, func(p string) bool { return !strings.HasPrefix(p, "etc/skip") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys, got []string
	for k := range tree {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		got = append(got, k+"="+string(tree[k].Data)+tree[k].Link)
	}
	want := []string{"etc=", "etc/passwd=root\nnonroot\n", "opt=/elsewhere", "var=", "var/lib=", "var/lib/b=b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tree = %q, want %q", got, want)
	}
	if _, err := Read([]Layer{l0}, func(string) bool { return true }, 3); err == nil || !strings.Contains(err.Error(), "more than 3 bytes") {
		t.Errorf("cap: error = %v", err)
	}
	if _, err := Read([]Layer{{Path: filepath.Join(dir, "missing.tar")}}, func(string) bool { return true }, 0); err == nil || !strings.Contains(err.Error(), "missing.tar") {
		t.Errorf("missing layer: error = %v", err)
	}
}
