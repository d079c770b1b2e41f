package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

// baseLayerFile writes a base image's apk layer holding one package, tools,
// and an older hello that the stacked layer upgrades.
func baseLayerFile(t *testing.T, dir string) string {
	var data bytes.Buffer
	tw := tar.NewWriter(&data)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "usr/bin/tool", Mode: 0o755, Size: 1})
	tw.Write([]byte("t"))
	tw.Close()
	var raw bytes.Buffer
	_, err := layer.Write(&raw, []layer.Package{
		{Info: &pkginfo.Info{Name: "tools", Version: "1-r0", Arch: "x86_64", Description: "base tools", License: "MIT", Origin: "tools"},
			Checksum: "Q1" + strings.Repeat("T", 27) + "=", Size: 10, Data: tar.NewReader(&data)},
		{Info: &pkginfo.Info{Name: "hello", Version: "2.11-r0", Arch: "x86_64"},
			Checksum: "Q1" + strings.Repeat("H", 27) + "=", Size: 10, Data: tar.NewReader(bytes.NewReader(nil))},
	}, layer.Options{World: []string{"tools", "hello"}, TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "base.tar.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := gzipx.Compress(f, &raw); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLayerVerbStacked: with --base-layer the installed database and
// META.json (hence the SBOM) list the base's packages and the layer's,
// each once; the base's hello 2.11 is upgraded to the lock's 2.12.
func TestLayerVerbStacked(t *testing.T) {
	f := newLockFixture(t)
	outDir := t.TempDir()
	out, meta := filepath.Join(outDir, "layer.tar.gz"), filepath.Join(outDir, "meta.json")
	if err := layerMain(f.layerArgs(out, meta, "--base-layer", baseLayerFile(t, outDir))); err != nil {
		t.Fatalf("layer: %v", err)
	}
	got := metaPackages(t, meta)
	if strings.Join(got, " ") != "tools-1-r0 musl-1.2.5-r0 hello-2.12-r1 hello-doc-2.12-r1" {
		t.Errorf("META.json packages %v", got)
	}
	gz, _ := os.ReadFile(out)
	db := ltTarFile(t, gz, "lib/apk/db/installed")
	if !strings.HasPrefix(db, "C:Q1TTTT") || strings.Count(db, "\nP:") != 4 || strings.Contains(db, "V:2.11-r0") {
		t.Errorf("installed database:\n%s", db)
	}
	if w := ltTarFile(t, gz, "etc/apk/world"); w != "hello\nhello-doc\ntools\n" {
		t.Errorf("world %q", w)
	}
	err := layerMain(f.layerArgs(out, meta, "--base-layer", filepath.Join(outDir, "missing.tar.gz")))
	if err == nil || !strings.Contains(err.Error(), "pass the apk layer (layer.tar.gz) of the base musl_base_image") {
		t.Errorf("missing base layer: %v", err)
	}
}

// TestLayerVerbBaseMeta: with --base-meta each base package the database
// keeps is attributed to the base layer holding it (a split base names it
// per package, a single-layer base by its digest), each new package to the
// new layer; the OS comes from the base's META.json when the base holds
// /etc/os-release; a base META.json that lacks a kept package is refused.
func TestLayerVerbBaseMeta(t *testing.T) {
	f := newLockFixture(t)
	dir := t.TempDir()
	base := baseLayerFile(t, dir)
	split := "sha256:" + strings.Repeat("a", 64)
	last := "sha256:" + strings.Repeat("b", 64)
	tools := `{"name": "tools", "version": "1-r0", "checksum": "Q1` + strings.Repeat("T", 27) + `=", "layer": "` + split + `"}`
	hello := `{"name": "hello", "version": "2.11-r0", "checksum": "Q1` + strings.Repeat("H", 27) + `="}`
	for _, tc := range []struct {
		name, meta, wantTools, wantErr string
	}{
		{"split base", `{"digest": "` + last + `", "os_release": {"ID": "alpine"}, "packages": [` + tools + `, ` + hello + `]}`, split, ""},
		{"single-layer base", `{"digest": "` + last + `", "packages": [` + strings.Replace(tools, split, "", 1) + `, ` + hello + `]}`, last, ""},
		{"base META without tools", `{"digest": "` + last + `", "packages": [` + hello + `]}`, "",
			"the base's META.json does not list tools-1-r0 (Q1TTT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bm := filepath.Join(dir, "base.json")
			if err := os.WriteFile(bm, []byte(tc.meta), 0o644); err != nil {
				t.Fatal(err)
			}
			out, meta := filepath.Join(dir, "layer.tar.gz"), filepath.Join(dir, "meta.json")
			err := layerMain(f.layerArgs(out, meta, "--base-layer", base, "--base-meta", bm))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var m sbom.Meta
			b, _ := os.ReadFile(meta)
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range m.Packages {
				got = append(got, p.Name+"@"+p.Layer)
			}
			want := []string{"tools@" + tc.wantTools, "musl@" + m.Digest, "hello@" + m.Digest, "hello-doc@" + m.Digest}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("packages by layer\n got %v\nwant %v", got, want)
			}
			// The base layer holds /etc/os-release: its META.json names the OS.
			if wantOS := strings.Contains(tc.meta, "os_release"); (m.OSRelease["ID"] == "alpine") != wantOS {
				t.Errorf("os_release %v, from the base's META.json: %v", m.OSRelease, wantOS)
			}
		})
	}
}

// ltTarFile returns the content of name in a gzipped tar.
func ltTarFile(t *testing.T, gz []byte, name string) string {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not in the layer: %v", name, err)
		}
		if h.Name == name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
}

// TestLayerVerbStackedOnLayout: --base-layout finds the database in the
// newest layer holding it, whatever lies above it ("./"-prefixed names of
// another writer); a base whose database a later layer whites out, or that
// never had one, gives a fresh database of the new packages only.
func TestLayerVerbStackedOnLayout(t *testing.T) {
	f := newLockFixture(t)
	tmp := t.TempDir()
	apkLayer := baseLayerFile(t, tmp)
	motd := writeTarFile(t, tmp, "motd.tar", "./etc/motd")
	whiteout := writeTarFile(t, tmp, "wh.tar", "./lib/apk/db/.wh.installed")
	osr := writeFilesTar(t, tmp, "osr.tar", map[string]string{"./etc/os-release": "ID=alpine\nVERSION_ID=3.21.0\n"})
	for _, tc := range []struct {
		name   string
		layers []string
		want   string
		// the base's packages and the index of the base layer holding each
		baseLayers map[string]int
		os         string // META.json's os-release ID and VERSION_ID
	}{
		{"database below another layer", []string{"--layer", apkLayer, "--tar", motd}, "tools-1-r0 musl-1.2.5-r0 hello-2.12-r1 hello-doc-2.12-r1", map[string]int{"tools": 0}, ""},
		{"database whited out", []string{"--layer", apkLayer, "--tar", whiteout}, "musl-1.2.5-r0 hello-2.12-r1 hello-doc-2.12-r1", nil, ""},
		{"no database", []string{"--tar", motd}, "musl-1.2.5-r0 hello-2.12-r1 hello-doc-2.12-r1", nil, ""},
		{"the base's os-release", []string{"--tar", osr, "--tar", motd}, "musl-1.2.5-r0 hello-2.12-r1 hello-doc-2.12-r1", nil, "alpine 3.21.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			base := filepath.Join(dir, "base")
			imgRun(t, 0, append([]string{"image", "--out", base, "--platform", "linux/amd64"}, tc.layers...)...)
			out, meta := filepath.Join(dir, "layer.tar.gz"), filepath.Join(dir, "meta.json")
			if err := layerMain(f.layerArgs(out, meta, "--base-layout", base)); err != nil {
				t.Fatalf("layer: %v", err)
			}
			got := metaPackages(t, meta)
			if strings.Join(got, " ") != tc.want {
				t.Errorf("META.json packages %v, want %s", got, tc.want)
			}
			// Each base package is in the base layer holding its files,
			// the new ones in the new layer.
			bl, err := image.LayerFiles(base)
			if err != nil {
				t.Fatal(err)
			}
			m := readMeta(t, meta)
			if os := strings.TrimSpace(m.OSRelease["ID"] + " " + m.OSRelease["VERSION_ID"]); os != tc.os {
				t.Errorf("META.json os-release %q, want %q", os, tc.os)
			}
			for _, p := range m.Packages {
				want := m.Digest
				if i, ok := tc.baseLayers[p.Name]; ok {
					want = bl[i].Digest
				}
				if p.Layer != want {
					t.Errorf("%s is in layer %q, want %q", p.Name, p.Layer, want)
				}
			}
			gz, _ := os.ReadFile(out)
			if db := ltTarFile(t, gz, "lib/apk/db/installed"); strings.Count(db, "\nP:") != len(got) {
				t.Errorf("installed database lists %d packages, want %d:\n%s", strings.Count(db, "\nP:"), len(got), db)
			}
		})
	}
	err := layerMain(f.layerArgs(filepath.Join(tmp, "x.tar.gz"), filepath.Join(tmp, "x.json"), "--base-layout", filepath.Join(tmp, "nope")))
	if err == nil || !strings.Contains(err.Error(), "base image: layout "+filepath.Join(tmp, "nope")) {
		t.Errorf("missing base layout: %v", err)
	}
}

// writeTarFile writes a tar of one empty file named name.
func writeTarFile(t *testing.T, dir, file, name string) string {
	return writeFilesTar(t, dir, file, map[string]string{name: ""})
}

// metaPackages lists META.json's packages as name-version.
func metaPackages(t *testing.T, meta string) []string {
	t.Helper()
	var got []string
	for _, p := range readMeta(t, meta).Packages {
		got = append(got, p.Name+"-"+p.Version)
	}
	return got
}

// TestLayerVerbHostileBaseLayout: a base layout whose layer blob was
// swapped for other bytes of the same size (a tampered or damaged pull) is
// refused by the layer verb before the blob is decompressed, with the blob
// named, and nothing is written (round 3; the variants are in image
// TestHostileBaseLayout).
func TestLayerVerbHostileBaseLayout(t *testing.T) {
	f := newLockFixture(t)
	tmp := t.TempDir()
	base := filepath.Join(tmp, "base")
	imgRun(t, 0, "image", "--out", base, "--platform", "linux/amd64", "--layer", baseLayerFile(t, tmp))
	blobs, err := filepath.Glob(filepath.Join(base, "blobs", "sha256", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var layer string
	for _, b := range blobs { // the layer is the one gzip blob
		if head, _ := os.ReadFile(b); len(head) > 2 && head[0] == 0x1f && head[1] == 0x8b {
			layer = b
		}
	}
	if layer == "" {
		t.Fatal("no layer blob in the base")
	}
	gz, _ := os.ReadFile(layer)
	gz[len(gz)/2] ^= 0xff
	if err := os.WriteFile(layer, gz, 0o644); err != nil {
		t.Fatal(err)
	}
	out, meta := filepath.Join(tmp, "layer.tar.gz"), filepath.Join(tmp, "meta.json")
	err = layerMain(f.layerArgs(out, meta, "--base-layout", base))
	want := "base image: layout " + base + ": layer blob sha256:" + filepath.Base(layer) + " does not match its digest; the layout is damaged or hostile, rebuild it"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
	// The image verb links base blobs into its output only once verified.
	img := filepath.Join(tmp, "img")
	imgRun(t, 1, "image", "--out", img, "--platform", "linux/amd64", "--base", base)
	for _, p := range []string{out, meta, img} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s was written", p)
		}
	}
}

func readMeta(t *testing.T, meta string) *sbom.Meta {
	t.Helper()
	m, err := sbom.ReadMeta(meta)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
