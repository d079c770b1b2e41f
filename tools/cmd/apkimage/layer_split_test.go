package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

func TestLayerVerbMaxLayers(t *testing.T) {
	f := newLockFixture(t)
	outDir := t.TempDir()
	out, meta := filepath.Join(outDir, "layers"), filepath.Join(outDir, "meta.json")
	if err := layerMain(f.layerArgs(out, meta, "--max-layers", "2")); err != nil {
		t.Fatalf("layer: %v", err)
	}
	var m sbom.Meta
	raw, _ := os.ReadFile(meta)
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	ltAssertFiles(t, out, "layer-00.tar.gz", "layer-01.tar.gz")
	if len(m.Layers) != 2 {
		t.Fatalf("META layers = %+v, want 2", m.Layers)
	}
	// hello (with hello-doc) is the fixture's biggest origin: it gets the
	// first layer; musl shares the last with the generated files.
	if !reflect.DeepEqual(m.Layers[0].Origins, []string{"hello"}) || !reflect.DeepEqual(m.Layers[1].Origins, []string{"musl"}) {
		t.Errorf("origins = %v / %v", m.Layers[0].Origins, m.Layers[1].Origins)
	}
	var layerOf []string
	for _, p := range m.Packages {
		layerOf = append(layerOf, p.Name+"@"+p.Layer)
	}
	want := []string{"musl@" + m.Layers[1].Digest, "hello@" + m.Layers[0].Digest, "hello-doc@" + m.Layers[0].Digest}
	if !reflect.DeepEqual(layerOf, want) {
		t.Errorf("package layers = %v, want %v", layerOf, want)
	}
	for i, l := range m.Layers {
		gz, err := os.ReadFile(filepath.Join(out, l.File))
		if err != nil {
			t.Fatal(err)
		}
		if got := "sha256:" + ltSHA256(gz); got != l.Digest {
			t.Errorf("layer %d digest %s, META says %s", i, got, l.Digest)
		}
		names := ltTarNames(t, gz)
		if ltContains(names, "usr/bin/hello") != (i == 0) || ltContains(names, "lib/ld-musl-x86_64.so.1") != (i == 1) || ltContains(names, "lib/apk/db/installed") != (i == 1) {
			t.Errorf("layer %d holds %v", i, names)
		}
	}
	if m.Digest != m.Layers[1].Digest {
		t.Errorf("META digest %s is not the last layer's", m.Digest)
	}
}

// The layers are read back in name order (layer-NN), so the count is
// bounded; outside the bound the verb refuses before reading anything and
// writes nothing.
func TestLayerVerbMaxLayersBound(t *testing.T) {
	f := newLockFixture(t)
	for _, n := range []string{"0", "-1", "100"} {
		t.Run(n, func(t *testing.T) {
			dir := t.TempDir()
			out, meta := filepath.Join(dir, "layers"), filepath.Join(dir, "meta.json")
			err := layerMain(f.layerArgs(out, meta, "--max-layers", n))
			if err == nil || !strings.Contains(err.Error(), "max layers "+n+" is outside 1..99") {
				t.Fatalf("error %v, want the 1..99 bound", err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("left %d files behind", len(ents))
			}
		})
	}
}
