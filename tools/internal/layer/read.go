package layer

import (
	"archive/tar"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// xattrPrefix marks the PAX records that carry extended attributes, the
// only records copied into the layer.
const xattrPrefix = "SCHILY.xattr."

// dbPrefix is the apk database directory; its files are generated.
const dbPrefix = "lib/apk/db/"

// addPackage merges the data of package i into the tree.
func (t *tree) addPackage(i int32, sp spool) error {
	p := &t.pkgs[i]
	for {
		hdr, err := p.Data.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("layer: reading package %s: %w; re-fetch and verify the package", t.label(i), err)
		}
		if err := t.addEntry(i, hdr, p.Data, sp); err != nil {
			return err
		}
	}
}

func (t *tree) addEntry(owner int32, hdr *tar.Header, r io.Reader, sp spool) error {
	unsafe := func(reason string) error {
		return &UnsafePathError{Package: t.label(owner), Path: hdr.Name, Reason: reason}
	}
	key, reason := cleanName(hdr.Name)
	if reason != "" {
		return unsafe(reason)
	}
	for _, id := range []struct {
		what string
		n    int
	}{{"uid", hdr.Uid}, {"gid", hdr.Gid}} {
		if reason := safename.ID(id.what, int64(id.n)); reason != "" {
			return unsafe(reason)
		}
	}
	e := &entry{
		typ:   hdr.Typeflag,
		meta:  meta{mode: hdr.Mode & 0o7777, uid: hdr.Uid, gid: hdr.Gid, xattrs: xattrs(hdr)},
		owner: owner,
	}
	if key == "" {
		if e.typ == tar.TypeDir {
			return nil // the root itself: its metadata belongs to the runtime
		}
		return unsafe("names the root directory")
	}
	if apkfile.IsSparse(hdr) {
		// Holes expand without limit from a few header bytes; apk
		// packages never use them.
		return unsafe("is a sparse file")
	}
	if safename.ApkDatabase(key, e.typ == tar.TypeDir) {
		// The layer writes /lib/apk/db itself; one anywhere else would be
		// read by scanners (syft reads every **/lib/apk/db/installed).
		return fmt.Errorf("layer: package %s ships /%s, inside an apk database directory (lib/apk/db), which only the layer writes: scanners would list its records as installed packages; drop the package",
			t.label(owner), key)
	}
	switch e.typ {
	case tar.TypeReg, tar.TypeCont:
		if hdr.Size < 0 {
			return unsafe("has a negative size")
		}
		off, sum, err := sp.store(r, hdr.Size)
		if err != nil {
			var short *errShort
			if errors.As(err, &short) {
				return unsafe(err.Error())
			}
			var spoolErr *spoolError
			if errors.As(err, &spoolErr) {
				return spoolErr
			}
			return fmt.Errorf("layer: reading /%s of package %s: %w; re-fetch and verify the package", key, t.label(owner), err)
		}
		e.typ, e.node, e.sum, e.hasSum = tar.TypeReg, &inode{meta: e.meta, off: off, size: hdr.Size}, sum, true
		e.meta = meta{}
	case tar.TypeDir:
	case tar.TypeSymlink:
		switch {
		case hdr.Linkname == "" || strings.IndexByte(hdr.Linkname, 0) >= 0:
			return unsafe("is a symlink with an empty or NUL-containing target")
		case escapes(key, hdr.Linkname):
			return unsafe(fmt.Sprintf("is a symlink to %q, outside the root", hdr.Linkname))
		}
		e.x, e.sum, e.hasSum = &special{linkname: hdr.Linkname}, sha1.Sum([]byte(hdr.Linkname)), true
	case tar.TypeLink:
		target, reason := cleanName(hdr.Linkname)
		if reason != "" {
			return unsafe(fmt.Sprintf("is a hardlink whose target %q %s", hdr.Linkname, reason))
		}
		old := t.entries[target]
		if old == nil || old.typ != tar.TypeReg {
			return unsafe(fmt.Sprintf("is a hardlink to %q, which is not an earlier regular file of the layer", hdr.Linkname))
		}
		// The link shares the target's inode: if the target is replaced
		// later, the link keeps the content it was made with.
		e.typ, e.node, e.sum, e.hasSum, e.meta = tar.TypeReg, old.node, old.sum, old.hasSum, meta{}
		old.node.shared = true
	case tar.TypeChar, tar.TypeBlock:
		if hdr.Devmajor < 0 || hdr.Devminor < 0 {
			return unsafe("is a device with negative numbers")
		}
		e.x = &special{devmajor: hdr.Devmajor, devminor: hdr.Devminor}
	case tar.TypeFifo:
	default:
		return unsafe(fmt.Sprintf("has the unsupported tar type %q", string(rune(hdr.Typeflag))))
	}
	return t.put(key, hdr.Name, e)
}

// xattrs returns the extended attributes of hdr. Other PAX records (the
// packages' checksums among them) are dropped: the layer carries no
// per-file checksums and no host-dependent data.
func xattrs(hdr *tar.Header) map[string]string {
	var m map[string]string
	for k, v := range hdr.PAXRecords {
		if strings.HasPrefix(k, xattrPrefix) && len(k) > len(xattrPrefix) {
			if m == nil {
				m = map[string]string{}
			}
			m[k] = v
		}
	}
	return m
}
