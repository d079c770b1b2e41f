package pkginfo

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// maxLine bounds one .PKGINFO line; real lines are well under 4 KiB.
const maxLine = 1 << 20

// SyntaxError is a malformed .PKGINFO line.
type SyntaxError struct {
	Line int    // 1-based line number
	Key  string // key of the line, if one was found
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Key != "" {
		return fmt.Sprintf(".PKGINFO line %d: key %q: %s", e.Line, e.Key, e.Msg)
	}
	return fmt.Sprintf(".PKGINFO line %d: %s", e.Line, e.Msg)
}

// Parse reads a .PKGINFO. pkgname and pkgver are required; unknown keys are
// kept in Info.Unknown.
func Parse(r io.Reader) (*Info, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	info := &Info{}
	seen := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if text == "" || text[0] == '#' {
			continue
		}
		key, value, ok := strings.Cut(text, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok || key == "" {
			return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("%q is not a \"key = value\" line", Clip(text))}
		}
		if single[key] {
			if prev, dup := seen[key]; dup {
				return nil, &SyntaxError{Line: line, Key: key, Msg: fmt.Sprintf("repeated (first on line %d); it takes one value", prev)}
			}
			seen[key] = line
		}
		if err := info.set(key, value); err != nil {
			return nil, &SyntaxError{Line: line, Key: key, Msg: err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf(".PKGINFO after line %d: %w", line, err)
	}
	if info.Name == "" {
		return nil, fmt.Errorf(".PKGINFO has no pkgname: not a valid package")
	}
	if info.Version == "" {
		return nil, fmt.Errorf(".PKGINFO of %s has no pkgver: not a valid package", info.Name)
	}
	return info, nil
}

// single lists the keys that take one value.
var single = map[string]bool{
	"pkgname": true, "pkgver": true, "pkgdesc": true, "url": true, "size": true,
	"arch": true, "license": true, "origin": true, "maintainer": true,
	"builddate": true, "commit": true, "provider_priority": true,
	"replaces_priority": true, "datahash": true, "packager": true,
}

func (info *Info) set(key, value string) error {
	var err error
	switch key {
	case "pkgname":
		info.Name, err = value, safename.Name(value)
	case "pkgver":
		info.Version, err = value, safename.Version(value)
	case "pkgdesc":
		info.Description = value
	case "url":
		info.URL = value
	case "size":
		info.InstalledSize, err = nonNegative(value, 64)
	case "arch":
		info.Arch = value
	case "license":
		info.License = value
	case "origin":
		info.Origin = value
	case "maintainer":
		info.Maintainer = value
	case "builddate":
		info.BuildDate, err = nonNegative(value, 64)
	case "commit":
		info.Commit = value
	case "packager":
		info.Packager = value
	case "provider_priority":
		info.ProviderPriority, err = priority(value)
		info.HasPriority = err == nil
	case "replaces_priority":
		info.ReplacesPriority, err = priority(value)
	// apk splits dependency lists on white space wherever they appear, as
	// the index's D: line does: "depend = a b" is two atoms.
	case "depend":
		info.Depends, err = appendAtoms(info.Depends, value)
	case "provides":
		info.Provides, err = appendAtoms(info.Provides, value)
	case "install_if":
		// abuild writes install_if as one space-separated line.
		info.InstallIf, err = appendAtoms(info.InstallIf, value)
	case "replaces":
		info.Replaces, err = appendAtoms(info.Replaces, value)
	case "triggers":
		// abuild writes triggers as one space-separated line of globs.
		info.Triggers = append(info.Triggers, strings.Fields(value)...)
	case "datahash":
		info.DataHash = value
	default:
		info.Unknown = append(info.Unknown, Field{Key: key, Value: value})
	}
	return err
}

// priority is Priority with .PKGINFO's wording ("value ...").
func priority(s string) (int, error) {
	n, err := Priority(s)
	if err != nil {
		return 0, fmt.Errorf("value %w", err)
	}
	return n, nil
}

// nonNegative is NonNegative with .PKGINFO's wording ("value ...").
func nonNegative(s string, bits int) (int64, error) {
	n, err := NonNegative(s, bits)
	if err != nil {
		return 0, fmt.Errorf("value %w", err)
	}
	return n, nil
}

// Marshal writes info as a .PKGINFO in abuild's key order, so identical
// Infos give identical bytes. Empty optional values are left out; a line
// break inside a value is written as a space because the format has no
// way to carry it.
func (info *Info) Marshal() []byte {
	var b bytes.Buffer
	put := func(key, value string) {
		b.WriteString(key)
		b.WriteString(" = ")
		b.WriteString(oneLine(value))
		b.WriteByte('\n')
	}
	opt := func(key, value string) {
		if value != "" {
			put(key, value)
		}
	}
	list := func(key string, values []string) {
		for _, v := range values {
			opt(key, v)
		}
	}
	put("pkgname", info.Name)
	put("pkgver", info.Version)
	opt("pkgdesc", info.Description)
	opt("url", info.URL)
	put("builddate", strconv.FormatInt(info.BuildDate, 10))
	opt("packager", info.Packager)
	put("size", strconv.FormatInt(info.InstalledSize, 10))
	opt("arch", info.Arch)
	opt("origin", info.Origin)
	opt("commit", info.Commit)
	opt("maintainer", info.Maintainer)
	if info.HasPriority {
		put("provider_priority", strconv.Itoa(info.ProviderPriority))
	}
	opt("license", info.License)
	list("replaces", info.Replaces)
	if info.ReplacesPriority != 0 {
		put("replaces_priority", strconv.Itoa(info.ReplacesPriority))
	}
	list("depend", info.Depends)
	list("provides", info.Provides)
	if len(info.InstallIf) > 0 {
		put("install_if", strings.Join(info.InstallIf, " "))
	}
	if len(info.Triggers) > 0 {
		put("triggers", strings.Join(info.Triggers, " "))
	}
	opt("datahash", info.DataHash)
	for _, f := range info.Unknown {
		if f.Key != "" {
			put(oneLine(f.Key), f.Value)
		}
	}
	return b.Bytes()
}

func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	}
	return s
}

// appendAtoms adds the atoms of one list value, refusing control characters
// as the index reader does, so that lock (index) and layer (.PKGINFO) agree.
func appendAtoms(list []string, value string) ([]string, error) {
	if err := safename.AtomList(value); err != nil {
		return list, err
	}
	return append(list, strings.Fields(value)...), nil
}
