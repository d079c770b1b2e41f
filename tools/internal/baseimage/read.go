package baseimage

import (
	"archive/tar"
	"fmt"
	"io"
	pathpkg "path"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/rootfs"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

// maxDBFile bounds each apk database file read from a base layer; a
// database of 5,000 packages is a few MB.
const maxDBFile = 256 << 20

// maxPaths bounds the paths remembered across a base's layers (to find the
// layer holding each package's files): a few hundred bytes each, so the
// bound is a few hundred MB for a base far larger than any distribution.
const maxPaths = 1 << 20

const installed = "lib/apk/db/installed"

// osRelease are where os-release(5) says to look, in order; maxOSRelease
// bounds what is read of one (a few hundred bytes in practice).
var osRelease = []string{"etc/os-release", "usr/lib/os-release"}

const maxOSRelease = 64 << 10

// dbFiles are the apk database files a layer may hold.
var dbFiles = map[string]bool{
	installed: true, "lib/apk/db/scripts.tar": true, "lib/apk/db/triggers": true,
	"etc/apk/world": true, "etc/apk/repositories": true,
}

// Image is what a base image's layers say about its apk packages.
type Image struct {
	// DB is the apk database of the newest layer holding one; nil when the
	// base never had one or a later layer deletes it.
	DB *layer.Base
	// Packages are DB's packages in its order, each with Layer set to the
	// digest of the base layer holding its files (see Read).
	Packages []sbom.Package
	// OSRelease holds the KEY=VALUE pairs of the merged root's
	// os-release; nil when it has none that is a regular file.
	OSRelease map[string]string
}

// LayerOf maps the sbom.PackageKey of each package to its layer's digest.
func (im *Image) LayerOf() map[string]string {
	out := make(map[string]string, len(im.Packages))
	for _, p := range im.Packages {
		out[sbom.PackageKey(p.Name, p.Checksum)] = p.Layer
	}
	return out
}

// Read reads a base given as any single-platform OCI layout. Each package
// of its database is attributed to the layer that provides most of the
// files the database lists for it in the merged root (a later layer that
// rewrites a path provides it; whiteouts delete), the oldest on a tie,
// since later layers that touch a few of a package's files (a trigger
// regenerating one) did not install it; a package none of whose files is
// there (a meta package) to the layer holding the database.
func Read(dir string) (*Image, error) {
	layers, err := image.LayerFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("base image: %w", err)
	}
	sc := newScanner()
	var db map[string][]byte
	dbLayer := -1
	osFiles := map[string][]byte{}
	for i := len(layers) - 1; i >= 0; i-- {
		// Open checks the blob's digest before decompressing it.
		rc, err := layers[i].Open()
		if err != nil {
			return nil, fmt.Errorf("base image: %w", err)
		}
		files, err := sc.layer(i, rc, db == nil)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("base image %s, layer %d of %d (%s): %w", dir, i+1, len(layers), layers[i].Digest, err)
		}
		if db == nil && files[installed] != nil {
			db, dbLayer = files, i
		}
		for _, k := range osRelease {
			if b, ok := files[k]; ok {
				osFiles[k] = b
			}
		}
	}
	var osr map[string]string
	for _, k := range osRelease {
		if b, ok := osFiles[k]; ok {
			osr = layer.ParseOSRelease(b)
			break
		}
	}
	if db == nil {
		return &Image{OSRelease: osr}, nil
	}
	im := &Image{DB: baseOf(db), OSRelease: osr}
	pkgs, err := im.DB.Packages()
	if err != nil {
		return nil, fmt.Errorf("base image %s, layer %d (%s): %w", dir, dbLayer+1, layers[dbLayer].Digest, err)
	}
	for _, p := range pkgs {
		r := p.Record
		im.Packages = append(im.Packages, sbom.Package{Arch: r.Arch, Checksum: r.Checksum,
			Description: r.Description, Layer: layers[sc.holder(p.Files, dbLayer)].Digest, License: r.License,
			Name: r.Name, Origin: r.Origin, URL: r.URL, Version: r.Version})
	}
	return im, nil
}

// ReadLayer reads the apk database of one layer's tar stream: nil when it
// holds no /lib/apk/db/installed.
func ReadLayer(r io.Reader) (*layer.Base, error) {
	files, err := newScanner().layer(0, r, true)
	if err != nil || files[installed] == nil {
		return nil, err
	}
	return baseOf(files), nil
}

// scanner walks a base's layers from the newest down, remembering which
// layer provides each path of the merged root.
type scanner struct {
	provider map[string]int  // path → index of the newest layer holding it
	gone     map[string]bool // paths a newer layer's whiteout deletes, with all below
	opaque   map[string]bool // directories a newer layer made opaque
}

func newScanner() *scanner {
	return &scanner{provider: map[string]int{}, gone: map[string]bool{}, opaque: map[string]bool{}}
}

// hidden reports whether a newer layer deletes name from the lower ones.
func (s *scanner) hidden(name string) bool {
	for p := name; ; {
		if s.gone[p] || p != name && s.opaque[p] {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return p != "" && s.opaque[""]
		}
		p = p[:i]
	}
}

// layer reads layer i, newer ones already read: it records the paths it
// provides and, with wantDB, returns the apk database files it holds that
// no newer layer deletes, and any os-release no newer layer replaces or
// deletes (only a regular file of at most maxOSRelease bytes: the file
// only describes the image, so anything else is passed over). Its own
// whiteouts apply to the layers below.
func (s *scanner) layer(i int, r io.Reader, wantDB bool) (map[string][]byte, error) {
	files := map[string][]byte{}
	var gone, opaque []string
	links := map[string]bool{} // directories above the database that this layer made symlinks
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		// Other writers spell names "./lib/..." or "/lib/...".
		name := strings.TrimPrefix(pathpkg.Clean("/"+h.Name), "/")
		switch name {
		case "lib", "lib/apk", "lib/apk/db", "etc", "etc/apk":
			links[name] = h.Typeflag == tar.TypeSymlink
		}
		if target, opq, ok := rootfs.Whiteout(name); ok {
			if opq {
				opaque = append(opaque, target)
			} else {
				gone = append(gone, target)
			}
			continue
		}
		if name == "" || s.hidden(name) {
			continue
		}
		if _, ok := s.provider[name]; !ok {
			if len(s.provider) >= maxPaths {
				return nil, fmt.Errorf("the base has more than %d paths; this reader keeps that many to find the layer of each apk package", maxPaths)
			}
			s.provider[name] = i
		}
		if (name == osRelease[0] || name == osRelease[1]) && s.provider[name] == i &&
			(h.Typeflag == tar.TypeReg || h.Typeflag == '\x00') && !apkfile.IsSparse(h) && h.Size <= maxOSRelease {
			b, err := io.ReadAll(io.LimitReader(tr, maxOSRelease))
			if err != nil {
				return nil, fmt.Errorf("/%s: %w", name, err)
			}
			files[name] = b
		}
		if wantDB && dbFiles[name] {
			// Where an unpacker puts the file is where apk would read it:
			// not here if the name climbs ("../lib/...") or passes a
			// symlink the layer made ("lib/apk -> /etc" first).
			for d := pathpkg.Dir(name); d != "."; d = pathpkg.Dir(d) {
				if links[d] {
					return nil, fmt.Errorf("/%s is written through the symlink /%s of the same layer; the base image is damaged or hostile, rebuild it", name, d)
				}
			}
			if strings.Contains("/"+h.Name+"/", "/../") {
				return nil, fmt.Errorf("/%s is named %q, with a \"..\" component; the base image is damaged or hostile, rebuild it", name, pkginfo.Clip(h.Name))
			}
			// A link or device here would say nothing of what apk
			// installed, and a sparse entry expands without bound.
			if h.Typeflag != tar.TypeReg && h.Typeflag != '\x00' || apkfile.IsSparse(h) {
				return nil, fmt.Errorf("/%s is not a regular file (tar type %q, link %q); the base image is damaged or hostile, rebuild it", name, h.Typeflag, pkginfo.Clip(h.Linkname))
			}
			b, err := io.ReadAll(io.LimitReader(tr, maxDBFile+1))
			if err != nil {
				return nil, fmt.Errorf("/%s: %w", name, err)
			}
			if len(b) > maxDBFile {
				return nil, fmt.Errorf("/%s is larger than %d bytes", name, maxDBFile)
			}
			files[name] = b
		}
	}
	for _, p := range gone {
		s.gone[p] = true
	}
	for _, p := range opaque {
		s.opaque[p] = true
	}
	return files, nil
}

// holder is the layer providing most of files, the oldest on a tie, or
// fallback when none is provided.
func (s *scanner) holder(files []string, fallback int) int {
	count := map[int]int{}
	for _, f := range files {
		if i, ok := s.provider[f]; ok {
			count[i]++
		}
	}
	best := fallback
	for i, n := range count {
		if n > count[best] || n == count[best] && i < best {
			best = i
		}
	}
	return best
}

func baseOf(files map[string][]byte) *layer.Base {
	return &layer.Base{
		Installed:    files[installed],
		World:        strings.Fields(string(files["etc/apk/world"])),
		Repositories: strings.Fields(string(files["etc/apk/repositories"])),
		Scripts:      files["lib/apk/db/scripts.tar"],
		Triggers:     files["lib/apk/db/triggers"],
	}
}
