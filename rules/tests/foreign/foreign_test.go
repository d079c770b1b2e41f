package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

var (
	baseDir  = flag.String("base", "", "the foreign base layout")
	indexDir = flag.String("index", "", "the oci_index built on it")
)

func readJSON(t *testing.T, path string, v interface{}) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func blobPath(dir string, h v1.Hash) string { return filepath.Join(dir, "blobs", h.Algorithm, h.Hex) }

// TestImageOnForeignBase: musl_base_image on a layout this rule set did not
// write keeps the base's layer bytes, diff_ids, history and config first,
// adds its own layer, and names the base (label and image manifest digest).
func TestImageOnForeignBase(t *testing.T) {
	if *baseDir == "" || *indexDir == "" {
		// go test ./... has no Bazel outputs to read.
		t.Skip("needs the layouts Bazel builds: bazel test //rules/tests/foreign:foreign_test")
	}
	// The base: index.json → image index → one image (crane pull's shape).
	var top, inner v1.IndexManifest
	readJSON(t, filepath.Join(*baseDir, "index.json"), &top)
	readJSON(t, blobPath(*baseDir, top.Manifests[0].Digest), &inner)
	baseDigest := inner.Manifests[0].Digest
	var bm v1.Manifest
	readJSON(t, blobPath(*baseDir, baseDigest), &bm)
	var bc v1.ConfigFile
	readJSON(t, blobPath(*baseDir, bm.Config.Digest), &bc)

	// The result: the index's one image.
	readJSON(t, filepath.Join(*indexDir, "index.json"), &top)
	var idx v1.IndexManifest
	readJSON(t, blobPath(*indexDir, top.Manifests[0].Digest), &idx)
	if len(idx.Manifests) != 1 || idx.Manifests[0].Platform == nil || idx.Manifests[0].Platform.Architecture != "arm64" {
		t.Fatalf("index manifests %+v; want one linux/arm64 image", idx.Manifests)
	}
	var m v1.Manifest
	readJSON(t, blobPath(*indexDir, idx.Manifests[0].Digest), &m)
	var c v1.ConfigFile
	readJSON(t, blobPath(*indexDir, m.Config.Digest), &c)

	if len(m.Layers) != len(bm.Layers)+1 {
		t.Fatalf("%d layers, want the base's %d and one more", len(m.Layers), len(bm.Layers))
	}
	for i, l := range bm.Layers {
		if m.Layers[i].Digest != l.Digest || m.Layers[i].Size != l.Size {
			t.Errorf("layer %d is %s (%d bytes), want the base's %s (%d bytes)", i, m.Layers[i].Digest, m.Layers[i].Size, l.Digest, l.Size)
		}
		if m.Layers[i].MediaType != "application/vnd.oci.image.layer.v1.tar+gzip" {
			t.Errorf("layer %d media type %s, want the OCI name of the base's %s", i, m.Layers[i].MediaType, l.MediaType)
		}
		got, err1 := os.ReadFile(blobPath(*indexDir, l.Digest))
		want, err2 := os.ReadFile(blobPath(*baseDir, l.Digest))
		if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
			t.Errorf("layer %d blob differs from the base's (%v, %v)", i, err1, err2)
		}
	}
	if !reflect.DeepEqual(c.RootFS.DiffIDs[:len(bc.RootFS.DiffIDs)], bc.RootFS.DiffIDs) {
		t.Errorf("diff_ids %v do not start with the base's %v", c.RootFS.DiffIDs, bc.RootFS.DiffIDs)
	}
	var hist []string
	for _, h := range c.History {
		hist = append(hist, h.Created.UTC().Format("2006-01-02T15:04:05Z")+" "+h.CreatedBy)
	}
	wantHist := []string{
		"1970-01-01T00:00:01Z COPY foreign-release /etc/ # another tool",
		"1970-01-02T00:00:00Z apkimage image --tar app.tar",
	}
	if !reflect.DeepEqual(hist, wantHist) {
		t.Errorf("history %q, want %q", hist, wantHist)
	}
	if want := []string{"PATH=/usr/bin:/bin", "FOREIGN=1", "APP=1"}; !reflect.DeepEqual(c.Config.Env, want) {
		t.Errorf("env %q, want %q (the base's, then the image's)", c.Config.Env, want)
	}
	if c.Config.User != "1000" || !reflect.DeepEqual(c.Config.Cmd, []string{"/bin/foreign"}) {
		t.Errorf("user %q cmd %q, want the base's 1000 and [/bin/foreign]", c.Config.User, c.Config.Cmd)
	}
	wantAnn := map[string]string{
		"org.opencontainers.image.base.name":   "//rules/tests/foreign:base",
		"org.opencontainers.image.base.digest": baseDigest.String(),
		"org.opencontainers.image.created":     "1970-01-02T00:00:00Z",
	}
	if !reflect.DeepEqual(m.Annotations, wantAnn) {
		t.Errorf("annotations %v, want %v", m.Annotations, wantAnn)
	}
	p, err := layout.FromPath(*indexDir)
	if err != nil {
		t.Fatal(err)
	}
	ii, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(ii); err != nil {
		t.Errorf("the index does not validate: %v", err)
	}
}
