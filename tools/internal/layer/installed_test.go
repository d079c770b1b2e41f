package layer

import (
	"archive/tar"
	"crypto/sha1"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

func TestInstalledDatabase(t *testing.T) {
	musl := pkg(t, "musl", "1.2.5-r0",
		dir("lib/"),
		reg("lib/ld-musl-x86_64.so.1", "loader"),
		symlink("lib/libc.musl-x86_64.so.1", "/lib/ld-musl-x86_64.so.1"),
	)
	musl.Size = 400000
	musl.Info = &pkginfo.Info{Name: "musl", Version: "1.2.5-r0", Arch: "x86_64", InstalledSize: 1000,
		Description: "the musl c library", URL: "https://musl.libc.org/", License: "MIT",
		Origin: "musl", Maintainer: "Someone <s@example.org>", BuildDate: 1700000000, Commit: "abc",
		Provides: []string{"so:libc.musl-x86_64.so.1=1"}}
	other := pkg(t, "zz", "1-r0",
		ent{name: "var/", typ: tar.TypeDir, mode: 0o700, uid: 7},
		ent{name: "var/s", typ: tar.TypeReg, mode: 0o4755, body: "s"},
		reg("top", ""),
	)
	other.Info.HasPriority, other.Info.ProviderPriority = true, 10
	other.Info.Depends = []string{"musl", "so:libc.musl-x86_64.so.1"}
	other.Info.Replaces = []string{"old"}
	other.Info.ReplacesPriority = 2
	out, _, err := write(t, Options{MTime: mtime}, musl, other)
	if err != nil {
		t.Fatal(err)
	}
	want := `C:Q1mmmmmmmmmmmmmmmmmmmmmmmmmmm=
P:musl
V:1.2.5-r0
A:x86_64
S:400000
I:1000
T:the musl c library
U:https://musl.libc.org/
L:MIT
o:musl
m:Someone <s@example.org>
t:1700000000
c:abc
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
Z:Q1xX4IryjIXn/phwKPeYbwu0Vz9mM=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q1fglszgB1/78YqG/ePcxeBfbVgWU=

C:Q1zzzzzzzzzzzzzzzzzzzzzzzzzzz=
P:zz
V:1-r0
A:x86_64
S:0
I:0
T:
U:
L:
k:10
D:musl so:libc.musl-x86_64.so.1
r:old
q:2
F:
R:top
Z:Q12jmj7l5rSw0yVb/vlWAYkK/YBwk=
F:var
M:7:7:700
R:s
a:0:0:4755
Z:Q1oPFJCiDQIRyZe0S8NX4Zct6riuM=

`
	// Z: values are base64 SHA-1 computed independently with openssl.
	if got := fileOf(t, out, "lib/apk/db/installed"); got != want {
		t.Errorf("installed:\n%s\nwant:\n%s", got, want)
	}
}

// TestInstalledDirACL: each package's record in the installed database
// carries the metadata that package ships a directory with (apk-tools
// 2.14's diri->acl, written by apk_db_write_fdb as M: unless it is the
// default 0:0:755), while the layer holds the directory's merged metadata
// (apk_db_dir_apply_diri_permissions, see TestDirMeta).
func TestInstalledDirACL(t *testing.T) {
	const xattr = "SCHILY.xattr.user.a"
	for _, tc := range []struct {
		name   string
		a, b   []ent
		layer  string   // the layer's var/ entry, as listing writes it
		fields []string // the F: and M: lines of a's record, "--", then b's
	}{{
		name:   "the lower owner wins on disk, each keeps its own in the database",
		a:      []ent{{name: "var/", typ: tar.TypeDir, mode: 0o700, uid: 7}, reg("var/a", "")},
		b:      []ent{dir("var/"), reg("var/b", "")},
		layer:  "var/ 5 755 0:0",
		fields: []string{"F:var", "M:7:7:700", "--", "F:var"},
	}, {
		name:   "the same owner keeps the mode bits both grant on disk",
		a:      []ent{dir("var/"), reg("var/a", "")},
		b:      []ent{{name: "var/", typ: tar.TypeDir, mode: 0o750}, reg("var/b", "")},
		layer:  "var/ 5 750 0:0",
		fields: []string{"F:var", "--", "F:var", "M:0:0:750"},
	}, {
		name:   "a directory only implied by a package's file has no M: in its record",
		a:      []ent{{name: "var/", typ: tar.TypeDir, mode: 0o700, uid: 7}, reg("var/a", "")},
		b:      []ent{reg("var/b", "")},
		layer:  "var/ 5 700 7:7",
		fields: []string{"F:var", "M:7:7:700", "--", "F:var"},
	}, {
		name:   "a directory without files is listed with its own metadata",
		a:      []ent{{name: "var/", typ: tar.TypeDir, mode: 0o711}},
		b:      []ent{{name: "var/", typ: tar.TypeDir, mode: 0o700, uid: 7}},
		layer:  "var/ 5 711 0:0",
		fields: []string{"F:var", "M:0:0:711", "--", "F:var", "M:7:7:700"},
	}, {
		name:   "xattrs stay with the package that ships them",
		a:      []ent{dir("var/")},
		b:      []ent{{name: "var/", typ: tar.TypeDir, mode: 0o755, uid: 7, pax: map[string]string{xattr: "v"}}},
		layer:  "var/ 5 755 0:0",
		fields: []string{"F:var", "--", "F:var", "M:7:7:755:Q1" + xattrQ1(t, "user.a", "v")},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := write(t, Options{MTime: mtime}, pkg(t, "a", "1-r0", tc.a...), pkg(t, "b", "1-r0", tc.b...))
			if err != nil {
				t.Fatal(err)
			}
			var layer string
			for _, l := range listing(t, out) {
				if strings.HasPrefix(l, "var/ ") {
					layer = strings.Join(strings.Fields(l)[:4], " ")
				}
			}
			if layer != tc.layer {
				t.Errorf("layer: %q, want %q", layer, tc.layer)
			}
			var fields []string
			for _, l := range strings.Split(fileOf(t, out, "lib/apk/db/installed"), "\n") {
				switch {
				case l == "P:b":
					fields = append(fields, "--")
				case strings.HasPrefix(l, "F:"), strings.HasPrefix(l, "M:"):
					fields = append(fields, l)
				}
			}
			diffLines(t, fields, tc.fields)
		})
	}
}

// xattrQ1 is apk's Q1 checksum of one xattr, computed here from the
// format's definition rather than with xattrSum.
func xattrQ1(t *testing.T, name, value string) string {
	t.Helper()
	var b []byte
	for _, s := range []string{name, value} {
		b = append(b, 0, 0, 0, byte(len(s)))
		b = append(b, s...)
	}
	sum := sha1.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}
