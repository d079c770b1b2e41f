package safename

import (
	"fmt"
	"strings"
)

// Limits of what GNU tar and Linux can unpack: a path component is at most
// NAME_MAX bytes, a whole path less than PATH_MAX.
const (
	MaxComponent = 255
	MaxPath      = 4095
)

// MaxID is the largest uid or gid a package entry may carry: uid_t is 32
// bits, (uid_t)-1 means "no change" to chown, and user namespaces and
// shadow's tools handle only ids that fit in a signed 32-bit integer.
const MaxID = 1<<31 - 1

// WhiteoutPrefix starts the names OCI layers use to delete files of the
// layers below: a package must not ship one.
const WhiteoutPrefix = ".wh."

// Path checks the components of a relative entry path (the caller has
// already refused absolute paths and ".."): it returns why the path cannot
// be installed, or "" if it can.
func Path(name string) string {
	if len(name) > MaxPath {
		return fmt.Sprintf("is %d bytes long, more than the %d a path may have", len(name), MaxPath)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < ' ' || c == 0x7f {
			// A line break would also split the installed database's
			// lines; GNU tar and most tools mangle the others.
			return fmt.Sprintf("contains the control character 0x%02x (a NUL byte, line break, ...)", c)
		}
	}
	for _, c := range strings.Split(name, "/") {
		switch {
		case len(c) > MaxComponent:
			return fmt.Sprintf("has a component of %d bytes, more than the %d a file name may have", len(c), MaxComponent)
		case strings.HasPrefix(c, WhiteoutPrefix):
			return fmt.Sprintf("has a component starting with %q, an OCI whiteout that would delete files of the image's lower layers", WhiteoutPrefix)
		}
	}
	return ""
}

// ID checks a uid or gid: "" if it is in 0..MaxID.
func ID(what string, id int64) string {
	if id < 0 || id > MaxID {
		return fmt.Sprintf("has %s %d, outside 0..%d", what, id, MaxID)
	}
	return ""
}

// ApkDatabase reports whether key (a cleaned relative path) is at or below
// a lib/apk/db directory anywhere in the tree: scanners such as syft read
// every **/lib/apk/db/installed, so forged records there would show up in
// SBOMs. dir tells whether the entry is a directory: the directories
// themselves are harmless.
func ApkDatabase(key string, dir bool) bool {
	parts := strings.Split(key, "/")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "lib" && parts[i+1] == "apk" && parts[i+2] == "db" {
			return !dir || i+3 < len(parts)
		}
	}
	return false
}
