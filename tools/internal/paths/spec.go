package paths

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// Spec is what the paths_tar rule declares: absolute path → text. For
// Directories and Files the text is "[MODE] [UID:GID]" (defaults 0755 and
// 0644, root:root; files are empty); for Symlinks and Hardlinks it is the
// target (a hard link's target must be one of Files).
type Spec struct {
	Directories map[string]string `json:"directories"`
	Files       map[string]string `json:"files"`
	Symlinks    map[string]string `json:"symlinks"`
	Hardlinks   map[string]string `json:"hardlinks"`
}

// ParseSpec reads a Spec from JSON, rejecting unknown fields.
func ParseSpec(b []byte) (*Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("parsing the paths spec: %w", err)
	}
	return &s, nil
}

// Entries turns the spec into entries.
func (s *Spec) Entries() ([]Entry, error) {
	var out []Entry
	add := func(kind string, m map[string]string, mk func(p, v string) (Entry, error)) error {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, err := Clean(k)
			if err != nil {
				return fmt.Errorf("%s: %w", kind, err)
			}
			e, err := mk(p, m[k])
			if err != nil {
				return fmt.Errorf("%s %s: %w", kind, k, err)
			}
			out = append(out, e)
		}
		return nil
	}
	withAttrs := func(typ byte, mode int64) func(p, v string) (Entry, error) {
		return func(p, v string) (Entry, error) {
			a, err := ParseAttrs(v)
			if err != nil {
				return Entry{}, err
			}
			if a.Recursive {
				return Entry{}, fmt.Errorf("%q: \"recursive\" applies to permissions of existing paths only", v)
			}
			e := Entry{Path: p, Type: typ, Mode: mode}
			a.Apply(&e)
			return e, nil
		}
	}
	if err := add("directories", s.Directories, withAttrs(tar.TypeDir, 0o755)); err != nil {
		return nil, err
	}
	if err := add("files", s.Files, withAttrs(tar.TypeReg, 0o644)); err != nil {
		return nil, err
	}
	err := add("symlinks", s.Symlinks, func(p, v string) (Entry, error) {
		if v == "" {
			return Entry{}, fmt.Errorf("the target is empty")
		}
		if len(v) > safename.MaxPath || strings.IndexFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
			return Entry{}, fmt.Errorf("the target %q is longer than %d bytes or holds a control character", v, safename.MaxPath)
		}
		return Entry{Path: p, Type: tar.TypeSymlink, Mode: 0o777, Link: v}, nil
	})
	if err != nil {
		return nil, err
	}
	err = add("hardlinks", s.Hardlinks, func(p, v string) (Entry, error) {
		t, err := Clean(v)
		if err != nil {
			return Entry{}, fmt.Errorf("target: %w", err)
		}
		return Entry{Path: p, Type: tar.TypeLink, Link: t}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
