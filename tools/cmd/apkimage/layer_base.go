package main

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
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
	f, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return fail(err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(z)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		switch h.Name {
		case "lib/apk/db/installed", "lib/apk/db/scripts.tar", "lib/apk/db/triggers", "etc/apk/world", "etc/apk/repositories":
			b, err := io.ReadAll(io.LimitReader(tr, maxBaseFile+1))
			if err != nil {
				return fail(fmt.Errorf("/%s: %w", h.Name, err))
			}
			if len(b) > maxBaseFile {
				return fail(fmt.Errorf("/%s is larger than %d bytes", h.Name, maxBaseFile))
			}
			files[h.Name] = b
		}
	}
	if files["lib/apk/db/installed"] == nil {
		return fail(fmt.Errorf("no /lib/apk/db/installed in it"))
	}
	return &layer.Base{
		Installed:    files["lib/apk/db/installed"],
		World:        strings.Fields(string(files["etc/apk/world"])),
		Repositories: strings.Fields(string(files["etc/apk/repositories"])),
		Scripts:      files["lib/apk/db/scripts.tar"],
		Triggers:     files["lib/apk/db/triggers"],
	}, nil
}
