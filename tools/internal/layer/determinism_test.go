package layer

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestDeterministic(t *testing.T) {
	build := func(order []ent) []byte {
		x := reg("etc/x", "x")
		x.pax = map[string]string{"SCHILY.xattr.user.b": "2", "SCHILY.xattr.user.a": "1", "SCHILY.xattr.user.c": "3"}
		p := pkg(t, "a", "1", append(order, x)...)
		out, _, err := write(t, Options{MTime: mtime, World: []string{"b", "a"}, Accounts: []Account{{Name: "u", UID: 1, GID: 1}}}, p,
			pkg(t, "b", "1", reg("usr/share/b", "b"), reg("usr/bin/b", "b")))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := build([]ent{reg("z", "z"), reg("m/n", "n"), dir("m/")})
	for i := 0; i < 5; i++ {
		// The same input gives the same bytes, whatever the maps' order;
		// a package's entry order does not matter either.
		if again := build([]ent{dir("m/"), reg("m/n", "n"), reg("z", "z")}); !bytes.Equal(first, again) {
			t.Fatalf("run %d differs", i)
		}
	}
}

func TestFormatOnlyPAXWhenNeeded(t *testing.T) {
	long := strings.Repeat("d", 150) + "/" + strings.Repeat("f", 90) // fits USTAR's prefix/name split
	longer := strings.Repeat("g", 120)                               // a base name over 100 bytes needs PAX
	x := reg("x", "x")
	x.pax = map[string]string{"SCHILY.xattr.user.k": "v"}
	out, _, err := write(t, Options{}, pkg(t, "a", "1", reg(long, "1"), reg(longer, "2"), x, ent{name: "big", typ: tar.TypeReg, mode: 0o644, uid: 1 << 22}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]tar.Format{long: tar.FormatUSTAR, longer: tar.FormatPAX, "x": tar.FormatPAX, "big": tar.FormatPAX, "etc/": tar.FormatUSTAR}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := want[h.Name]; ok && h.Format != f {
			t.Errorf("%.20s...: format %v, want %v", h.Name, h.Format, f)
		}
		if h.Name == "big" && h.Uid != 1<<22 {
			t.Errorf("big: uid %d", h.Uid)
		}
	}
}
