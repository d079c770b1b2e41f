package rootfs

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Layer is one layer file, bottom first.
type Layer struct {
	Path    string
	Gzipped bool
	// Open, when set, opens the uncompressed tar stream instead (for
	// layers whose compression only their content tells).
	Open func() (io.ReadCloser, error)
}

// File is an entry of the merged tree.
type File struct {
	Path     string // relative, clean, no trailing slash
	Type     byte   // tar type flag (TypeReg for TypeRegA too)
	Mode     int64
	UID, GID int
	Link     string // symlink target or hard link target (relative)
	Data     []byte // regular files only, when read
}

// Tree is the result: wanted entries of the merged tree by path.
type Tree map[string]*File

// DefaultMaxData caps the file content held in memory by one Read.
const DefaultMaxData = 256 << 20

// Read goes through layers bottom to top and keeps the entries for which
// want returns true, with the content of regular files. Whiteouts of an
// upper layer remove lower entries. maxData (0: DefaultMaxData) bounds the
// content kept.
func Read(layers []Layer, want func(p string) bool, maxData int64) (Tree, error) {
	if maxData <= 0 {
		maxData = DefaultMaxData
	}
	t := Tree{}
	var held int64
	for _, l := range layers {
		if err := readLayer(t, l, want, maxData, &held); err != nil {
			return nil, fmt.Errorf("reading layer %s: %w", l.Path, err)
		}
	}
	return t, nil
}

func readLayer(t Tree, l Layer, want func(string) bool, maxData int64, held *int64) error {
	var r io.Reader
	if l.Open != nil {
		rc, err := l.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		r = rc
	} else {
		f, err := os.Open(l.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	if l.Gzipped && l.Open == nil {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	layer := Tree{}
	var whiteouts, opaque []string
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(path.Clean("/" + hdr.Name)[1:], "/")
		if name == "" {
			continue
		}
		if target, opq, ok := Whiteout(name); ok {
			if opq {
				opaque = append(opaque, target)
			} else {
				whiteouts = append(whiteouts, target)
			}
			continue
		}
		if !want(name) {
			continue
		}
		fl := &File{Path: name, Type: hdr.Typeflag, Mode: hdr.Mode & 0o7777, UID: hdr.Uid, GID: hdr.Gid}
		switch hdr.Typeflag {
		case tar.TypeReg, '\x00': // '\x00' is the old-style regular file
			fl.Type = tar.TypeReg
			if *held+hdr.Size > maxData {
				return fmt.Errorf("/%s: the files selected hold more than %d bytes; select fewer paths", name, maxData)
			}
			fl.Data, err = io.ReadAll(io.LimitReader(tr, hdr.Size))
			if err != nil {
				return fmt.Errorf("/%s: %w", name, err)
			}
			*held += int64(len(fl.Data))
		case tar.TypeLink:
			fl.Link = strings.TrimSuffix(path.Clean("/" + hdr.Linkname)[1:], "/")
		case tar.TypeSymlink:
			fl.Link = hdr.Linkname
		}
		layer[name] = fl
	}
	for _, w := range whiteouts {
		removeTree(t, w, true)
	}
	for _, d := range opaque {
		removeTree(t, d, false)
	}
	for k, v := range layer {
		if v.Type != tar.TypeDir {
			removeTree(t, k, false) // a non-directory replaces a directory and all below it
		}
		t[k] = v
	}
	return nil
}

// Whiteout tells whether name (clean, relative) is an OCI whiteout entry:
// of target and all below it, or, when opaque, of what lower layers hold
// below the directory target.
func Whiteout(name string) (target string, opaque, ok bool) {
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case base == ".wh..wh..opq":
		return dir, true, true
	case strings.HasPrefix(base, ".wh."):
		return path.Join(dir, strings.TrimPrefix(base, ".wh.")), false, true
	}
	return "", false, false
}

// removeTree deletes everything below p, and p itself when self is set.
func removeTree(t Tree, p string, self bool) {
	if self {
		delete(t, p)
	}
	prefix := p + "/"
	for k := range t {
		if p == "" || strings.HasPrefix(k, prefix) {
			delete(t, k)
		}
	}
}
