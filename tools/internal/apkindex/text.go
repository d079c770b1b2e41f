package apkindex

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// maxLine bounds one APKINDEX line; long D: lists stay far below it.
const maxLine = 1 << 20

// SyntaxError is a malformed APKINDEX line.
type SyntaxError struct {
	Line int // 1-based line number
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("APKINDEX line %d: %s", e.Line, e.Msg)
}

// Parse reads APKINDEX text: "X:value" lines, a blank line after each
// record (the last may lack it). Unknown lower-case fields are ignored;
// an unknown upper-case field marks the record Uninstallable, as apk does.
// A line without a one-letter field, a bad number, a repeated field or a
// record without P or V is an error naming the line.
func Parse(r io.Reader) ([]Record, error) {
	var b strings.Builder
	if _, err := io.Copy(&b, r); err != nil {
		return nil, fmt.Errorf("APKINDEX: %w", err)
	}
	return ParseText(b.String())
}

// ParseText is Parse over text already in memory. Records share text's
// memory: every string field is a substring of it, and the D/p/i/r lists
// are cut from a few large blocks, so a record costs about its own text
// plus its fixed fields rather than an allocation per value.
func ParseText(text string) ([]Record, error) {
	var (
		records = make([]Record, 0, strings.Count(text, "\nP:")+1)
		lists   listArena
		cur     Record
		seen    uint64 // fields present in cur, one bit per letter
		start   int    // line of the current record's first field, 0 = none
		line    int
	)
	finish := func() error {
		if start == 0 {
			return nil
		}
		if cur.Name == "" || cur.Version == "" {
			return &SyntaxError{Line: start, Msg: "record has no P: (name) or V: (version) field"}
		}
		records = append(records, cur)
		cur, seen, start = Record{}, 0, 0
		return nil
	}
	for pos := 0; pos < len(text); {
		var l string
		if end := strings.IndexByte(text[pos:], '\n'); end >= 0 {
			l, pos = text[pos:pos+end], pos+end+1
		} else {
			l, pos = text[pos:], len(text)
		}
		line++
		if len(l) > maxLine {
			return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
		}
		l = strings.TrimSuffix(l, "\r")
		if l == "" {
			if err := finish(); err != nil {
				return nil, err
			}
			continue
		}
		if len(l) < 2 || l[1] != ':' || !isLetter(l[0]) {
			return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("%q is not an \"X:value\" field", pkginfo.Clip(l))}
		}
		if start == 0 {
			start = line
		}
		f := l[0]
		bit := uint64(1) << letterIndex(f)
		if seen&bit != 0 {
			return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("field %c: repeated within one record", f)}
		}
		seen |= bit
		if err := cur.set(f, l[2:], &lists); err != nil {
			return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("field %c: %v", f, err)}
		}
	}
	if err := finish(); err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, nil
	}
	return records, nil
}

// letterIndex numbers a-z 0-25 and A-Z 26-51.
func letterIndex(c byte) uint {
	if c >= 'a' {
		return uint(c - 'a')
	}
	return uint(c-'A') + 26
}

// listArena hands out the space-separated lists of many records from
// shared blocks of string headers instead of one allocation per list.
type listArena struct{ block []string }

const arenaBlock = 4096

// fields splits v at runs of spaces and tabs, like strings.Fields for the
// ASCII text of an index.
func (a *listArena) fields(v string) []string {
	n := 0
	for i := 0; i < len(v); {
		for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
		if i == len(v) {
			break
		}
		n++
		for i < len(v) && v[i] != ' ' && v[i] != '\t' {
			i++
		}
	}
	if n == 0 {
		return nil
	}
	if cap(a.block)-len(a.block) < n {
		size := arenaBlock
		if n > size {
			size = n
		}
		a.block = make([]string, 0, size)
	}
	from := len(a.block)
	for i := 0; i < len(v); {
		for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
		if i == len(v) {
			break
		}
		j := i
		for j < len(v) && v[j] != ' ' && v[j] != '\t' {
			j++
		}
		a.block = append(a.block, v[i:j])
		i = j
	}
	return a.block[from:len(a.block):len(a.block)]
}

// atoms splits a list of dependency atoms at spaces and tabs.
func (a *listArena) atoms(v string) ([]string, error) {
	if err := safename.AtomList(v); err != nil {
		return nil, err
	}
	return a.fields(v), nil
}

func (r *Record) set(f byte, v string, lists *listArena) error {
	var err error
	switch f {
	case 'C':
		r.Checksum = v
	case 'P':
		r.Name, err = v, safename.Name(v)
	case 'V':
		r.Version, err = v, safename.Version(v)
	case 'A':
		r.Arch = v
	case 'S':
		r.Size, err = pkginfo.NonNegative(v, 64)
	case 'I':
		r.InstalledSize, err = pkginfo.NonNegative(v, 64)
	case 'T':
		r.Description = v
	case 'U':
		r.URL = v
	case 'L':
		r.License = v
	case 'o':
		r.Origin = v
	case 'm':
		r.Maintainer = v
	case 't':
		r.BuildTime, err = pkginfo.NonNegative(v, 64)
	case 'c':
		r.Commit = v
	case 'k':
		r.ProviderPriority, err = pkginfo.Priority(v)
		r.HasPriority = err == nil
	case 'D':
		r.Depends, err = lists.atoms(v)
	case 'p':
		r.Provides, err = lists.atoms(v)
	case 'i':
		r.InstallIf, err = lists.atoms(v)
	case 'r':
		r.Replaces, err = lists.atoms(v)
	case 'q':
		r.ReplacesPriority, err = pkginfo.Priority(v)
	default:
		if f >= 'A' && f <= 'Z' {
			r.Uninstallable = true
		}
	}
	return err
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Format writes records as APKINDEX text in apk's field order (C P V A S I
// T U L o m t c k D p i, then r and q), a blank line after each record.
// Empty optional fields are left out; Uninstallable cannot be written (the
// unknown field that caused it is not kept). Line breaks inside values are
// written as spaces because the format cannot carry them.
func Format(records []Record) []byte {
	var b bytes.Buffer
	for _, r := range records {
		FormatRecord(&b, r)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// FormatRecord writes one record's field lines, without the blank line that
// ends it: apk's installed database follows them with the file lines.
func FormatRecord(b *bytes.Buffer, r Record) {
	put := func(f byte, v string) {
		b.WriteByte(f)
		b.WriteByte(':')
		b.WriteString(oneLine(v))
		b.WriteByte('\n')
	}
	opt := func(f byte, v string) {
		if v != "" {
			put(f, v)
		}
	}
	put('C', r.Checksum)
	put('P', r.Name)
	put('V', r.Version)
	put('A', r.Arch)
	put('S', strconv.FormatInt(r.Size, 10))
	put('I', strconv.FormatInt(r.InstalledSize, 10))
	put('T', r.Description)
	put('U', r.URL)
	put('L', r.License)
	opt('o', r.Origin)
	opt('m', r.Maintainer)
	if r.BuildTime != 0 {
		put('t', strconv.FormatInt(r.BuildTime, 10))
	}
	opt('c', r.Commit)
	if r.HasPriority {
		put('k', strconv.Itoa(r.ProviderPriority))
	}
	opt('D', strings.Join(r.Depends, " "))
	opt('p', strings.Join(r.Provides, " "))
	opt('i', strings.Join(r.InstallIf, " "))
	opt('r', strings.Join(r.Replaces, " "))
	if r.ReplacesPriority != 0 {
		put('q', strconv.Itoa(r.ReplacesPriority))
	}
}

func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	}
	return s
}
