package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

var (
	baseDir  = flag.String("base", "", "the foreign base layout")
	indexDir = flag.String("index", "", "the oci_index built on it")
	sbomFile = flag.String("sbom", "", "the SBOM of the index's image")
	// The in-toto statements of oci_attest are the positional arguments.
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
		"1970-01-01T00:00:02Z RUN apk add foreign-tool # another tool",
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

// spdx is what the checks read of an SPDX document.
type spdx struct {
	Packages []struct {
		SPDXID, Name, VersionInfo string
	}
	Relationships []struct {
		SpdxElementID, RelationshipType, RelatedSpdxElement string
	}
}

// TestSBOMAndProvenanceOnForeignBase: the image adds no packages, so its
// SBOM lists the apk packages of the base's database, each CONTAINed by the
// base layer holding its files (foreign-base in the first, foreign-tool in
// the second), names the base by its image manifest digest (not the digest
// of the index crane pull wraps it in), and oci_attest's provenance of the
// image and of the index names the base as their one dependency.
func TestSBOMAndProvenanceOnForeignBase(t *testing.T) {
	if *sbomFile == "" {
		t.Skip("needs the files Bazel builds: bazel test //rules/tests/foreign:foreign_test")
	}
	var top, inner, idx v1.IndexManifest
	readJSON(t, filepath.Join(*baseDir, "index.json"), &top)
	readJSON(t, blobPath(*baseDir, top.Manifests[0].Digest), &inner)
	baseDigest := inner.Manifests[0].Digest
	var bm v1.Manifest
	readJSON(t, blobPath(*baseDir, baseDigest), &bm)
	readJSON(t, filepath.Join(*indexDir, "index.json"), &top)
	indexDigest := top.Manifests[0].Digest
	readJSON(t, blobPath(*indexDir, indexDigest), &idx)
	imageDigest := idx.Manifests[0].Digest

	var doc spdx
	readJSON(t, *sbomFile, &doc)
	version := map[string]string{}
	name := map[string]string{}
	for _, p := range doc.Packages {
		version[p.SPDXID], name[p.SPDXID] = p.VersionInfo, p.Name
	}
	if version["SPDXRef-Image"] != imageDigest.String() || version["SPDXRef-BaseImage"] != baseDigest.String() {
		t.Errorf("image %s, base %s; want %s on %s (the base's image manifest)", version["SPDXRef-Image"], version["SPDXRef-BaseImage"], imageDigest, baseDigest)
	}
	var got []string
	for _, r := range doc.Relationships {
		if strings.HasPrefix(r.RelatedSpdxElement, "SPDXRef-Package-") {
			got = append(got, version[r.SpdxElementID]+" CONTAINS "+name[r.RelatedSpdxElement]+" "+version[r.RelatedSpdxElement])
		}
	}
	want := []string{
		bm.Layers[0].Digest.String() + " CONTAINS foreign-base 1.0-r0",
		bm.Layers[1].Digest.String() + " CONTAINS foreign-tool 2.0-r0",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SBOM packages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	subjects := map[string]bool{}
	for _, path := range flag.Args() {
		var st struct {
			Subject []struct {
				Digest map[string]string
			}
			Predicate struct {
				BuildDefinition struct {
					ExternalParameters struct {
						Target        string
						Architectures []string
					}
					ResolvedDependencies []struct {
						Name   string
						Digest map[string]string
					}
				}
			}
		}
		readJSON(t, path, &st)
		for _, s := range st.Subject {
			subjects["sha256:"+s.Digest["sha256"]] = true
		}
		bd := st.Predicate.BuildDefinition
		deps := bd.ResolvedDependencies
		if len(deps) != 1 || deps[0].Name != "//rules/tests/foreign:base" || "sha256:"+deps[0].Digest["sha256"] != baseDigest.String() {
			t.Errorf("%s: dependencies %+v, want only the base at %s", filepath.Base(path), deps, baseDigest)
		}
		if bd.ExternalParameters.Target != "//rules/tests/foreign:index" || !reflect.DeepEqual(bd.ExternalParameters.Architectures, []string{"aarch64"}) {
			t.Errorf("%s: parameters %+v", filepath.Base(path), bd.ExternalParameters)
		}
	}
	if len(flag.Args()) != 2 || !subjects[imageDigest.String()] || !subjects[indexDigest.String()] {
		t.Errorf("statements %v about %v, want the image %s and the index %s", flag.Args(), subjects, imageDigest, indexDigest)
	}
}
