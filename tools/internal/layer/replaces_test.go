package layer

import (
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// TestReplacesFile: a (installed first, Q1a) and b (now, Q1b) both ship
// one file. Each case follows apk_pkg_replaces_file and, for the atoms,
// apk_dep_is_materialized (src/package.c, apk-tools 2.14 and 3).
func TestReplacesFile(t *testing.T) {
	const sumA, sumB = "Q1" + "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Q1" + "BBBBBBBBBBBBBBBBBBBBBBBBBBA="
	for _, tc := range []struct {
		name             string
		aRepl, bRepl     []string
		aPrio, bPrio     int
		aOrigin, bOrigin string
		want             overlap
	}{
		// No replaces, different origins: "trying to overwrite".
		{name: "nothing says who wins", want: conflict},
		// "Or same source package?"
		{name: "same origin", aOrigin: "o", bOrigin: "o", want: takeNew},
		// "If the new package has valid 'replaces'".
		{name: "b replaces a", bRepl: []string{"a"}, want: takeNew},
		// Version constraint of the atom: apk_version_match.
		{name: "b replaces a<1 (a is 1)", bRepl: []string{"a<1"}, want: conflict},
		{name: "b replaces a>=1", bRepl: []string{"a>=1"}, want: takeNew},
		{name: "b replaces a~1", bRepl: []string{"a~1"}, want: takeNew},
		// apk_dep_match_checksum: "name><Q1..." matches that build only.
		{name: "b replaces a by its checksum", bRepl: []string{"a><" + sumA}, want: takeNew},
		{name: "b replaces another build of a", bRepl: []string{"a><" + sumB}, want: conflict},
		// dep->name != pkg->name: only a "!" atom materializes.
		{name: "b replaces !c: matches a", bRepl: []string{"!c"}, want: takeNew},
		{name: "b replaces !a: never a", bRepl: []string{"!a"}, want: conflict},
		{name: "b replaces !a<1: a 1 is not below 1", bRepl: []string{"!a<1"}, want: takeNew},
		// apk_blob_pull_deps drops an atom it cannot parse; the rest count.
		{name: "a broken atom, then a", bRepl: []string{"a=", "a"}, want: takeNew},
		// "If the original package is more important, skip this file".
		{name: "a replaces b", aRepl: []string{"b"}, want: keepOld},
		{name: "both; a's priority higher", aRepl: []string{"b"}, bRepl: []string{"a"}, aPrio: 2, bPrio: 1, want: keepOld},
		{name: "both; equal priorities", aRepl: []string{"b"}, bRepl: []string{"a"}, aPrio: 1, bPrio: 1, want: takeNew},
		{name: "both; b's priority higher", aRepl: []string{"b"}, bRepl: []string{"a"}, aPrio: 1, bPrio: 2, want: takeNew},
		// A priority counts only with a matching atom.
		{name: "a's priority without replaces", aPrio: 9, bRepl: []string{"a"}, want: takeNew},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &pkginfo.Info{Name: "a", Version: "1", Origin: tc.aOrigin, Replaces: tc.aRepl, ReplacesPriority: tc.aPrio}
			b := &pkginfo.Info{Name: "b", Version: "1", Origin: tc.bOrigin, Replaces: tc.bRepl, ReplacesPriority: tc.bPrio}
			if got := replacesFile(a, sumA, b, sumB); got != tc.want {
				t.Errorf("replacesFile = %d, want %d (0 conflict, 1 keep a's, 2 take b's)", got, tc.want)
			}
		})
	}
}

// TestDirMeta follows apk-tools 2.14's apk_db_dir_apply_diri_permissions:
// the lower uid, then gid, wins; the same owner keeps the common mode bits.
func TestDirMeta(t *testing.T) {
	for _, tc := range []struct {
		name       string
		have, ship meta
		want       meta
	}{
		{"lower uid wins", meta{mode: 0o700, uid: 3, gid: 3}, meta{mode: 0o755}, meta{mode: 0o755}},
		{"higher uid loses", meta{mode: 0o755}, meta{mode: 0o700, uid: 3, gid: 3}, meta{mode: 0o755}},
		{"same uid, lower gid wins", meta{mode: 0o775, uid: 0, gid: 82}, meta{mode: 0o750, uid: 0, gid: 0}, meta{mode: 0o750}},
		{"same owner: common bits", meta{mode: 0o1777}, meta{mode: 0o2755}, meta{mode: 0o755}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.have
			dirMeta(&got, tc.ship)
			if got.mode != tc.want.mode || got.uid != tc.want.uid || got.gid != tc.want.gid {
				t.Errorf("got %o %d:%d, want %o %d:%d", got.mode, got.uid, got.gid, tc.want.mode, tc.want.uid, tc.want.gid)
			}
		})
	}
}
