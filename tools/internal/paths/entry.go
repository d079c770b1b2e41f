package paths

import (
	"archive/tar"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// Entry is one tar entry. Path is relative and clean ("etc/passwd").
type Entry struct {
	Path     string
	Type     byte // tar.TypeDir, TypeReg, TypeSymlink or TypeLink
	Mode     int64
	UID, GID int
	Data     []byte // regular files
	Link     string // symlink target, or the hard link's target path (relative)
}

// Clean turns a user's absolute path into an entry path, or fails naming it.
func Clean(p string) (string, error) {
	if !path.IsAbs(p) || path.Clean(p) != p || p == "/" {
		return "", fmt.Errorf("path %q is not a clean absolute path below /; use one like /var/lib/app", p)
	}
	// The rules packages' entries obey: no control characters, names
	// tar can unpack, no OCI whiteouts (which would delete lower layers'
	// files).
	if reason := safename.Path(p[1:]); reason != "" {
		return "", fmt.Errorf("path %q %s; use a plain path like /var/lib/app", p, reason)
	}
	return p[1:], nil
}

// Attrs are a mode and owner given as text: "[MODE] [UID:GID] [recursive]",
// e.g. "0750 65532:65532". Unset parts are nil.
type Attrs struct {
	Mode      *int64
	UID, GID  *int
	Recursive bool
}

// ParseAttrs parses "[MODE] [UID:GID] [recursive]" in any order.
func ParseAttrs(s string) (Attrs, error) {
	var a Attrs
	for _, tok := range strings.Fields(s) {
		switch {
		case tok == "recursive":
			a.Recursive = true
		case strings.Contains(tok, ":"):
			u, g, _ := strings.Cut(tok, ":")
			uid, err1 := strconv.Atoi(u)
			gid, err2 := strconv.Atoi(g)
			if err1 != nil || err2 != nil || uid < 0 || gid < 0 || a.UID != nil {
				return Attrs{}, fmt.Errorf("%q: owner %q is not one UID:GID pair of numbers", s, tok)
			}
			a.UID, a.GID = &uid, &gid
		default:
			m, err := strconv.ParseInt(tok, 8, 64)
			if err != nil || m < 0 || m > 0o7777 || a.Mode != nil {
				return Attrs{}, fmt.Errorf("%q: %q is not one octal mode such as 0755 (nor UID:GID or \"recursive\")", s, tok)
			}
			a.Mode = &m
		}
	}
	return a, nil
}

// Apply sets e's mode and owner from a; unset parts keep e's.
func (a Attrs) Apply(e *Entry) {
	if a.Mode != nil {
		e.Mode = *a.Mode
	}
	if a.UID != nil {
		e.UID, e.GID = *a.UID, *a.GID
	}
}

// Write writes entries sorted by path, adding missing parent directories
// (0755 root:root) unless exists reports them present below this layer.
// Two entries with one path are an error. Hard links must point at a
// regular file among entries.
func Write(tw *tar.Writer, entries []Entry, mtime time.Time, exists func(string) bool) error {
	byPath := map[string]*Entry{}
	for i := range entries {
		e := &entries[i]
		if e.Path == "" || path.Clean(e.Path) != e.Path || strings.HasPrefix(e.Path, "/") || strings.HasPrefix(e.Path, "../") {
			return fmt.Errorf("entry path %q is not a clean relative path", e.Path)
		}
		if _, dup := byPath[e.Path]; dup {
			return fmt.Errorf("/%s is declared twice; keep one", e.Path)
		}
		byPath[e.Path] = e
	}
	all := append([]Entry(nil), entries...)
	for _, e := range entries {
		for d := path.Dir(e.Path); d != "."; d = path.Dir(d) {
			if p, ok := byPath[d]; ok {
				if p.Type != tar.TypeDir {
					return fmt.Errorf("/%s needs /%s to be a directory, but it is declared as another type", e.Path, d)
				}
				continue
			}
			if exists != nil && exists(d) {
				continue
			}
			all = append(all, Entry{Path: d, Type: tar.TypeDir, Mode: 0o755})
			byPath[d] = &all[len(all)-1]
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Path < all[j].Path })
	if err := firstNameCarries(all); err != nil {
		return err
	}
	byPath = map[string]*Entry{}
	for i := range all {
		byPath[all[i].Path] = &all[i]
	}
	mt := time.Unix(mtime.Unix(), 0)
	for _, e := range all {
		hdr := &tar.Header{Typeflag: e.Type, Name: e.Path, Mode: e.Mode, Uid: e.UID, Gid: e.GID,
			ModTime: mt, Format: tar.FormatUSTAR}
		switch e.Type {
		case tar.TypeDir:
			hdr.Name += "/"
		case tar.TypeReg:
			hdr.Size = int64(len(e.Data))
		case tar.TypeSymlink:
			hdr.Linkname = e.Link
		case tar.TypeLink:
			t, ok := byPath[e.Link]
			if !ok || t.Type != tar.TypeReg {
				return fmt.Errorf("hard link /%s points at /%s, which is not a regular file of this layer; declare it in files", e.Path, e.Link)
			}
			hdr.Linkname = e.Link
			hdr.Mode, hdr.Uid, hdr.Gid = t.Mode, t.UID, t.GID
		default:
			return fmt.Errorf("/%s: entry type %q is not supported", e.Path, e.Type)
		}
		if len(hdr.Name) > 100 || len(hdr.Linkname) > 100 {
			// USTAR's name fields are short; PAX keeps the output unambiguous.
			hdr.Format = tar.FormatPAX
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing /%s: %w", e.Path, err)
		}
		if e.Type == tar.TypeReg {
			if _, err := tw.Write(e.Data); err != nil {
				return fmt.Errorf("writing /%s: %w", e.Path, err)
			}
		}
	}
	return nil
}

// firstNameCarries makes the first name (in tar order) of each hard-linked
// file the regular entry and the others links to it: an extractor meets a
// link's target before the link.
func firstNameCarries(sorted []Entry) error {
	index := map[string]int{}
	for i, e := range sorted {
		index[e.Path] = i
	}
	first := map[string]int{} // target path -> index of the group's first name
	for i, e := range sorted {
		if e.Type != tar.TypeLink {
			continue
		}
		t, ok := index[e.Link]
		if !ok || sorted[t].Type != tar.TypeReg {
			return fmt.Errorf("hard link /%s points at /%s, which is not a regular file of this layer; declare it in files", e.Path, e.Link)
		}
		f, seen := first[e.Link]
		if !seen {
			f = t
		}
		if i < f {
			f = i
		}
		first[e.Link] = f
	}
	for target, f := range first {
		t := index[target]
		if f == t {
			continue
		}
		// The link at f becomes the file; the target and the other links point at it.
		file := sorted[t]
		file.Path = sorted[f].Path
		sorted[f] = file
		for i := range sorted {
			if i != f && (i == t || sorted[i].Type == tar.TypeLink && sorted[i].Link == target) {
				sorted[i] = Entry{Path: sorted[i].Path, Type: tar.TypeLink, Link: file.Path}
			}
		}
	}
	return nil
}
