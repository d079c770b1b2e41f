package layer

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// writeTar writes the tree sorted by tar name and returns the number of
// entries written. keep, when not nil, selects the entries to write.
func writeTar(w io.Writer, t *tree, sp spool, mtime time.Time, keep map[*entry]bool) (int, error) {
	order := make([]*entry, 0, len(t.entries))
	var largest int64 // the largest content, which bounds the copy buffer
	for _, e := range t.entries {
		if keep == nil || keep[e] {
			order = append(order, e)
			if e.typ == tar.TypeReg {
				if n := e.node.size + int64(len(e.node.extra)); n > largest {
					largest = n
				}
			}
		}
	}
	sort.Slice(order, func(i, j int) bool { return tarLess(order[i], order[j]) })

	tw := tar.NewWriter(w)
	// A layer of small files needs no 1 MiB buffer.
	buf := grow(nil, largest, copyBufSize)
	buf = buf[:cap(buf)]
	// first maps a hardlinked inode to the name that carries its content;
	// later names of the same inode become hardlinks to it, which sort
	// after it.
	first := map[*inode]string{}
	for _, e := range order {
		name := tarName(e.key, e.typ == tar.TypeDir)
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
			hdr.Linkname = e.linkname()
		case tar.TypeChar, tar.TypeBlock:
			hdr.Devmajor, hdr.Devminor = e.x.devmajor, e.x.devminor
		case tar.TypeReg:
			if e.node.shared {
				if target, ok := first[e.node]; ok {
					hdr.Typeflag, hdr.Linkname, hdr.PAXRecords = tar.TypeLink, target, nil
					break
				}
				first[e.node] = name
			}
			hdr.Size = e.node.size + int64(len(e.node.extra))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return 0, fmt.Errorf("layer: writing the header of /%s: %w", name, err)
		}
		if hdr.Typeflag == tar.TypeReg && hdr.Size > 0 {
			// The struct hides io.MultiReader's WriteTo, which would
			// allocate a buffer of its own for every file.
			r := struct{ io.Reader }{io.MultiReader(sp.section(e.node.off, e.node.size), bytes.NewReader(e.node.extra))}
			if _, err := io.CopyBuffer(struct{ io.Writer }{tw}, r, buf); err != nil {
				return 0, fmt.Errorf("layer: writing the content of /%s: %w", name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return 0, fmt.Errorf("layer: finishing the tar stream: %w", err)
	}
	return len(order), nil
}

// tarLess orders entries by their tar names, in which directories end in
// "/", without building those names.
func tarLess(a, b *entry) bool {
	x, y := a.key, b.key
	n := len(x)
	if len(y) < n {
		n = len(y)
	}
	if c := strings.Compare(x[:n], y[:n]); c != 0 {
		return c < 0
	}
	// One key is a prefix of the other: compare what follows, the slash
	// of a directory included.
	lx, ly := len(x)-n, len(y)-n
	if a.typ == tar.TypeDir {
		lx++
	}
	if b.typ == tar.TypeDir {
		ly++
	}
	for i := 0; i < lx && i < ly; i++ {
		cx, cy := tailByte(x[n:], i), tailByte(y[n:], i)
		if cx != cy {
			return cx < cy
		}
	}
	return lx < ly
}

// tailByte is byte i of s followed by a slash.
func tailByte(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return '/'
}
