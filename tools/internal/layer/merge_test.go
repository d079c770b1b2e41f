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
				return []Package{pkg(t, "a", "1", reg("srv/x", "1"), ent{name: "srv/", typ: tar.TypeDir, mode: 0o700, uid: 3}),
					pkg(t, "b", "1", ent{name: "srv/", typ: tar.TypeDir, mode: 0o755})}
			},
			prefixes: []string{"srv/"},
			want:     []string{"srv/ 5 700 3:3 0  0", "srv/x 0 644 0:0 1  0"},
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
