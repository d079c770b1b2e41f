package resolve

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/version"
)

// Atom is one dependency: [!]name[@tag][op version], or name><Q1... for an
// exact package checksum.
type Atom struct {
	Name     string     // package, provided or virtual name: "musl", "so:libc.musl-x86_64.so.1"
	Tag      string     // repository tag without "@"; "" for untagged repositories
	Conflict bool       // "!": no selected package may match the rest of the atom
	Op       version.Op // zero when any version will do (or for a checksum atom)
	Version  string     // the version Op compares against
	Checksum string     // "Q1..." for "><" atoms: only that exact package matches
}

// ParseAtom parses a dependency atom as it appears in world files, D:, i:
// and p: fields, e.g. "musl>=1.2", "!foo", "bar@edge", "baz><Q1...".
func ParseAtom(s string) (Atom, error) {
	var a Atom
	fail := func(why string) (Atom, error) {
		return Atom{}, fmt.Errorf("resolve: dependency %q: %s; write it as [!]name[@tag][op version]", s, why)
	}
	rest := s
	if strings.HasPrefix(rest, "!") {
		a.Conflict = true
		rest = rest[1:]
	}
	end := strings.IndexAny(rest, "@<>=~")
	if end < 0 {
		end = len(rest)
	}
	a.Name, rest = rest[:end], rest[end:]
	if a.Name == "" {
		return fail("empty package name")
	}
	if bad := strings.IndexFunc(a.Name, badNameRune); bad >= 0 {
		return fail(fmt.Sprintf("character %q is not allowed in a name", a.Name[bad:][:1]))
	}
	if strings.HasPrefix(rest, "@") {
		end = strings.IndexAny(rest, "<>=~")
		if end < 0 {
			end = len(rest)
		}
		a.Tag, rest = rest[1:end], rest[end:]
		if a.Tag == "" || strings.IndexFunc(a.Tag, badNameRune) >= 0 || strings.Contains(a.Tag, "@") {
			return fail("bad repository tag")
		}
	}
	if rest == "" {
		return a, nil
	}
	if strings.HasPrefix(rest, "><") {
		a.Checksum = rest[2:]
		if !validChecksum(a.Checksum) {
			return fail("\"><\" must be followed by a Q1 checksum (\"Q1\" and base64 of a SHA-1)")
		}
		return a, nil
	}
	opLen := 1
	if len(rest) > 1 && (rest[1] == '=' || rest[1] == '~') && (rest[0] == '<' || rest[0] == '>') {
		opLen = 2
	}
	op, err := version.ParseOp(rest[:opLen])
	if err != nil {
		return fail(err.Error())
	}
	a.Op, a.Version = op, rest[opLen:]
	if !version.Valid(a.Version) {
		return fail(fmt.Sprintf("%q is not a valid apk version", a.Version))
	}
	return a, nil
}

// badNameRune rejects characters that cannot be part of a name: atoms are
// space separated and "!" only leads a conflict.
func badNameRune(r rune) bool {
	return r <= ' ' || r == 0x7f || r == '!'
}

// validChecksum accepts "Q1" followed by standard base64 of 20 bytes.
func validChecksum(s string) bool {
	if !strings.HasPrefix(s, "Q1") {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(s[2:])
	return err == nil && len(raw) == 20
}

// String formats the atom the way ParseAtom reads it.
func (a Atom) String() string {
	var b strings.Builder
	if a.Conflict {
		b.WriteByte('!')
	}
	b.WriteString(a.Name)
	if a.Tag != "" {
		b.WriteString("@" + a.Tag)
	}
	switch {
	case a.Checksum != "":
		b.WriteString("><" + a.Checksum)
	case a.Op != 0:
		b.WriteString(a.Op.String() + a.Version)
	}
	return b.String()
}
