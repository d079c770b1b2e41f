package pkginfo

// Info is the parsed .PKGINFO of one package. List fields keep the order of
// the file; Unknown keeps keys this package does not interpret, in file
// order, so nothing a packager wrote is silently lost.
type Info struct {
	Name             string   // pkgname
	Version          string   // pkgver
	Description      string   // pkgdesc
	URL              string   // url
	InstalledSize    int64    // size: bytes once installed
	Arch             string   // arch
	License          string   // license
	Origin           string   // origin
	Maintainer       string   // maintainer
	BuildDate        int64    // builddate: seconds since the epoch
	Commit           string   // commit
	Packager         string   // packager
	ProviderPriority int      // provider_priority
	HasPriority      bool     // provider_priority was present
	Depends          []string // depend, one atom each
	Provides         []string // provides
	InstallIf        []string // install_if
	Replaces         []string // replaces
	ReplacesPriority int      // replaces_priority
	Triggers         []string // triggers: directory globs
	DataHash         string   // datahash: hex SHA-256 of the compressed data member
	Unknown          []Field  // keys not listed above
}

// Field is one "key = value" line.
type Field struct {
	Key, Value string
}
