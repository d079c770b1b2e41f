package resolve

import "strings"

// UnsatisfiableError is returned when no selection meets the request. It
// names the dependency chain from world to the atom that failed.
type UnsatisfiableError struct {
	Chain  []string // "world" (or "install_if"), then the packages that led to Atom
	Atom   string   // the dependency that could not be met
	Reason string   // why, and what to do about it
}

// Error reads "world → hello → so:libfoo.so.1: no package provides ...".
func (e *UnsatisfiableError) Error() string {
	parts := append(append([]string(nil), e.Chain...), e.Atom)
	return strings.Join(parts, " → ") + ": " + e.Reason
}
