package layer

import (
	"path"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// cleanName turns a tar entry name into a key of the merged tree: relative
// to the root, cleaned, without a trailing slash; "" is the root itself.
// A non-empty reason says why the name is refused.
func cleanName(name string) (key, reason string) {
	if name == "" {
		return "", "has an empty name"
	}
	for strings.HasPrefix(name, "./") {
		name = name[2:]
	}
	if strings.HasPrefix(name, "/") {
		return "", "is an absolute path"
	}
	// Refuse ".." before cleaning: "a/../b" is not a name a sound package
	// writes, and cleaning it would hide the attempt.
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", `has a ".." component`
		}
	}
	key = path.Clean(name)
	if key == "." {
		key = ""
	}
	if reason := safename.Path(key); reason != "" {
		return "", reason
	}
	return key, ""
}

// escapes reports whether the symlink at key with target climbs above the
// root. Relative targets start in the link's directory, absolute ones at
// the root; both are judged by their text, as the kernel would resolve
// them inside the container.
func escapes(key, target string) bool {
	depth := 0
	if !strings.HasPrefix(target, "/") {
		if dir := path.Dir(key); dir != "." {
			depth = strings.Count(dir, "/") + 1
		}
	}
	for _, c := range strings.Split(target, "/") {
		switch c {
		case "", ".":
		case "..":
			if depth == 0 {
				return true
			}
			depth--
		default:
			depth++
		}
	}
	return false
}

// parent returns the directory of key in the tree, "" for the root.
func parent(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[:i]
	}
	return ""
}

// tarName is the name of a tree entry in the output: directories end in "/".
func tarName(key string, dir bool) string {
	if dir {
		return key + "/"
	}
	return key
}
