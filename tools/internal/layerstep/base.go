package layerstep

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	pathpkg "path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// maxBaseFile bounds each apk database file read from a base layer; a
// database of 5,000 packages is a few MB.
const maxBaseFile = 256 << 20

// readBaseLayer reads the apk database of the image a layer is stacked on
// from that image's newest apk layer (a layer.tar.gz the layer verb wrote).
func readBaseLayer(path string) (*layer.Base, error) {
	fail := func(err error) (*layer.Base, error) {
		return nil, fmt.Errorf("base layer %s: %w; pass the apk layer (layer.tar.gz) of the base musl_base_image", path, err)
	}
	// A base split by origin (--max-layers) is a directory; its last layer
	// holds the apk database.
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		layers, _ := filepath.Glob(filepath.Join(path, "*.tar.gz"))
		if len(layers) == 0 {
			return fail(fmt.Errorf("the directory holds no *.tar.gz layers"))
		}
		sort.Strings(layers)
		path = layers[len(layers)-1]
	}
	rc, err := image.OpenTar(path)
	if err != nil {
		return fail(err)
	}
	files, _, err := apkDBFiles(rc)
	rc.Close()
	if err != nil {
		return fail(err)
	}
	if files["lib/apk/db/installed"] == nil {
		return fail(fmt.Errorf("no /lib/apk/db/installed in it"))
	}
	return baseOf(files), nil
}

// readBaseLayout reads the apk database of a base given as any
// single-platform OCI layout (rules_oci's oci_image, a pulled image): from
// the newest layer holding /lib/apk/db/installed, as apk would find it in
// the base's root. A base without one (or whose database a later layer
// deletes) has no apk packages: nil, and the new database lists only the
// new packages.
func readBaseLayout(dir string) (*layer.Base, error) {
	layers, err := image.LayerFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("base image: %w", err)
	}
	for i := len(layers) - 1; i >= 0; i-- {
		// Open checks the blob's digest before decompressing it.
		rc, err := layers[i].Open()
		if err != nil {
			return nil, fmt.Errorf("base image: %w", err)
		}
		files, deleted, err := apkDBFiles(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("base image %s, layer %d of %d: %w", dir, i+1, len(layers), err)
		}
		if files["lib/apk/db/installed"] != nil {
			return baseOf(files), nil
		}
		if deleted {
			return nil, nil
		}
	}
	return nil, nil
}

// apkDBFiles reads the apk database files of one layer's tar stream.
// deleted reports a whiteout of the database or a directory above it.
func apkDBFiles(r io.Reader) (files map[string][]byte, deleted bool, err error) {
	files = map[string][]byte{}
	links := map[string]bool{} // directories above the database that this layer made symlinks
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, deleted, nil
		}
		if err != nil {
			return nil, false, err
		}
		// Other writers spell names "./lib/..." or "/lib/...".
		name := strings.TrimPrefix(pathpkg.Clean("/"+h.Name), "/")
		switch name {
		case "lib", "lib/apk", "lib/apk/db", "etc", "etc/apk":
			links[name] = h.Typeflag == tar.TypeSymlink
		case "lib/apk/db/installed", "lib/apk/db/scripts.tar", "lib/apk/db/triggers", "etc/apk/world", "etc/apk/repositories":
			// Where an unpacker puts the file is where apk would read it:
			// not here if the name climbs ("../lib/...") or passes a
			// symlink the layer made ("lib/apk -> /etc" first).
			for d := pathpkg.Dir(name); d != "."; d = pathpkg.Dir(d) {
				if links[d] {
					return nil, false, fmt.Errorf("/%s is written through the symlink /%s of the same layer; the base image is damaged or hostile, rebuild it", name, d)
				}
			}
			if strings.Contains("/"+h.Name+"/", "/../") {
				return nil, false, fmt.Errorf("/%s is named %q, with a \"..\" component; the base image is damaged or hostile, rebuild it", name, pkginfo.Clip(h.Name))
			}
			// A link or device here would say nothing of what apk
			// installed, and a sparse entry expands without bound.
			if h.Typeflag != tar.TypeReg && h.Typeflag != '\x00' || apkfile.IsSparse(h) {
				return nil, false, fmt.Errorf("/%s is not a regular file (tar type %q, link %q); the base image is damaged or hostile, rebuild it", name, h.Typeflag, pkginfo.Clip(h.Linkname))
			}
			b, err := io.ReadAll(io.LimitReader(tr, maxBaseFile+1))
			if err != nil {
				return nil, false, fmt.Errorf("/%s: %w", name, err)
			}
			if len(b) > maxBaseFile {
				return nil, false, fmt.Errorf("/%s is larger than %d bytes", name, maxBaseFile)
			}
			files[name] = b
		case "lib/apk/db/.wh.installed", "lib/apk/.wh.db", "lib/.wh.apk", ".wh.lib", "lib/apk/db/.wh..wh..opq":
			deleted = true
		}
	}
}

func baseOf(files map[string][]byte) *layer.Base {
	return &layer.Base{
		Installed:    files["lib/apk/db/installed"],
		World:        strings.Fields(string(files["etc/apk/world"])),
		Repositories: strings.Fields(string(files["etc/apk/repositories"])),
		Scripts:      files["lib/apk/db/scripts.tar"],
		Triggers:     files["lib/apk/db/triggers"],
	}
}
