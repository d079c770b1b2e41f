package apkindex

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
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
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var (
		records []Record
		cur     Record
		seen    = map[byte]bool{}
		start   int // line of the current record's first field, 0 = none
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
		cur, seen, start = Record{}, map[byte]bool{}, 0
		return nil
	}
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" {
			if err := finish(); err != nil {
				return nil, err
			}
			continue
		}
		if len(text) < 2 || text[1] != ':' || !isLetter(text[0]) {
			return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("%q is not an \"X:value\" field", clip(text))}
		}
		if start == 0 {
			start = line
		}
		f := text[0]
		if seen[f] {
			return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("field %c: repeated within one record", f)}
		}
		seen[f] = true
		if err := cur.set(f, text[2:]); err != nil {
			return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("field %c: %v", f, err)}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("APKINDEX after line %d: %w", line, err)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return records, nil
}

func (r *Record) set(f byte, v string) error {
	var err error
	switch f {
	case 'C':
		r.Checksum = v
	case 'P':
		r.Name = v
	case 'V':
		r.Version = v
	case 'A':
		r.Arch = v
	case 'S':
		r.Size, err = nonNegative(v, 64)
	case 'I':
		r.InstalledSize, err = nonNegative(v, 64)
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
		r.BuildTime, err = nonNegative(v, 64)
	case 'c':
		r.Commit = v
	case 'k':
		var n int64
		n, err = nonNegative(v, 32)
		r.ProviderPriority, r.HasPriority = int(n), err == nil
	case 'D':
		r.Depends = strings.Fields(v)
	case 'p':
		r.Provides = strings.Fields(v)
	case 'i':
		r.InstallIf = strings.Fields(v)
	case 'r':
		r.Replaces = strings.Fields(v)
	case 'q':
		var n int64
		n, err = nonNegative(v, 32)
		r.ReplacesPriority = int(n)
	default:
		if f >= 'A' && f <= 'Z' {
			r.Uninstallable = true
		}
	}
	return err
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func nonNegative(s string, bits int) (int64, error) {
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a non-negative %d-bit integer", clip(s), bits)
	}
	return n, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

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
