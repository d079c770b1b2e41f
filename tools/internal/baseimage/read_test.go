package baseimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// db renders an installed database: each spec is "name version file...".
func db(specs ...string) string {
	var b strings.Builder
	for _, s := range specs {
		f := strings.Fields(s)
		fmt.Fprintf(&b, "C:Q1%s=\nP:%s\nV:%s\nA:x86_64\nL:MIT\n", strings.Repeat(f[0][:1]+f[1][:1], 14)[:27], f[0], f[1])
		byDir := map[string][]string{}
		var dirs []string
		for _, p := range f[2:] {
			d, n := filepath.Split(p)
			d = strings.TrimSuffix(d, "/")
			if byDir[d] == nil {
				dirs = append(dirs, d)
			}
			byDir[d] = append(byDir[d], n)
		}
		sort.Strings(dirs)
		for _, d := range dirs {
			b.WriteString("F:" + d + "\n")
			for _, n := range byDir[d] {
				b.WriteString("R:" + n + "\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// layout writes an image of the given layers, each name → content ("" for
// an empty file, "-> target" for a symlink), in another writer's "./"
// spelling.
func layout(t *testing.T, layers ...map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	spec := image.Spec{OS: "linux", Arch: "amd64"}
	for i, files := range layers {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if strings.HasPrefix(files[n], "-> ") {
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "./" + n, Linkname: files[n][3:], Mode: 0o777}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "./" + n, Mode: 0o644, Size: int64(len(files[n]))}); err != nil {
				t.Fatal(err)
			}
			if _, err := tw.Write([]byte(files[n])); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("l%d.tar", i))
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		spec.Layers = append(spec.Layers, image.Layer{Path: p, CreatedBy: fmt.Sprint("layer ", i)})
	}
	out := filepath.Join(dir, "layout")
	if _, err := image.WriteLayout(out, spec); err != nil {
		t.Fatal(err)
	}
	return out
}

const installedDB = "lib/apk/db/installed"

func TestRead(t *testing.T) {
	for _, tc := range []struct {
		name   string
		layers []map[string]string
		want   string // name-version@layer index, in the database's order; "" for no database
	}{{
		name:   "one layer",
		layers: []map[string]string{{"bin/a": "", installedDB: db("a 1 bin/a")}},
		want:   "a-1@0",
	}, {
		name: "apk add in a later layer: each package in the layer holding its files",
		layers: []map[string]string{
			{"bin/a": "", "lib/liba.so": "", installedDB: db("a 1 bin/a lib/liba.so")},
			{"usr/bin/b": "", installedDB: db("a 1 bin/a lib/liba.so", "b 2 usr/bin/b")},
		},
		want: "a-1@0 b-2@1",
	}, {
		name: "a later layer rewrites one of two files (a trigger): the oldest on a tie",
		layers: []map[string]string{
			{"etc/x": "1", "etc/y": "1", installedDB: db("c 1 etc/x etc/y")},
			{"etc/x": "2", installedDB: db("c 1 etc/x etc/y")},
		},
		want: "c-1@0",
	}, {
		name: "an upgrade in a later layer rewrites every file",
		layers: []map[string]string{
			{"bin/a": "1", "lib/liba.so": "1", installedDB: db("a 1 bin/a lib/liba.so")},
			{"bin/a": "2", "lib/liba.so": "2", installedDB: db("a 2 bin/a lib/liba.so")},
		},
		want: "a-2@1",
	}, {
		name: "most files decide",
		layers: []map[string]string{
			{"a/1": "", installedDB: db("a 1 a/1 a/2 a/3")},
			{"a/2": "", "a/3": ""},
			{"etc/motd": ""},
		},
		want: "a-1@1",
	}, {
		name: "a package without files is in the layer holding the database",
		layers: []map[string]string{
			{"bin/a": "", installedDB: db("a 1 bin/a")},
			{"etc/motd": ""},
			{installedDB: db("a 1 bin/a", "meta 1")},
		},
		want: "a-1@0 meta-1@2",
	}, {
		name: "files a later layer deletes do not count",
		layers: []map[string]string{
			{"x/1": "", "x/2": "", installedDB: db("a 1 x/1 x/2 y/1")},
			{"y/1": "", "x/.wh.1": "", "x/.wh.2": ""},
		},
		want: "a-1@1",
	}, {
		name: "an opaque directory hides what lies below it",
		layers: []map[string]string{
			{"x/1": "", "x/2": "", installedDB: db("a 1 x/1 x/2 y/1")},
			{"y/1": "", "x/.wh..wh..opq": ""},
		},
		want: "a-1@1",
	}, {
		name: "the database below another layer",
		layers: []map[string]string{
			{"bin/a": "", installedDB: db("a 1 bin/a")},
			{"etc/motd": ""},
		},
		want: "a-1@0",
	}, {
		name: "the database whited out",
		layers: []map[string]string{
			{"bin/a": "", installedDB: db("a 1 bin/a")},
			{"lib/apk/db/.wh.installed": ""},
		},
	}, {
		name: "the database's directory whited out higher up",
		layers: []map[string]string{
			{"bin/a": "", installedDB: db("a 1 bin/a")},
			{"lib/.wh.apk": ""},
		},
	}, {
		name: "the database directory made opaque",
		layers: []map[string]string{
			{"bin/a": "", installedDB: db("a 1 bin/a")},
			{"lib/apk/db/.wh..wh..opq": ""},
		},
	}, {
		name:   "no database",
		layers: []map[string]string{{"etc/motd": ""}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := layout(t, tc.layers...)
			im, err := Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			files, err := image.LayerFiles(dir)
			if err != nil {
				t.Fatal(err)
			}
			index := map[string]int{}
			for i, l := range files {
				index[l.Digest] = i
			}
			var got []string
			for _, p := range im.Packages {
				i, ok := index[p.Layer]
				if !ok {
					t.Errorf("%s is in layer %q, which the image does not have", p.Name, p.Layer)
				}
				got = append(got, fmt.Sprintf("%s-%s@%d", p.Name, p.Version, i))
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("packages %q, want %q", g, tc.want)
			}
			if (im.DB == nil) != (tc.want == "") {
				t.Errorf("database %v, want one: %v", im.DB != nil, tc.want != "")
			}
			if im.DB != nil {
				lo := im.LayerOf()
				for _, p := range im.Packages {
					if l := lo[p.Name+"\x00"+p.Checksum]; l != p.Layer {
						t.Errorf("LayerOf %s = %q, want %q", p.Name, l, p.Layer)
					}
				}
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	dir := layout(t, map[string]string{installedDB: "P:a\nnot a field\n"})
	_, err := Read(dir)
	if err == nil || !strings.Contains(err.Error(), "base image "+dir+", layer 1 (sha256:") || !strings.Contains(err.Error(), "installed database") {
		t.Errorf("a damaged database: %v", err)
	}
	if _, err := Read(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "base image: layout "+filepath.Join(dir, "nope")) {
		t.Errorf("no layout: %v", err)
	}
}

func TestReadOSRelease(t *testing.T) {
	const (
		etc = "etc/os-release"
		usr = "usr/lib/os-release"
		v1  = "ID=alpine\nVERSION_ID=3.20.3\n"
		v2  = "ID=alpine\nVERSION_ID='3.21.0'\nPRETTY_NAME=\"Alpine Linux v3.21\"\n"
	)
	for _, tc := range []struct {
		name   string
		layers []map[string]string
		want   string // ID VERSION_ID; "" for none
	}{
		{"in /etc", []map[string]string{{etc: v1}}, "alpine 3.20.3"},
		{"a newer layer replaces it", []map[string]string{{etc: v1, installedDB: db("a 1")}, {etc: v2}}, "alpine 3.21.0"},
		{"/etc's a symlink to /usr/lib's (Alpine's shape)", []map[string]string{{etc: "-> ../usr/lib/os-release", usr: v2}}, "alpine 3.21.0"},
		{"a newer symlink hides an older file", []map[string]string{{etc: v1, usr: v2}, {etc: "-> ../usr/lib/os-release"}}, "alpine 3.21.0"},
		{"/etc's first", []map[string]string{{etc: v2, usr: v1}}, "alpine 3.21.0"},
		{"whited out: /usr/lib's", []map[string]string{{etc: v1, usr: v2}, {"etc/.wh.os-release": ""}}, "alpine 3.21.0"},
		{"both whited out", []map[string]string{{etc: v1, usr: v2}, {"etc/.wh.os-release": "", "usr/.wh.lib": ""}}, ""},
		{"larger than the bound: passed over", []map[string]string{{etc: "ID=x\n" + strings.Repeat("#", maxOSRelease)}}, ""},
		{"none", []map[string]string{{"etc/motd": ""}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := Read(layout(t, tc.layers...))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if im.OSRelease != nil {
				got = im.OSRelease["ID"] + " " + im.OSRelease["VERSION_ID"]
			}
			if got != tc.want {
				t.Errorf("os-release %q (%v), want %q", got, im.OSRelease, tc.want)
			}
		})
	}
}
