package layerstep

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

// writeLayer streams the merged root through deterministic gzip into
// temporary files beside out, writes META.json the same way, and renames
// both into place only when everything succeeded. On failure neither
// output exists (an older one is left as it was). With maxLayers > 1, out
// is a directory of layer-NN.tar.gz files, grouped by origin. base, when
// stacked, gives the layer of each base package the database keeps (every
// package's layer is recorded) and the OS when the base layer holds
// /etc/os-release.
func writeLayer(out, meta, arch string, pkgs []layer.Package, locked []lock.Package, opt layer.Options, maxLayers int, base baseLayers) (err error) {
	split := maxLayers > 1
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	var layers []sbom.MetaLayer
	emit := func(i int, g layer.Group, writeTo func(io.Writer) error) error {
		name := fmt.Sprintf("layer-%02d.tar.gz", i)
		res, err := compressTo(filepath.Join(tmp, name), writeTo)
		if err != nil {
			return err
		}
		layers = append(layers, sbom.MetaLayer{DiffID: res.DiffID.String(), Digest: res.Digest.String(), File: name,
			Origins: append([]string{}, g.Origins...), Size: res.Size})
		return nil
	}
	lres, err := layer.WriteSplit(pkgs, opt, maxLayers, emit)
	if err != nil {
		return fmt.Errorf("layer for %s: %w", arch, err)
	}
	last := layers[len(layers)-1]
	m := sbom.Meta{Arch: arch, DiffID: last.DiffID, Digest: last.Digest, Size: last.Size,
		Packages: []sbom.Package{}, CABundle: lres.CABundle, OSRelease: lres.OSRelease}
	// The base image's packages that stay come first: the SBOM lists
	// every package of the image once, in the layer holding its files.
	if m.OSRelease == nil {
		m.OSRelease = base.os
	}
	for _, r := range lres.Base {
		l, ok := base.of[sbom.PackageKey(r.Name, r.Checksum)]
		if base.of != nil && !ok {
			return fmt.Errorf("%s does not list %s-%s (%s), which its apk database does: %s", base.from, r.Name, r.Version, r.Checksum, base.fix)
		}
		m.Packages = append(m.Packages, sbom.Package{Arch: r.Arch, Checksum: r.Checksum,
			Description: r.Description, Layer: l, License: r.License, Name: r.Name,
			Origin: r.Origin, URL: r.URL, Version: r.Version})
	}
	if split {
		m.Layers = layers
	}
	layerOf := map[int]string{}
	for gi, g := range lres.Groups {
		for _, pi := range g.Packages {
			layerOf[pi] = layers[gi].Digest
		}
	}
	for i, p := range pkgs {
		mp := sbom.Package{Arch: p.Info.Arch, Checksum: locked[i].Checksum,
			Description: p.Info.Description, Layer: layerOf[i], License: p.Info.License, Name: p.Info.Name,
			Origin: p.Info.Origin, URL: p.Info.URL, Version: p.Info.Version}
		m.Packages = append(m.Packages, mp)
	}
	metaJSON, err := sbom.MarshalMeta(m)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", meta, err)
	}
	// Inside an action a plain write will do: Bazel drops a failed
	// action's outputs.
	if err := os.WriteFile(meta, metaJSON, 0o644); err != nil {
		return err
	}
	if split {
		err := os.Chmod(tmp, 0o755)
		if err == nil {
			os.RemoveAll(out)
			err = os.Rename(tmp, out)
		}
		if err != nil {
			os.Remove(meta)
			return fmt.Errorf("writing %s: %w", out, err)
		}
		return nil
	}
	if err := os.Rename(filepath.Join(tmp, layers[0].File), out); err != nil {
		os.Remove(meta)
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return os.RemoveAll(tmp)
}

// baseLayers is where the base's packages are: the layer of each
// (sbom.PackageKey to digest; nil when unknown) and the base's OS, with
// what they were read from and what to do when a package is missing, for
// messages.
type baseLayers struct {
	of   map[string]string
	os   map[string]string
	from string
	fix  string
}

// compressTo writes what writeTo produces through deterministic gzip to
// path (0644, synced).
func compressTo(path string, writeTo func(io.Writer) error) (*gzipx.Result, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	defer f.Close()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		werr := writeTo(pw)
		pw.CloseWithError(werr)
		done <- werr
	}()
	res, cerr := gzipx.Compress(f, pr)
	// Unblock the writer if compression stopped early, then wait for it.
	pr.CloseWithError(fmt.Errorf("compression stopped"))
	if werr := <-done; werr != nil {
		return nil, werr // the layer's own error, already naming the package
	}
	if cerr != nil {
		return nil, fmt.Errorf("writing %s: %w", path, cerr)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &res, nil
}
