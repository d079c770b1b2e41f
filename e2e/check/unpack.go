package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// unpack extracts every layer of the image for platform (e.g. linux-amd64)
// into dir, in order, so a test can chroot into it. It refuses names that
// leave dir; whiteouts are not expected in images of these rules.
func unpack(layoutDir, want, dir string) error {
	imgs, err := images(layoutDir)
	if err != nil {
		return err
	}
	for _, d := range imgs {
		var m manifest
		if err := readBlobJSON(layoutDir, d, &m); err != nil {
			return err
		}
		var c config
		if err := readBlobJSON(layoutDir, m.Config, &c); err != nil {
			return err
		}
		name := c.OS + "-" + c.Architecture
		if c.Variant != "" {
			name += "-" + c.Variant
		}
		if name != want {
			continue
		}
		for i, l := range m.Layers {
			if err := extract(layoutDir, l, dir); err != nil {
				return fmt.Errorf("%s layer %d: %w", name, i, err)
			}
		}
		return nil
	}
	return fmt.Errorf("%s has no image for platform %s", layoutDir, want)
}

func extract(layoutDir string, d descriptor, dir string) error {
	data, err := readBlob(layoutDir, d)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rel := filepath.Clean(h.Name)
		if filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
			return fmt.Errorf("entry %q leaves the root", h.Name)
		}
		p := filepath.Join(dir, rel)
		mode := os.FileMode(h.Mode & 0o777)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
			err = os.Chmod(p, mode)
		case tar.TypeReg:
			os.Remove(p)
			var f *os.File
			if f, err = os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode); err == nil {
				_, err = io.Copy(f, tr)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
		case tar.TypeSymlink:
			os.Remove(p)
			err = os.Symlink(h.Linkname, p)
		case tar.TypeLink:
			os.Remove(p)
			err = os.Link(filepath.Join(dir, filepath.Clean(h.Linkname)), p)
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", h.Name, err)
		}
	}
}
