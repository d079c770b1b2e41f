package safename

import (
	"fmt"
	"strings"
)

// MaxToken bounds a name or version: Alpine's longest are under 100 bytes,
// and name-version.apk must stay a valid file name (255 bytes).
const MaxToken = 120

// Name checks a package name. It becomes part of a file name and a URL
// ("name-version.apk"), so it must be printable ASCII without white space,
// '/', '\' or "..", and must not start with '.' or '-'.
func Name(s string) error {
	if err := token(s); err != nil {
		return fmt.Errorf("package name %s", err)
	}
	if s[0] == '.' || s[0] == '-' {
		return fmt.Errorf("package name %q starts with %q: not a package name", s, s[0])
	}
	return nil
}

// Version checks a package version by the same rules as Name; whether it
// is a valid apk version is the version package's business.
func Version(s string) error {
	if err := token(s); err != nil {
		return fmt.Errorf("version %s", err)
	}
	return nil
}

// token is the rule Name and Version share.
func token(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("is empty")
	case len(s) > MaxToken:
		return fmt.Errorf("%q... is %d bytes long, more than %d", s[:20], len(s), MaxToken)
	case strings.Contains(s, ".."):
		return fmt.Errorf("%q contains \"..\"", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= ' ' || c >= 0x7f:
			return fmt.Errorf("%q contains white space, a control character or a non-ASCII byte (0x%02x)", s, c)
		case c == '/' || c == '\\':
			return fmt.Errorf("%q contains %q", s, c)
		}
	}
	return nil
}

// AtomList checks a list of dependency atoms (an index's D:, p:, i:, r:
// line or a .PKGINFO depend, provides, install_if, replaces value) before
// it is split at spaces and tabs. Any other control character would end up
// inside an atom, where no name or version may hold one, and would turn
// into a separator when the list is written back (found by fuzzing).
func AtomList(s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			if len(s) > 80 {
				s = s[:80] + "..."
			}
			return fmt.Errorf("control character %q in the list %q", c, s)
		}
	}
	return nil
}
