package image_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// platformLayouts writes one small layout per platform "arch" or "arch/variant".
func platformLayouts(t *testing.T, parent string, platforms ...string) []string {
	t.Helper()
	shared := writeTemp(t, parent, "shared.tar", tarOf(t, map[string]string{"etc/os-release": "ID=test\n"}))
	var dirs []string
	for _, p := range platforms {
		arch, variant, _ := strings.Cut(p, "/")
		own := writeTemp(t, parent, "own-"+arch+variant+".tar", tarOf(t, map[string]string{"arch": p}))
		dir := filepath.Join(parent, "img-"+arch+variant)
		if _, err := image.WriteLayout(dir, image.Spec{
			Layers: []image.Layer{{Path: shared}, {Path: own}},
			OS:     "linux", Arch: arch, Variant: variant,
		}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

func TestMergeIndex(t *testing.T) {
	tmp := t.TempDir()
	layouts := platformLayouts(t, tmp, "arm64", "arm/v7", "amd64", "arm/v6", "s390x")
	out := filepath.Join(tmp, "index")
	res, err := image.MergeIndex(out, layouts)
	if err != nil {
		t.Fatal(err)
	}

	var top v1.IndexManifest
	raw := readJSON(t, filepath.Join(out, "index.json"), &top)
	if len(top.Manifests) != 1 || top.Manifests[0].MediaType != ociIndex || top.Manifests[0].Digest != res.ManifestDigest {
		t.Fatalf("index.json = %s, want one %s descriptor of %s", raw, ociIndex, res.ManifestDigest)
	}
	var idx v1.IndexManifest
	blob(t, out, res.ManifestDigest, &idx)
	if idx.MediaType != ociIndex || idx.SchemaVersion != 2 {
		t.Errorf("index media type %q schema %d", idx.MediaType, idx.SchemaVersion)
	}
	var got []string
	for _, d := range idx.Manifests {
		if d.MediaType != ociManifest {
			t.Errorf("%s: media type %s", d.Digest, d.MediaType)
		}
		if d.Platform == nil {
			t.Fatalf("%s: no platform", d.Digest)
		}
		got = append(got, d.Platform.OS+"/"+d.Platform.Architecture+"/"+d.Platform.Variant)
	}
	want := []string{"linux/amd64/", "linux/arm/v6", "linux/arm/v7", "linux/arm64/", "linux/s390x/"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("platforms = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(idx.Manifests, res.Manifests) {
		t.Errorf("Result.Manifests = %+v, want %+v", res.Manifests, idx.Manifests)
	}
	// Each source manifest is referenced unchanged.
	for _, l := range layouts {
		var src v1.IndexManifest
		readJSON(t, filepath.Join(l, "index.json"), &src)
		found := false
		for _, d := range idx.Manifests {
			found = found || d.Digest == src.Manifests[0].Digest
		}
		if !found {
			t.Errorf("manifest of %s missing from the index", l)
		}
	}
	validateLayout(t, out)

	again := filepath.Join(tmp, "again")
	reversed := append([]string(nil), layouts...)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	res2, err := image.MergeIndex(again, reversed)
	if err != nil {
		t.Fatal(err)
	}
	if res2.ManifestDigest != res.ManifestDigest || !reflect.DeepEqual(tree(t, out), tree(t, again)) {
		t.Errorf("merging in another order gave %s, want %s", res2.ManifestDigest, res.ManifestDigest)
	}
}

func TestMergeIndexErrors(t *testing.T) {
	tmp := t.TempDir()
	ls := platformLayouts(t, tmp, "amd64", "arm/v7")
	dupParent := t.TempDir()
	dup := platformLayouts(t, dupParent, "arm/v7")[0]
	two := twoManifestLayout(t, tmp)
	for _, tc := range []struct {
		name    string
		layouts []string
		want    string
	}{
		{"none", nil, "no image layouts"},
		{"duplicate platform", []string{ls[0], ls[1], dup}, "layouts " + ls[1] + " and " + dup + " are both linux/arm/v7"},
		{"two manifests", []string{ls[0], two}, two + ": index.json lists 2 manifests"},
		{"not a layout", []string{ls[0], filepath.Join(tmp, "missing")}, "missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "index")
			_, err := image.MergeIndex(out, tc.layouts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("failure left %s: %v", out, err)
			}
		})
	}
	t.Run("damaged blob", func(t *testing.T) {
		dir := platformLayouts(t, t.TempDir(), "riscv64")[0]
		var idx v1.IndexManifest
		readJSON(t, filepath.Join(dir, "index.json"), &idx)
		var m v1.Manifest
		blob(t, dir, idx.Manifests[0].Digest, &m)
		// Truncate a layer: the size no longer matches the descriptor.
		if err := os.Truncate(filepath.Join(dir, "blobs", "sha256", m.Layers[0].Digest.Hex), 3); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "index")
		_, err := image.MergeIndex(out, []string{dir})
		if err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Fatalf("error = %v, want one saying the layout is damaged", err)
		}
		if got := siblings(t, out); len(got) != 0 {
			t.Errorf("failure left %v behind", got)
		}
	})
}

func TestMergeIndexAnnotated(t *testing.T) {
	tmp := t.TempDir()
	layouts := platformLayouts(t, tmp, "arm64", "amd64")
	want := map[string]string{"org.opencontainers.image.created": "1970-01-01T00:00:00Z", "org.opencontainers.image.revision": "abc"}
	out := filepath.Join(tmp, "index")
	res, err := image.MergeIndexAnnotated(out, layouts, want)
	if err != nil {
		t.Fatal(err)
	}
	var idx v1.IndexManifest
	blob(t, out, res.ManifestDigest, &idx)
	if !reflect.DeepEqual(idx.Annotations, want) {
		t.Errorf("index annotations = %v, want %v", idx.Annotations, want)
	}
	plain, err := image.MergeIndex(filepath.Join(tmp, "plain"), layouts)
	if err != nil {
		t.Fatal(err)
	}
	if plain.ManifestDigest == res.ManifestDigest {
		t.Errorf("annotations did not change the index digest %s", res.ManifestDigest)
	}
	validateLayout(t, out)
}
