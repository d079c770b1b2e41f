package layer

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzWrite feeds one arbitrary tar as a package's data through Write: it
// must not panic, and a layer it accepts is sorted, stays inside the root
// and has hardlinks only to earlier regular files.
func FuzzWrite(f *testing.F) {
	for _, seed := range [][]ent{
		{dir("lib/"), reg("lib/a", "a"), symlink("lib/b", "/lib/a"), hardlink("c", "lib/a")},
		{symlink("l", "/etc"), reg("l/x", "x")},
		{reg("../x", "x"), reg("/y", "y")},
		{symlink("a/b", "../../.."), hardlink("h", "nowhere")},
	} {
		f.Add(smallTar(f, seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		_, err := Write(&out, []Package{pkgOf("f", "1", data)}, Options{MaxEntries: 1000})
		if err != nil {
			return
		}
		tr := tar.NewReader(&out)
		prev := ""
		regular := map[string]bool{}
		for {
			h, err := tr.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("the layer is not a valid tar: %v", err)
			}
			if h.Name <= prev {
				t.Fatalf("%q after %q: not sorted", h.Name, prev)
			}
			prev = h.Name
			if strings.HasPrefix(h.Name, "/") || strings.HasPrefix(h.Name, "./") {
				t.Fatalf("name %q is not relative", h.Name)
			}
			for _, c := range strings.Split(strings.TrimSuffix(h.Name, "/"), "/") {
				if c == ".." || c == "." || c == "" {
					t.Fatalf("name %q is not clean", h.Name)
				}
			}
			switch h.Typeflag {
			case tar.TypeReg:
				regular[h.Name] = true
			case tar.TypeLink:
				if !regular[h.Linkname] {
					t.Fatalf("hardlink %q to %q, not an earlier regular file", h.Name, h.Linkname)
				}
			case tar.TypeSymlink:
				if escapes(h.Name, h.Linkname) {
					t.Fatalf("symlink %q -> %q escapes", h.Name, h.Linkname)
				}
			}
		}
	})
}

// smallTar writes entries without PAX records: small seeds let the fuzzer
// minimize quickly.
func smallTar(t testing.TB, ents []ent) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range ents {
		hdr := &tar.Header{Typeflag: e.typ, Name: e.name, Mode: e.mode, Linkname: e.link, Format: tar.FormatUSTAR}
		if e.typ == tar.TypeReg {
			hdr.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.body))
	}
	tw.Close()
	return b.Bytes()
}
