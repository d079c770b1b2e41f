package layer

import (
	"bytes"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func splitPkgs(t *testing.T) []Package {
	withOrigin := func(p Package, o string) Package { p.Info.Origin = o; return p }
	return []Package{
		withOrigin(pkg(t, "gcc-libs", "1", dir("usr"), dir("usr/lib"), reg("usr/lib/libgcc.so", strings.Repeat("g", 500))), "gcc"),
		withOrigin(pkg(t, "tiny", "1", dir("etc"), reg("etc/tiny.conf", "t")), "tiny"),
		withOrigin(pkg(t, "libstdc++", "1", reg("usr/lib/libstdc++.so", strings.Repeat("s", 900))), "gcc"),
		withOrigin(pkg(t, "mid", "1", dir("usr/share"), reg("usr/share/mid", strings.Repeat("m", 100))), "mid"),
	}
}

func writeSplit(t *testing.T, n int) ([][]byte, *Result) {
	var outs [][]byte
	res, err := WriteSplit(splitPkgs(t), Options{TempDir: t.TempDir()}, n, func(i int, g Group, writeTo func(io.Writer) error) error {
		var b bytes.Buffer
		err := writeTo(&b)
		outs = append(outs, b.Bytes())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return outs, res
}

func TestWriteSplit(t *testing.T) {
	outs, res := writeSplit(t, 3)
	wantGroups := []Group{
		{Origins: []string{"gcc"}, Packages: []int{0, 2}},
		{Origins: []string{"mid"}, Packages: []int{3}},
		{Origins: []string{"tiny"}, Packages: []int{1}},
	}
	if !reflect.DeepEqual(res.Groups, wantGroups) {
		t.Errorf("groups = %+v, want %+v", res.Groups, wantGroups)
	}
	names := func(b []byte) []string {
		var out []string
		for _, l := range listing(t, b) {
			out = append(out, strings.Fields(l)[0])
		}
		return out
	}
	diffLines(t, names(outs[0]), []string{"usr/", "usr/lib/", "usr/lib/libgcc.so", "usr/lib/libstdc++.so"})
	diffLines(t, names(outs[1]), []string{"usr/", "usr/share/", "usr/share/mid"})
	rest := strings.Join(names(outs[2]), " ")
	for _, want := range []string{"etc/tiny.conf", "lib/apk/db/installed", "etc/apk/world", "tmp/"} {
		if !strings.Contains(rest, want) {
			t.Errorf("the last layer lacks %s: %s", want, rest)
		}
	}
	// Together the layers hold what the single layer holds.
	one, _ := writeSplit(t, 1)
	union := map[string]string{}
	for _, o := range outs {
		for _, l := range listing(t, o) {
			union[strings.Fields(l)[0]] = l
		}
	}
	var got []string
	for _, l := range union {
		got = append(got, l)
	}
	sort.Strings(got)
	want := listing(t, one[0])
	sort.Strings(want)
	diffLines(t, got, want)
	// Deterministic.
	again, _ := writeSplit(t, 3)
	for i := range outs {
		if !bytes.Equal(outs[i], again[i]) {
			t.Errorf("layer %d differs between two runs", i)
		}
	}
	// A budget larger than the origins: one layer each and one for the rest.
	many, res := writeSplit(t, 10)
	if len(many) != 4 || len(res.Groups[3].Packages) != 0 {
		t.Errorf("budget 10: %d layers, groups %+v", len(many), res.Groups)
	}
}
