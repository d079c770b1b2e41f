package layer

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"
)

// filtered keeps the listing lines of names under one of the prefixes.
func filtered(lines []string, prefixes ...string) []string {
	var out []string
	for _, l := range lines {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name     string
		pkgs     func(t *testing.T) []Package
		prefixes []string
		want     []string
		files    map[string]string // name → content in the layer
		db       []string          // substrings of the installed database
	}{
		{
			name: "replaces lets the later package win",
			pkgs: func(t *testing.T) []Package {
				b := pkg(t, "b", "2", reg("etc/x", "new"))
				b.Info.Replaces = []string{"a<2"}
				return []Package{pkg(t, "a", "1", reg("etc/x", "old"), reg("etc/y", "y")), b}
			},
			prefixes: []string{"etc/x", "etc/y"},
			want:     []string{"etc/x 0 644 0:0 3  0", "etc/y 0 644 0:0 1  0"},
			files:    map[string]string{"etc/x": "new"},
			// a keeps its directory and etc/y, b owns etc/x now.
			db: []string{"P:a\n", "F:etc\nR:y\n", "P:b\n", "F:etc\nR:x\n"},
		},
		// apk_pkg_replaces_file: neither replaces the other, but both come
		// from one origin ("Or same source package?"): the later wins.
		{
			name: "same origin: the later package's file",
			pkgs: func(t *testing.T) []Package {
				a, b := pkg(t, "py3-foo", "1", reg("usr/lib/x", "a")), pkg(t, "py3-foo-tests", "1", reg("usr/lib/x", "b"))
				a.Info.Origin, b.Info.Origin = "py-foo", "py-foo"
				return []Package{a, b}
			},
			prefixes: []string{"usr/lib/x"},
			want:     []string{"usr/lib/x 0 644 0:0 1  0"},
			files:    map[string]string{"usr/lib/x": "b"},
			db:       []string{"P:py3-foo-tests\nV:1\nA:x86_64\nS:0\nI:0\nT:\nU:\nL:\no:py-foo\nF:usr/lib\nR:x\n"},
		},
		// apk_pkg_replaces_file: the earlier package replaces the later
		// one (priority 0 against none), so the earlier keeps the file.
		{
			name: "replaces in the earlier package: it keeps the file",
			pkgs: func(t *testing.T) []Package {
				a := pkg(t, "a", "1", reg("etc/x", "a"))
				a.Info.Replaces = []string{"b"}
				return []Package{a, pkg(t, "b", "1", reg("etc/x", "b"), reg("etc/y", "y"))}
			},
			prefixes: []string{"etc/x"},
			want:     []string{"etc/x 0 644 0:0 1  0"},
			files:    map[string]string{"etc/x": "a"},
			// b's record lists etc/y only (x would sort first).
			db: []string{"P:a\n", "P:b\nV:1\nA:x86_64\nS:0\nI:0\nT:\nU:\nL:\nF:etc\nR:y\n"},
		},
		// apk_pkg_replaces_file: both replace each other; the higher
		// replaces_priority keeps the file, whichever came first.
		{
			name: "replaces_priority: the earlier package's is higher",
			pkgs: func(t *testing.T) []Package {
				a, b := pkg(t, "a", "1", reg("etc/x", "a")), pkg(t, "b", "1", reg("etc/x", "b"))
				a.Info.Replaces, a.Info.ReplacesPriority = []string{"b"}, 10
				b.Info.Replaces, b.Info.ReplacesPriority = []string{"a"}, 5
				return []Package{a, b}
			},
			prefixes: []string{"etc/x"},
			want:     []string{"etc/x 0 644 0:0 1  0"},
			files:    map[string]string{"etc/x": "a"},
		},
		{
			name: "replaces_priority: the later package's is higher",
			pkgs: func(t *testing.T) []Package {
				a, b := pkg(t, "a", "1", reg("etc/x", "a")), pkg(t, "b", "1", reg("etc/x", "b"))
				a.Info.Replaces, a.Info.ReplacesPriority = []string{"b"}, 5
				b.Info.Replaces, b.Info.ReplacesPriority = []string{"a"}, 10
				return []Package{a, b}
			},
			prefixes: []string{"etc/x"},
			want:     []string{"etc/x 0 644 0:0 1  0"},
			files:    map[string]string{"etc/x": "b"},
			db:       []string{"P:b\n", "q:10\nF:etc\nR:x\n"},
		},
		{
			name: "setuid, setgid and sticky bits and owners are kept",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1",
					ent{name: "bin/su", typ: tar.TypeReg, mode: 0o4755, body: "su"},
					ent{name: "bin/wall", typ: tar.TypeReg, mode: 0o2755, uid: 5, body: "w"},
					ent{name: "var/tmp/", typ: tar.TypeDir, mode: 0o1777},
				)}
			},
			prefixes: []string{"bin/", "var/"},
			want: []string{
				"bin/ 5 755 0:0 0  0",
				"bin/su 0 4755 0:0 2  0",
				"bin/wall 0 2755 5:5 1  0",
				"var/ 5 755 0:0 0  0",
				"var/tmp/ 5 1777 0:0 0  0",
			},
			db: []string{"R:su\na:0:0:4755\n", "F:var/tmp\nM:0:0:1777\n"},
		},
		{
			name: "xattrs are kept, checksum records are not",
			pkgs: func(t *testing.T) []Package {
				e := reg("bin/ping", "p")
				e.pax = map[string]string{"SCHILY.xattr.security.capability": "\x01\x00\x00\x02"}
				return []Package{pkg(t, "a", "1", e)}
			},
			prefixes: []string{"bin/ping"},
			want:     []string{"bin/ping 0 644 0:0 1  0 SCHILY.xattr.security.capability=\x01\x00\x00\x02"},
			// apk_blob_push_db_acl appends the xattrs' checksum
			// (apk_fileinfo_hash_xattr_array); computed independently:
			// SHA-1 of be32(19) "security.capability" be32(4) value.
			db: []string{"R:ping\na:0:0:644:Q1I5+wkQQUBvmlLQsGDN5Z8Gcf0wo=\nZ:"},
		},
		{
			name: "hardlinks: content on the first name in sort order",
			pkgs: func(t *testing.T) []Package {
				return []Package{
					pkg(t, "a", "1", reg("z/real", "data"), hardlink("a/link", "./z/real")),
					pkg(t, "b", "1", hardlink("m/link2", "a/link")),
				}
			},
			prefixes: []string{"a/link", "m/link2", "z/real"},
			want: []string{
				"a/link 0 644 0:0 4  0",
				"m/link2 1 644 0:0 0 a/link 0",
				"z/real 1 644 0:0 0 a/link 0",
			},
			files: map[string]string{"a/link": "data"},
			db:    []string{"F:a\nR:link\nZ:Q1oXyaqmHoChv3HQ2FCvTluqmAC70=\n"},
		},
		{
			name: "devices and fifos",
			pkgs: func(t *testing.T) []Package {
				var b bytes.Buffer
				tw := tar.NewWriter(&b)
				for _, h := range []*tar.Header{
					{Typeflag: tar.TypeChar, Name: "dev/null", Mode: 0o666, Devmajor: 1, Devminor: 3},
					{Typeflag: tar.TypeBlock, Name: "dev/loop0", Mode: 0o660, Gid: 6, Devmajor: 7},
					{Typeflag: tar.TypeFifo, Name: "run/fifo", Mode: 0o600},
				} {
					if err := tw.WriteHeader(h); err != nil {
						t.Fatal(err)
					}
				}
				tw.Close()
				return []Package{pkgOf("a", "1", b.Bytes())}
			},
			prefixes: []string{"dev/", "run/"},
			want: []string{
				"dev/ 5 755 0:0 0  0",
				"dev/loop0 4 660 0:6 0  0 dev=7,0",
				"dev/null 3 666 0:0 0  0 dev=1,3",
				"run/ 5 755 0:0 0  0",
				"run/fifo 6 600 0:0 0  0",
			},
			db: []string{"R:loop0\na:0:6:660\nR:null\na:0:0:666\nF:run\nR:fifo\na:0:0:600\n\n"},
		},
		{
			name: "implicit directory takes a later explicit entry's metadata",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", reg("srv/x", "1"), ent{name: "srv/", typ: tar.TypeDir, mode: 0o700, uid: 3})}
			},
			prefixes: []string{"srv/"},
			want:     []string{"srv/ 5 700 3:3 0  0", "srv/x 0 644 0:0 1  0"},
		},
		// apk-tools 2.14 apk_db_dir_apply_diri_permissions: of two packages
		// shipping one directory, the lower owner wins, in either order.
		{
			name: "a shared directory: the lower owner's metadata, whichever came first",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", reg("srv/x", "1"), ent{name: "srv/", typ: tar.TypeDir, mode: 0o700, uid: 3}),
					pkg(t, "b", "1", ent{name: "srv/", typ: tar.TypeDir, mode: 0o755}),
					pkg(t, "c", "1", ent{name: "srv/", typ: tar.TypeDir, mode: 0o750, uid: 5})}
			},
			prefixes: []string{"srv/"},
			want:     []string{"srv/ 5 755 0:0 0  0", "srv/x 0 644 0:0 1  0"},
			// The database keeps each package's own (TestInstalledDirACL).
			db: []string{"P:a\n", "F:srv\nM:3:3:700\nR:x\n", "P:b\nV:1\nA:x86_64\nS:0\nI:0\nT:\nU:\nL:\nF:srv\n\n", "F:srv\nM:5:5:750\n\n"},
		},
		// The same, same owner: only the mode bits both grant stay.
		{
			name: "a shared directory with one owner: the modes both grant",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", ent{name: "var/", typ: tar.TypeDir, mode: 0o1777}),
					pkg(t, "b", "1", ent{name: "var/", typ: tar.TypeDir, mode: 0o755})}
			},
			prefixes: []string{"var/"},
			want:     []string{"var/ 5 755 0:0 0  0"},
		},
		{
			name: "root entry and ./ prefixes",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", dir("./"), dir("./etc/"), reg("./etc/./motd", "hi"), ent{name: "tmp/", typ: tar.TypeDir, mode: 0o700})}
			},
			prefixes: []string{"./", "etc/m", "tmp/"},
			want:     []string{"etc/motd 0 644 0:0 2  0", "tmp/ 5 700 0:0 0  0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := write(t, Options{}, tt.pkgs(t)...)
			if err != nil {
				t.Fatal(err)
			}
			diffLines(t, filtered(listing(t, out), tt.prefixes...), tt.want)
			for name, want := range tt.files {
				if got := fileOf(t, out, name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			db := fileOf(t, out, "lib/apk/db/installed")
			for _, s := range tt.db {
				if !strings.Contains(db, s) {
					t.Errorf("installed database lacks %q:\n%s", s, db)
				}
			}
		})
	}
}
