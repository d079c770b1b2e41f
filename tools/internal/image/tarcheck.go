package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
)

// A tars file is the user's own content and is stored byte for byte (after
// decompression), so nothing in it can be rewritten: what could make an
// image escape its root when a runtime or tar unpacks it is refused
// instead, with the entry named. Absolute names ("/etc/x") and "./"
// prefixes stay: unpackers take them relative to the root. Whiteouts stay
// too: deleting a lower layer's file is what a layer may mean to do.

// MaxTarEntries bounds the entries of one tars file (as
// layer.DefaultMaxEntries bounds a package layer).
const MaxTarEntries = 1 << 20

// checkTar reads a whole uncompressed tar stream and returns why it cannot
// be a layer, or nil: a name or hardlink target with a ".." component or a
// control character, an entry written through a symlink that the same tar
// made, a sparse entry, more than MaxTarEntries entries.
func checkTar(r io.Reader) error {
	tr := tar.NewReader(r)
	links := map[string]bool{} // symlinks the tar made so far, by key
	for n := 0; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tar entry %d: %w", n+1, err)
		}
		if n >= MaxTarEntries {
			return fmt.Errorf("holds more than %d entries; split it into several tars", MaxTarEntries)
		}
		key, reason := tarKey(h.Name)
		if reason != "" {
			return fmt.Errorf("entry %q %s; fix the tar (pkg_tar: its srcs and package_dir)", clipName(h.Name), reason)
		}
		if apkfile.IsSparse(h) {
			return fmt.Errorf("entry %q is a sparse file (GNU sparse header), whose holes expand without bound; store the file whole", clipName(h.Name))
		}
		if h.Typeflag == tar.TypeLink {
			if _, reason := tarKey(h.Linkname); reason != "" || h.Linkname == "" {
				return fmt.Errorf("entry %q is a hardlink to %q, which %s; fix the tar", clipName(h.Name), clipName(h.Linkname), orEmpty(reason))
			}
		}
		if p := throughLink(links, key); p != "" {
			return fmt.Errorf("entry %q would be written through the symlink /%s the same tar made; an unpacker could write outside the image's root: fix the tar", clipName(h.Name), clipName(p))
		}
		if h.Typeflag == tar.TypeSymlink {
			links[key] = true
		} else {
			delete(links, key)
		}
	}
}

// tarKey cleans a tar name to a key relative to the root, or says why it
// is refused: a ".." component (checked before cleaning, which would hide
// it), a control character (a line break forges lines of listings and
// databases).
func tarKey(name string) (string, string) {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < ' ' || c == 0x7f {
			return "", fmt.Sprintf("contains the control character 0x%02x", c)
		}
	}
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", `has a ".." component, which climbs out of the image's root`
		}
	}
	return strings.TrimPrefix(path.Clean("/"+name), "/"), ""
}

// throughLink returns the symlink among key's parent directories, or "".
func throughLink(links map[string]bool, key string) string {
	if len(links) == 0 {
		return ""
	}
	for d := path.Dir(key); d != "." && d != "/"; d = path.Dir(d) {
		if links[d] {
			return d
		}
	}
	return ""
}

func orEmpty(reason string) string {
	if reason == "" {
		return "is empty"
	}
	return reason
}

// clipName keeps messages short: a PAX name may be a megabyte long.
func clipName(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
