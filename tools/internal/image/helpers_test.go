package image_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// tarOf returns a deterministic tar of the given files, in name order.
func tarOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		hdr := &tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipOf compresses with the standard library's defaults (a header unlike
// gzipx's), to show that gzipped layers are taken byte for byte.
func gzipOf(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Name = "layer.tar"
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeTemp(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func digestOf(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }

func readJSON(t *testing.T, path string, v interface{}) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

func blob(t *testing.T, dir string, h v1.Hash, v interface{}) []byte {
	t.Helper()
	return readJSON(t, filepath.Join(dir, "blobs", h.Algorithm, h.Hex), v)
}

// validateLayout checks the layout with go-containerregistry: every image
// in index.json (and in nested indexes) must validate.
func validateLayout(t *testing.T, dir string) {
	t.Helper()
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatalf("validate.Index(%s): %v", dir, err)
	}
}

// tree maps each file under dir to its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// siblings lists the entries of dir's parent, to catch leftover temp dirs.
func siblings(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func itoa(n int) string { return fmt.Sprint(n) }

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func hashes(hs []v1.Hash) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.String())
	}
	return out
}

func historyOf(hs []v1.History) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Created.UTC().Format(time.RFC3339)+" "+h.CreatedBy)
	}
	return out
}

// twoManifestLayout writes a layout whose index.json lists two images.
func twoManifestLayout(t *testing.T, parent string) string {
	t.Helper()
	dir := filepath.Join(parent, "two")
	for i, arch := range []string{"amd64", "arm64"} {
		one := filepath.Join(parent, "two-"+arch)
		if _, err := image.WriteLayout(one, image.Spec{OS: "linux", Arch: arch}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := os.Rename(one, dir); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var a, b v1.IndexManifest
		readJSON(t, filepath.Join(dir, "index.json"), &a)
		readJSON(t, filepath.Join(one, "index.json"), &b)
		for name, content := range tree(t, filepath.Join(one, "blobs")) {
			writeTemp(t, filepath.Join(dir, "blobs"), name, []byte(content))
		}
		a.Manifests = append(a.Manifests, b.Manifests...)
		raw, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		writeTemp(t, dir, "index.json", raw)
		os.RemoveAll(one)
	}
	return dir
}
