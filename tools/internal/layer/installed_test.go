package layer

import (
	"archive/tar"
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
