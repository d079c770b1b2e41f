package sbom

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// stackedDoc is an image built on a base split into two layers (musl in
// the first, the rest in the second) with one layer of its own (hello).
func stackedDoc() Doc {
	return Doc{
		Name: "//examples:app", Created: time.Unix(0, 0), Digest: digestOf("a"),
		Base: &Base{Name: "//examples:base", Digest: digestOf("9")},
		Layers: []Layer{
			{Digest: digestOf("b"), DiffID: digestOf("c")},
			{Digest: digestOf("d"), DiffID: digestOf("e")},
			{Digest: digestOf("f"), DiffID: digestOf("0"), Packages: true},
		},
		Packages: []Package{
			{Name: "musl", Version: "1.2.5-r0", Layer: digestOf("b")},
			{Name: "ca-certificates-bundle", Version: "1-r0", Layer: digestOf("d")},
			{Name: "hello", Version: "2.12-r1", Layer: digestOf("f")},
			{Name: "hello-doc", Version: "2.12-r1"}, // no layer: the one holding the database
		},
	}
}

func TestWriteStacked(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(*Doc)
		want    []string
		wantErr string
	}{
		{
			name: "each package in its layer, the base named",
			edit: func(*Doc) {},
			want: []string{
				"SPDXRef-DOCUMENT DESCRIBES SPDXRef-Image",
				"SPDXRef-Image DESCENDANT_OF SPDXRef-BaseImage",
				"SPDXRef-Image CONTAINS SPDXRef-Layer-0",
				"SPDXRef-Image CONTAINS SPDXRef-Layer-1",
				"SPDXRef-Image CONTAINS SPDXRef-Layer-2",
				"SPDXRef-Layer-0 CONTAINS SPDXRef-Package-musl",
				"SPDXRef-Layer-1 CONTAINS SPDXRef-Package-ca-certificates-bundle",
				"SPDXRef-Layer-2 CONTAINS SPDXRef-Package-hello",
				"SPDXRef-Layer-2 CONTAINS SPDXRef-Package-hello-doc",
			},
		},
		{
			name: "a package in a layer the image lacks",
			edit: func(d *Doc) { d.Packages[1].Layer = digestOf("7") },
			wantErr: "package ca-certificates-bundle-1-r0 is in layer " + digestOf("7") +
				", which the image does not have; pass the META.json of the layer this image was built from",
		},
		{
			name:    "a base without a digest",
			edit:    func(d *Doc) { d.Base.Digest = "latest" },
			wantErr: `base image //examples:base: digest "latest" is not sha256:<64 hex digits>`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := stackedDoc()
			tc.edit(&d)
			var buf bytes.Buffer
			err := Write(&buf, d)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, pkgs := rels(t, buf.Bytes())
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("relationships =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			b := pkgs["SPDXRef-BaseImage"]
			if b.Name != "//examples:base" || b.VersionInfo != digestOf("9") || b.Checksums[0].Value != strings.Repeat("9", 64) ||
				b.ExternalRefs[0].Locator != "pkg:oci/base@sha256%3A"+strings.Repeat("9", 64) {
				t.Errorf("base image package = %+v", b)
			}
		})
	}
}

func TestMetaLayerOf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "layer.json")
	meta := `{"digest": "` + digestOf("d") + `", "packages": [
  {"name": "musl", "checksum": "Q1m", "layer": "` + digestOf("b") + `"},
  {"name": "hello", "checksum": "Q1h"}]}`
	if err := os.WriteFile(path, []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadMeta(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{PackageKey("musl", "Q1m"): digestOf("b"), PackageKey("hello", "Q1h"): digestOf("d")}
	if got := m.LayerOf(); !reflect.DeepEqual(got, want) {
		t.Errorf("LayerOf = %q, want %q", got, want)
	}
	os.WriteFile(path, []byte("{"), 0o644)
	if _, err := ReadMeta(path); err == nil || !strings.Contains(err.Error(), "expected the META.json of apkimage layer") {
		t.Errorf("truncated META.json: %v", err)
	}
}
