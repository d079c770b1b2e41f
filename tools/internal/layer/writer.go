package layer

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"sort"
	"time"
)

// writeTar writes the tree sorted by tar name and returns the number of
// entries written.
func writeTar(w io.Writer, t *tree, sp spool, mtime time.Time) (int, error) {
	names := make([]string, 0, len(t.entries))
	keyOf := make(map[string]string, len(t.entries))
	for key, e := range t.entries {
		n := tarName(key, e.typ == tar.TypeDir)
		names = append(names, n)
		keyOf[n] = key
	}
	sort.Strings(names)

	tw := tar.NewWriter(w)
	buf := make([]byte, copyBufSize)
	// first maps an inode to the name that carries its content; later names
	// of the same inode become hardlinks to it, which sort after it.
	first := map[*inode]string{}
	for _, name := range names {
		e := t.entries[keyOf[name]]
		m := e.attrs()
		hdr := &tar.Header{
			Typeflag: e.typ,
			Name:     name,
			Mode:     m.mode,
			Uid:      m.uid,
			Gid:      m.gid,
			ModTime:  mtime,
		}
		if len(m.xattrs) > 0 {
			hdr.PAXRecords = m.xattrs
		}
		switch e.typ {
		case tar.TypeSymlink:
			hdr.Linkname = e.linkname
		case tar.TypeChar, tar.TypeBlock:
			hdr.Devmajor, hdr.Devminor = e.devmajor, e.devminor
		case tar.TypeReg:
			if target, ok := first[e.node]; ok {
				hdr.Typeflag, hdr.Linkname, hdr.PAXRecords = tar.TypeLink, target, nil
				break
			}
			first[e.node] = name
			hdr.Size = e.node.size + int64(len(e.node.extra))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return 0, fmt.Errorf("layer: writing the header of /%s: %w", name, err)
		}
		if hdr.Typeflag == tar.TypeReg && hdr.Size > 0 {
			r := io.MultiReader(sp.section(e.node.off, e.node.size), bytes.NewReader(e.node.extra))
			if _, err := io.CopyBuffer(struct{ io.Writer }{tw}, r, buf); err != nil {
				return 0, fmt.Errorf("layer: writing the content of /%s: %w", name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return 0, fmt.Errorf("layer: finishing the tar stream: %w", err)
	}
	return len(names), nil
}
