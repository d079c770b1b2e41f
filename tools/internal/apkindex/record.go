package apkindex

// Record is one package of an APKINDEX: the fields apk reads, by letter.
// Depends, Provides and InstallIf keep the index's order.
type Record struct {
	Checksum         string   // C: "Q1" + base64(SHA-1 of the control member)
	Name             string   // P
	Version          string   // V
	Arch             string   // A
	Size             int64    // S: size of the .apk file
	InstalledSize    int64    // I
	Description      string   // T
	URL              string   // U
	License          string   // L
	Origin           string   // o
	Maintainer       string   // m
	BuildTime        int64    // t
	Commit           string   // c
	ProviderPriority int      // k
	HasPriority      bool     // k was present
	Depends          []string // D
	Provides         []string // p
	InstallIf        []string // i
	Replaces         []string // r (installed db only; accepted here too)
	ReplacesPriority int      // q (installed db only; accepted here too)
	// Uninstallable is set when the record carries an unknown upper-case
	// field: apk keeps such a package in the index but never installs it.
	Uninstallable bool
}
