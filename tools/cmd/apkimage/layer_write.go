package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
)

// layerMeta is META.json. Fields are declared in the alphabetical order of
// their JSON names so the file has sorted keys.
type layerMeta struct {
	Arch      string            `json:"arch"`
	CABundle  string            `json:"ca_bundle,omitempty"`
	DiffID    string            `json:"diff_id"`
	Digest    string            `json:"digest"`
	OSRelease map[string]string `json:"os_release,omitempty"`
	Packages  []metaPackage     `json:"packages"`
	Size      int64             `json:"size"`
}

// metaPackage is one installed package, for the SBOM.
type metaPackage struct {
	Arch        string `json:"arch"`
	Checksum    string `json:"checksum"`
	Description string `json:"description"`
	License     string `json:"license"`
	Name        string `json:"name"`
	Origin      string `json:"origin"`
	URL         string `json:"url"` // the project's home page (.PKGINFO url)
	Version     string `json:"version"`
}

// writeLayer streams the merged root through deterministic gzip into a
// temporary file beside out, writes META.json the same way, and renames
// both into place only when everything succeeded. On failure neither
// output exists (an older one is left as it was).
func writeLayer(out, meta, arch string, pkgs []layer.Package, locked []lock.Package, opt layer.Options) (err error) {
	tmpOut, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	defer func() {
		tmpOut.Close()
		if err != nil {
			os.Remove(tmpOut.Name())
		}
	}()

	pr, pw := io.Pipe()
	done := make(chan error, 1)
	var lres *layer.Result
	go func() {
		var werr error
		lres, werr = layer.Write(pw, pkgs, opt)
		pw.CloseWithError(werr)
		done <- werr
	}()
	res, cerr := gzipx.Compress(tmpOut, pr)
	// Unblock the writer if compression stopped early, then wait for it.
	pr.CloseWithError(fmt.Errorf("compression stopped"))
	if werr := <-done; werr != nil {
		return fmt.Errorf("layer for %s: %w", arch, werr)
	}
	if cerr != nil {
		return fmt.Errorf("writing %s: %w", out, cerr)
	}
	if err := tmpOut.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := tmpOut.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}

	m := layerMeta{Arch: arch, DiffID: res.DiffID.String(), Digest: res.Digest.String(), Size: res.Size,
		Packages: []metaPackage{}, CABundle: lres.CABundle, OSRelease: lres.OSRelease}
	// The base image's packages that stay come first: the SBOM lists
	// every package of the image once.
	for _, r := range lres.Base {
		m.Packages = append(m.Packages, metaPackage{Arch: r.Arch, Checksum: r.Checksum,
			Description: r.Description, License: r.License, Name: r.Name,
			Origin: r.Origin, URL: r.URL, Version: r.Version})
	}
	for i, p := range pkgs {
		m.Packages = append(m.Packages, metaPackage{Arch: p.Info.Arch, Checksum: locked[i].Checksum,
			Description: p.Info.Description, License: p.Info.License, Name: p.Info.Name,
			Origin: p.Info.Origin, URL: p.Info.URL, Version: p.Info.Version})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("encoding %s: %w", meta, err)
	}
	if err := lock.WriteFileAtomic(meta, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmpOut.Name(), out); err != nil {
		os.Remove(meta)
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}
