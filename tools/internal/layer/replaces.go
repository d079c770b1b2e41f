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
// (src/package.c) does for a package a installed earlier and b now: each
// side's replaces_priority counts if its replaces= names the other (name
// and version constraint, apk_dep_is_materialized); the earlier package
// keeps the file if its count is higher; otherwise the later one takes it
// if it replaces the earlier, or if both come from the same origin.
func replacesFile(a, b *pkginfo.Info) overlap {
	aPrio, bPrio := -1, -1
	if names(a.Replaces, b) {
		aPrio = a.ReplacesPriority
	}
	if names(b.Replaces, a) {
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
// itself (apk_dep_is_materialized: its name, then the version
// constraint). Checksum atoms and atoms that do not parse match nothing:
// they only lose their effect, and the overlap is refused as a conflict.
func names(atoms []string, p *pkginfo.Info) bool {
	for _, s := range atoms {
		a, err := resolve.ParseAtom(s)
		if err != nil || a.Conflict || a.Name != p.Name || a.Checksum != "" {
			continue
		}
		if a.Op == 0 || version.Match(p.Version, a.Op, a.Version) {
			return true
		}
	}
	return false
}
