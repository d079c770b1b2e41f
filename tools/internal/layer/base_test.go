package layer

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
)

// baseOf is what apkimage reads from a base image's apk layer.
func baseOf(t *testing.T, out []byte) *Base {
	return &Base{
		Installed:    []byte(fileOf(t, out, "lib/apk/db/installed")),
		World:        strings.Fields(fileOf(t, out, "etc/apk/world")),
		Repositories: strings.Fields(fileOf(t, out, "etc/apk/repositories")),
		Scripts:      []byte(fileOf(t, out, "lib/apk/db/scripts.tar")),
		Triggers:     []byte(fileOf(t, out, "lib/apk/db/triggers")),
	}
}

// TestStacking: a layer on a base that has packages writes one installed
// database listing both, as `apk add` on the base would: apk's database
// (apk_db_write_fdb) lists every installed package, files are decided
// against their installed owner (apk_pkg_replaces_file), and a package of
// the same name is an upgrade that replaces the old record.
func TestStacking(t *testing.T) {
	a := pkg(t, "a", "1", reg("etc/x", "a"), reg("etc/a", "a"))
	a.Scripts = []Script{{Name: ".post-install", Body: []byte("#!/bin/sh\n")}}
	a.Info.Triggers = []string{"/usr/share/a/*"}
	baseOut, _, err := write(t, Options{World: []string{"a", "b"}, Repositories: []string{"https://r/main"}},
		a, pkg(t, "b", "1", reg("usr/bin/b", "b1"), reg("usr/bin/b-old", "old")))
	if err != nil {
		t.Fatal(err)
	}
	base := baseOf(t, baseOut)

	d := pkg(t, "d", "1", reg("etc/x", "d"))
	d.Info.Replaces = []string{"a"}
	out, res, err := write(t, Options{World: []string{"d", "b"}, Repositories: []string{"https://r/community"}, Base: base},
		pkg(t, "b", "2", reg("usr/bin/b", "b2")), d)
	if err != nil {
		t.Fatal(err)
	}
	db := fileOf(t, out, "lib/apk/db/installed")
	for _, want := range []string{
		// a stays, without etc/x, which d took over by replaces=.
		"P:a\nV:1\nA:x86_64\nS:0\nI:0\nT:\nU:\nL:\nF:etc\nR:a\nZ:",
		"P:b\nV:2\n",
		"P:d\nV:1\nA:x86_64\nS:0\nI:0\nT:\nU:\nL:\nr:a\nF:etc\nR:x\n",
	} {
		if !strings.Contains(db, want) {
			t.Errorf("installed database lacks %q:\n%s", want, db)
		}
	}
	if strings.Contains(db, "P:b\nV:1\n") || strings.Count(db, "P:b\n") != 1 {
		t.Errorf("b is listed other than once, as version 2:\n%s", db)
	}
	if i, j := strings.Index(db, "P:a\n"), strings.Index(db, "P:b\n"); i < 0 || j < i {
		t.Errorf("the base's packages do not come first:\n%s", db)
	}
	if got := fileOf(t, out, "etc/apk/world"); got != "a\nb\nd\n" {
		t.Errorf("world = %q, want the base's and the layer's, sorted", got)
	}
	if got := fileOf(t, out, "etc/apk/repositories"); got != "https://r/community\nhttps://r/main\n" {
		t.Errorf("repositories = %q", got)
	}
	if got := fileOf(t, out, "lib/apk/db/triggers"); !strings.HasPrefix(got, a.Checksum+" /usr/share/a/*\n") {
		t.Errorf("triggers = %q, want the base's a first", got)
	}
	if !strings.Contains(fileOf(t, out, "lib/apk/db/scripts.tar"), "a-1."+a.Checksum+".post-install") {
		t.Errorf("scripts.tar lost the base's script")
	}
	if got := fileOf(t, out, "etc/x"); got != "d" {
		t.Errorf("etc/x = %q, want d's", got)
	}
	if len(res.Base) != 1 || res.Base[0].Name != "a" {
		t.Errorf("Result.Base = %+v, want a only (b was upgraded)", res.Base)
	}
}

// TestStackingOverlaps: files of the base's packages follow the same rules
// as files of the layer's own packages.
func TestStackingOverlaps(t *testing.T) {
	a := pkg(t, "a", "1", reg("etc/x", "a"))
	a.Info.Replaces, a.Info.ReplacesPriority, a.Info.Origin = []string{"e"}, 5, "a"
	baseOut, _, err := write(t, Options{}, a)
	if err != nil {
		t.Fatal(err)
	}
	// e replaces a with a lower priority: a, installed, keeps the file.
	e := pkg(t, "e", "1", reg("etc/x", "e"), reg("etc/y", "y"))
	e.Info.Replaces, e.Info.ReplacesPriority = []string{"a"}, 1
	out, _, err := write(t, Options{Base: baseOf(t, baseOut)}, e)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(listing(t, out), "\n"), "etc/x ") {
		t.Errorf("the layer writes etc/x, which the base's a keeps")
	}
	if db := fileOf(t, out, "lib/apk/db/installed"); !strings.Contains(db, "P:a\n") || strings.Count(db, "R:x\n") != 1 {
		t.Errorf("etc/x should stay a's:\n%s", db)
	}
	// Same origin: the later package takes the file.
	f := pkg(t, "a-extra", "1", reg("etc/x", "f"))
	f.Info.Origin = "a"
	if out, _, err = write(t, Options{Base: baseOf(t, baseOut)}, f); err != nil || fileOf(t, out, "etc/x") != "f" {
		t.Errorf("same origin over the base: %v", err)
	}
	// Neither: a conflict naming the base's package.
	_, _, err = write(t, Options{Base: baseOf(t, baseOut)}, pkg(t, "g", "1", reg("etc/x", "g")))
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.First != "a-1 (in the base image)" || ce.Second != "g-1" {
		t.Fatalf("error %v, want a conflict with the base's a-1", err)
	}
}

func TestStackingBadBase(t *testing.T) {
	_, _, err := write(t, Options{Base: &Base{Installed: []byte("P:a\nV:1\nR:x\n")}}, pkg(t, "b", "1"))
	if err == nil || err.Error() != "layer: the base's installed database, record 1: R: before any F:; rebuild the base image" {
		t.Fatalf("error %v", err)
	}
}

// TestStackingHostileBase: a base image's apk database is input from
// outside (any image can be a base). What would be written back forged,
// or read without bound, is refused with the record named.
func TestStackingHostileBase(t *testing.T) {
	const rec = "P:a\nV:1\nC:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	sparseScript := apkbuild.SparseTar(apkbuild.SparsePAX, "a-1.Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=.post-install", 1<<62)
	for _, tc := range []struct {
		name string
		base Base
		want string
	}{
		{"a package listed twice", Base{Installed: []byte(rec + "F:etc\nR:x\n\n" + rec)},
			"record 2: package a is listed again (first in record 1); rebuild the base image"},
		{"carriage return in a line", Base{Installed: []byte("P:a\nV:1\nT:x\rP:forged\n")},
			`record 1: line "T:x\rP:forged" holds the control character 0x0d`},
		{"escape sequence in a line", Base{Installed: []byte("P:a\nV:1\nT:\x1b[2J\n")},
			"holds the control character 0x1b"},
		{"directory with ..", Base{Installed: []byte(rec + "F:usr/../../etc\nR:shadow\n")},
			`record 1: directory "usr/../../etc" has a ".." component`},
		{"absolute directory", Base{Installed: []byte(rec + "F:/etc\nR:shadow\n")},
			`record 1: directory "/etc" is an absolute path`},
		{"file name with ..", Base{Installed: []byte(rec + "F:etc\nR:../shadow\n")},
			`record 1: file name "../shadow" is not a plain name (has a ".." component)`},
		{"file name with a slash", Base{Installed: []byte(rec + "F:etc\nR:a/b\n")},
			`record 1: file name "a/b" is not a plain name`},
		{"world entry with a control character", Base{Installed: []byte(rec), World: []string{"a\x00b"}},
			`the base's /etc/apk/world: "a\x00b" holds the control character 0x00`},
		{"sparse script", Base{Installed: []byte(rec), Scripts: sparseScript},
			"the base's scripts.tar: a-1.Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=.post-install is not a plain file of at most the archive's size"},
		{"huge line", Base{Installed: []byte("P:a\nV:1\nT:" + strings.Repeat("x", 8<<20) + "\x01\n")},
			"holds the control character 0x01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.base
			_, _, err := write(t, Options{Base: &b}, pkg(t, "b", "1"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if len(err.Error()) > 2000 {
				t.Errorf("the message is %d bytes long", len(err.Error()))
			}
		})
	}
}

// FuzzParseBase: the base's installed database, from any image, does not
// panic the parser, and what it accepts writes back to a database that
// parses to the same text (the new layer's database carries it on).
func FuzzParseBase(f *testing.F) {
	f.Add([]byte("P:a\nV:1\nA:x86_64\nC:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nF:etc\nR:x\nZ:Q1BBBB=\nM:0:0:755\n\nP:b\nV:2\nF:usr/bin\nR:b\na:0:0:755\n"))
	f.Add([]byte("P:a\nV:1\nF:etc\nR:x\n\nP:a\nV:1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		db, err := parseBase(&Base{Installed: data}, nil)
		if err != nil {
			return
		}
		var once bytes.Buffer
		db.write(&once)
		db2, err := parseBase(&Base{Installed: once.Bytes()}, nil)
		if err != nil {
			t.Fatalf("the written database does not parse: %v\n%q", err, once.String())
		}
		var twice bytes.Buffer
		db2.write(&twice)
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("written twice differs:\n%q\n%q", once.String(), twice.String())
		}
	})
}
