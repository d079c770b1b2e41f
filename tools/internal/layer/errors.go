package layer

import "fmt"

// generated names the owner of entries the layer adds itself.
const generated = "the layer's generated files"

// ConflictError reports two owners of one path. First installed the path
// before Second; both are "name-version" (or the generated files).
type ConflictError struct {
	Path          string // relative to the root, no leading slash
	First, Second string
	DirVsFile     bool // one is a directory, the other is not
}

func (e *ConflictError) Error() string {
	if e.DirVsFile {
		return fmt.Sprintf("layer: /%s is a directory for one of %s and %s but not for the other; they cannot be installed together: drop one of them",
			e.Path, e.First, e.Second)
	}
	return fmt.Sprintf("layer: %s and %s both install /%s; drop one of them, or %s must declare replaces= on the package of %s",
		e.First, e.Second, e.Path, e.Second, e.First)
}

// UnsafePathError reports an entry that would be written outside the root,
// through a symlink, or that refers to something it must not. The package
// is hostile or broken.
type UnsafePathError struct {
	Package string // "name-version"
	Path    string // the entry's name as the package wrote it
	Reason  string
}

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("layer: package %s: entry %q %s; the package is hostile or broken, do not install it",
		e.Package, e.Path, e.Reason)
}
