package layerstep

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/baseimage"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
)

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
	b, err := baseimage.ReadLayer(rc)
	rc.Close()
	if err != nil {
		return fail(err)
	}
	if b == nil {
		return fail(fmt.Errorf("no /lib/apk/db/installed in it"))
	}
	return b, nil
}
