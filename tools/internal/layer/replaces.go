package layer

import (
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/resolve"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/version"
)

// overlap is what happens when a package ships a path an earlier one
// installed.
type overlap int

const (
	conflict overlap = iota // refused: *ConflictError
	keepOld                 // the earlier package keeps the file
	takeNew                 // the later package's file replaces it
)

// replacesFile decides an overlap as apk-tools' apk_pkg_replaces_file
// (src/package.c) does for a package a installed earlier and b now (with
// their Q1 checksums, for checksum atoms): each
// side's replaces_priority counts if its replaces= names the other (name
// and version constraint, apk_dep_is_materialized); the earlier package
// keeps the file if its count is higher; otherwise the later one takes it
// if it replaces the earlier, or if both come from the same origin.
func replacesFile(a *pkginfo.Info, aSum string, b *pkginfo.Info, bSum string) overlap {
	aPrio, bPrio := -1, -1
	if names(a.Replaces, b, bSum) {
		aPrio = a.ReplacesPriority
	}
	if names(b.Replaces, a, aSum) {
		bPrio = b.ReplacesPriority
	}
	switch {
	case aPrio > bPrio:
		return keepOld
	case bPrio >= 0:
		return takeNew
	case a.Origin != "" && a.Origin == b.Origin:
		return takeNew // "Or same source package?"
	}
	return conflict
}

// names reports whether one of the replaces= atoms matches the package
// p whose Q1 checksum is sum, as apk_dep_is_materialized (src/package.c,
// apk-tools 2.14 and 3) decides: an atom of another name matches only if it
// is a "!" atom; "name><Q1..." matches the package with that checksum
// (apk_dep_match_checksum); otherwise the version constraint, inverted by
// "!". An atom that does not parse is dropped, as apk_blob_pull_deps drops
// it, and the others still count.
func names(atoms []string, p *pkginfo.Info, sum string) bool {
	for _, s := range atoms {
		a, err := resolve.ParseAtom(s)
		if err != nil {
			continue
		}
		if materialized(a, p, sum) {
			return true
		}
	}
	return false
}

func materialized(a resolve.Atom, p *pkginfo.Info, sum string) bool {
	switch {
	case a.Name != p.Name:
		return a.Conflict
	case a.Checksum != "":
		return (a.Checksum == sum) != a.Conflict
	}
	return (a.Op == 0 || version.Match(p.Version, a.Op, a.Version)) != a.Conflict
}

// dirMeta merges a directory's metadata that another package ships into
// the metadata it has, as apk-tools 2.14's
// apk_db_dir_apply_diri_permissions (src/database.c) does, so the result
// does not depend on install order: the lower owner (uid, then gid) wins;
// with the same owner, only the mode bits both grant stay. apk-tools 3
// decides by apk_pkg_replaces_dir instead (replaces_priority, the package
// named like the origin, then the name); Alpine 3.21 and earlier install
// with 2.14. A directory only implied by a file's path takes the first
// shipped metadata.
func dirMeta(have *meta, ship meta) {
	switch {
	case ship.uid < have.uid || ship.uid == have.uid && ship.gid < have.gid:
		*have = ship
	case ship.uid == have.uid && ship.gid == have.gid:
		have.mode &= ship.mode
	}
}
