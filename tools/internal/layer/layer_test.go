package layer

import (
	"archive/tar"
	"bytes"
	"testing"
	"time"
)

var mtime = time.Unix(1700000000, 0)

func twoPackages(t testing.TB) []Package {
	musl := pkg(t, "musl", "1.2.5-r0",
		dir("lib/"),
		reg("lib/ld-musl-x86_64.so.1", "loader"),
		symlink("lib/libc.musl-x86_64.so.1", "/lib/ld-musl-x86_64.so.1"),
	)
	base := pkg(t, "alpine-baselayout-data", "3.6-r0",
		dir("etc/"),
		ent{name: "etc/shadow", typ: tar.TypeReg, mode: 0o640, uid: 42, body: "root:*::0:::::\n"},
		reg("usr/bin/tool", "x"), // no usr/ or usr/bin/ entry: implicit parents
		dir("lib/"),              // shared with musl: not a conflict
	)
	return []Package{musl, base}
}

func TestWriteListing(t *testing.T) {
	out, res, err := write(t, Options{MTime: mtime, Arch: "x86_64"}, twoPackages(t)...)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"dev/ 5 755 0:0 0  1700000000",
		"etc/ 5 755 0:0 0  1700000000",
		"etc/apk/ 5 755 0:0 0  1700000000",
		"etc/apk/arch 0 644 0:0 7  1700000000",
		"etc/apk/keys/ 5 755 0:0 0  1700000000",
		"etc/apk/repositories 0 644 0:0 0  1700000000",
		"etc/apk/world 0 644 0:0 0  1700000000",
		"etc/shadow 0 640 42:42 15  1700000000",
		"lib/ 5 755 0:0 0  1700000000",
		"lib/apk/ 5 755 0:0 0  1700000000",
		"lib/apk/db/ 5 755 0:0 0  1700000000",
		"lib/apk/db/installed 0 644 0:0 INSTALLED  1700000000",
		"lib/apk/db/scripts.tar 0 644 0:0 1024  1700000000",
		"lib/apk/db/triggers 0 644 0:0 0  1700000000",
		"lib/ld-musl-x86_64.so.1 0 644 0:0 6  1700000000",
		"lib/libc.musl-x86_64.so.1 2 777 0:0 0 /lib/ld-musl-x86_64.so.1 1700000000",
		"proc/ 5 555 0:0 0  1700000000",
		"tmp/ 5 1777 0:0 0  1700000000",
		"usr/ 5 755 0:0 0  1700000000",
		"usr/bin/ 5 755 0:0 0  1700000000",
		"usr/bin/tool 0 644 0:0 1  1700000000",
	}
	got := listing(t, out)
	for i, l := range got {
		if bytes.HasPrefix([]byte(l), []byte("lib/apk/db/installed ")) {
			got[i] = "lib/apk/db/installed 0 644 0:0 INSTALLED  1700000000"
		}
	}
	diffLines(t, got, want)
	if res.Files != len(want) || res.Size != int64(len(out)) || len(res.Packages) != 2 || res.Packages[1].Name != "alpine-baselayout-data" {
		t.Errorf("result = %+v", res)
	}
}
