package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

// imgTestTar writes a one-file tar and returns its path and bytes.
func imgTestTar(t *testing.T, dir, name, content string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Format: tar.FormatUSTAR}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(content))
	tw.Close()
	p := filepath.Join(dir, name+".tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, buf.Bytes()
}

// imgTestGzip writes a gzipped copy of a tar (as the layer verb would).
func imgTestGzip(t *testing.T, tarPath string) string {
	t.Helper()
	in, err := os.Open(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var buf bytes.Buffer
	if _, err := gzipx.Compress(&buf, in); err != nil {
		t.Fatal(err)
	}
	p := tarPath + ".gz"
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func imgRun(t *testing.T, want int, args ...string) {
	t.Helper()
	if got := run(args); got != want {
		t.Fatalf("run(%q) = %d, want %d", args, got, want)
	}
}

func imgReadJSON(t *testing.T, path string, v interface{}) []byte {
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

func imgBlob(dir string, h v1.Hash) string { return filepath.Join(dir, "blobs", h.Algorithm, h.Hex) }

func imgValidate(t *testing.T, dir string) {
	t.Helper()
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatalf("validate.Index(%s): %v", dir, err)
	}
}

func TestImageVerb(t *testing.T) {
	tmp := t.TempDir()
	a, aTar := imgTestTar(t, tmp, "a", "base")
	b, bTar := imgTestTar(t, tmp, "b", "packages")
	c, cTar := imgTestTar(t, tmp, "c", "extra")
	d, dTar := imgTestTar(t, tmp, "d", "more")
	base := filepath.Join(tmp, "base")
	imgRun(t, 0, "image", "--out", base, "--platform", "linux/arm/v7",
		"--tar", a, "--env", "PATH=/bin", "--env", "LANG=C", "--entrypoint", `["/bin/sh"]`)

	out := filepath.Join(tmp, "img")
	cfgOut := filepath.Join(tmp, "config.json")
	digOut := filepath.Join(tmp, "digest")
	imgRun(t, 0, "image", "--out", out, "--platform", "linux/arm/v7", "--base", base,
		"--tar", c, "--layer", imgTestGzip(t, b), "--tar", d,
		"--env", "LANG=C.UTF-8", "--user", "65532", "--workdir", "/work",
		"--cmd", `["-c","true"]`, "--label", "k=v", "--annotation", "org.opencontainers.image.title=x",
		"--mtime", "1700000000", "--config-out", cfgOut, "--digest-out", digOut)

	var idx, baseIdx v1.IndexManifest
	imgReadJSON(t, filepath.Join(out, "index.json"), &idx)
	imgReadJSON(t, filepath.Join(base, "index.json"), &baseIdx)
	digest, err := os.ReadFile(digOut)
	if err != nil {
		t.Fatal(err)
	}
	if string(digest) != idx.Manifests[0].Digest.String() {
		t.Errorf("--digest-out = %q, want %q without newline", digest, idx.Manifests[0].Digest)
	}
	var m v1.Manifest
	imgReadJSON(t, imgBlob(out, idx.Manifests[0].Digest), &m)
	cfgBytes, _ := os.ReadFile(cfgOut)
	blobBytes, _ := os.ReadFile(imgBlob(out, m.Config.Digest))
	if !bytes.Equal(cfgBytes, blobBytes) {
		t.Errorf("--config-out differs from the config blob")
	}
	var cfg v1.ConfigFile
	if err := json.Unmarshal(cfgBytes, &cfg); err != nil {
		t.Fatal(err)
	}
	var gotDiffs []string
	for _, h := range cfg.RootFS.DiffIDs {
		gotDiffs = append(gotDiffs, h.String())
	}
	var wantDiffs []string
	for _, tb := range [][]byte{aTar, cTar, bTar, dTar} { // base, then command-line order
		h, _, _ := v1.SHA256(bytes.NewReader(tb))
		wantDiffs = append(wantDiffs, h.String())
	}
	var history []string
	for _, h := range cfg.History {
		history = append(history, h.CreatedBy)
	}
	for _, c := range []struct {
		name      string
		got, want interface{}
	}{
		{"diff_ids", gotDiffs, wantDiffs},
		{"history", history, []string{"apkimage image --tar a.tar", "apkimage image --tar c.tar", "apkimage image --layer b.tar.gz", "apkimage image --tar d.tar"}},
		{"env", cfg.Config.Env, []string{"PATH=/bin", "LANG=C.UTF-8"}},
		{"entrypoint", cfg.Config.Entrypoint, []string{"/bin/sh"}},
		{"cmd", cfg.Config.Cmd, []string{"-c", "true"}},
		{"user", cfg.Config.User, "65532"},
		{"workdir", cfg.Config.WorkingDir, "/work"},
		{"labels", cfg.Config.Labels, map[string]string{"k": "v"}},
		{"created", cfg.Created.UTC().Format("2006-01-02T15:04:05Z"), "2023-11-14T22:13:20Z"},
		{"annotations", m.Annotations, map[string]string{
			"org.opencontainers.image.title":       "x",
			"org.opencontainers.image.created":     "2023-11-14T22:13:20Z",
			"org.opencontainers.image.base.digest": baseIdx.Manifests[0].Digest.String(),
		}},
		{"platform", *idx.Manifests[0].Platform, v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	imgValidate(t, out)
}

func TestIndexVerb(t *testing.T) {
	tmp := t.TempDir()
	l, _ := imgTestTar(t, tmp, "l", "x")
	var layouts []string
	for _, p := range []string{"linux/arm/v7", "linux/amd64", "linux/arm/v6"} {
		dir := filepath.Join(tmp, strings.ReplaceAll(p, "/", "_"))
		imgRun(t, 0, "image", "--out", dir, "--platform", p, "--tar", l)
		layouts = append(layouts, dir)
	}
	out := filepath.Join(tmp, "index")
	digOut := filepath.Join(tmp, "index.digest")
	// --out after the layouts works too.
	imgRun(t, 0, append(append([]string{"index"}, layouts...), "--out", out, "--digest-out", digOut)...)
	var top, idx v1.IndexManifest
	imgReadJSON(t, filepath.Join(out, "index.json"), &top)
	imgReadJSON(t, imgBlob(out, top.Manifests[0].Digest), &idx)
	var got []string
	for _, d := range idx.Manifests {
		got = append(got, d.Platform.Architecture+"/"+d.Platform.Variant)
	}
	if want := []string{"amd64/", "arm/v6", "arm/v7"}; !reflect.DeepEqual(got, want) {
		t.Errorf("platforms = %v, want %v", got, want)
	}
	if dig, _ := os.ReadFile(digOut); string(dig) != top.Manifests[0].Digest.String() {
		t.Errorf("--digest-out = %q", dig)
	}
	imgValidate(t, out)

	// The same platform twice fails and leaves no output.
	dupOut := filepath.Join(tmp, "dup")
	imgRun(t, 1, "index", "--out", dupOut, layouts[0], layouts[0])
	if _, err := os.Stat(dupOut); !os.IsNotExist(err) {
		t.Errorf("failed merge left %s", dupOut)
	}
}

func TestSBOMVerb(t *testing.T) {
	tmp := t.TempDir()
	pkgs := []sbom.Package{{Name: "musl", Version: "1.2.5-r0", Arch: "x86_64", License: "MIT", Origin: "musl",
		Checksum: "Q1AAECAwQFBgcICQoLDA0ODxAREhM=", URL: "https://musl.libc.org/", Description: "libc"}}
	meta, err := json.Marshal(map[string]interface{}{
		"diff_id": "sha256:00", "digest": "sha256:00", "size": 1, "arch": "x86_64", "packages": pkgs,
	})
	if err != nil {
		t.Fatal(err)
	}
	metaPath := filepath.Join(tmp, "meta.json")
	os.WriteFile(metaPath, meta, 0o644)
	out := filepath.Join(tmp, "sbom.spdx.json")
	imgRun(t, 0, "sbom", "--meta", metaPath, "--name", "img", "--mtime", "86400", "--out", out)
	got, _ := os.ReadFile(out)
	var want bytes.Buffer
	if err := sbom.Write(&want, sbom.Doc{Name: "img", Created: time.Unix(86400, 0), Packages: pkgs}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("sbom =\n%s\nwant\n%s", got, want.Bytes())
	}
	if !strings.Contains(string(got), `"created": "1970-01-02T00:00:00Z"`) {
		t.Errorf("created missing:\n%s", got)
	}
}

func TestBuildVerbUsage(t *testing.T) {
	tmp := t.TempDir()
	l, _ := imgTestTar(t, tmp, "l", "x")
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"image help", []string{"image", "--help"}, 0},
		{"index help", []string{"index", "--out", "x", "--help"}, 0},
		{"sbom help", []string{"sbom", "-h"}, 0},
		{"image no out", []string{"image", "--platform", "linux/amd64"}, 2},
		{"image bad entrypoint", []string{"image", "--out", filepath.Join(tmp, "o"), "--platform", "linux/amd64", "--entrypoint", "/bin/sh"}, 2},
		{"image bad env", []string{"image", "--out", filepath.Join(tmp, "o"), "--platform", "linux/amd64", "--env", "X"}, 2},
		{"image stray argument", []string{"image", "--out", filepath.Join(tmp, "o"), "--platform", "linux/amd64", l}, 2},
		{"image missing layer", []string{"image", "--out", filepath.Join(tmp, "o"), "--platform", "linux/amd64", "--layer", filepath.Join(tmp, "nope")}, 1},
		{"index no layouts", []string{"index", "--out", filepath.Join(tmp, "o")}, 2},
		{"sbom no meta", []string{"sbom", "--name", "n", "--out", filepath.Join(tmp, "s")}, 2},
		{"sbom missing meta", []string{"sbom", "--meta", filepath.Join(tmp, "nope"), "--name", "n", "--out", filepath.Join(tmp, "s")}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imgRun(t, tc.want, tc.args...)
		})
	}
	for _, p := range []string{"o", "s"} {
		if _, err := os.Stat(filepath.Join(tmp, p)); !os.IsNotExist(err) {
			t.Errorf("a failed run left %s", p)
		}
	}
}
