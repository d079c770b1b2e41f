package image_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

const (
	ociIndex    = "application/vnd.oci.image.index.v1+json"
	ociManifest = "application/vnd.oci.image.manifest.v1+json"
	ociConfig   = "application/vnd.oci.image.config.v1+json"
	ociLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

func TestWriteLayoutMinimal(t *testing.T) {
	tmp := t.TempDir()
	tarb := tarOf(t, map[string]string{"etc/hostname": "x\n"})
	out := filepath.Join(tmp, "img")
	res, err := image.WriteLayout(out, image.Spec{
		Layers: []image.Layer{{Path: writeTemp(t, tmp, "a.tar", tarb), CreatedBy: "apkimage layer"}},
		OS:     "linux", Arch: "amd64",
		Created: time.Unix(0, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	var zres gzipx.Result
	{
		var sink strings.Builder
		zres, err = gzipx.Compress(&sink, strings.NewReader(string(tarb)))
		if err != nil {
			t.Fatal(err)
		}
	}
	// The config's exact bytes: field order, epoch time, no Docker fields.
	wantConfig := `{"architecture":"amd64","created":"1970-01-01T00:00:00Z",` +
		`"history":[{"created":"1970-01-01T00:00:00Z","created_by":"apkimage layer"}],` +
		`"os":"linux","rootfs":{"type":"layers","diff_ids":["` + digestOf(tarb) + `"]},"config":{}}`
	if got := string(res.Config); got != wantConfig {
		t.Errorf("config =\n%s\nwant\n%s", got, wantConfig)
	}
	wantManifest := `{"schemaVersion":2,"mediaType":"` + ociManifest + `",` +
		`"config":{"mediaType":"` + ociConfig + `","size":` + itoa(len(wantConfig)) + `,"digest":"` + digestOf([]byte(wantConfig)) + `"},` +
		`"layers":[{"mediaType":"` + ociLayer + `","size":` + itoa(int(zres.Size)) + `,"digest":"` + zres.Digest.String() + `"}]}`
	if got := res.ManifestDigest.String(); got != digestOf([]byte(wantManifest)) {
		var m map[string]interface{}
		raw := blob(t, out, res.ManifestDigest, &m)
		t.Errorf("manifest =\n%s\nwant\n%s", raw, wantManifest)
	}
	wantIndex := `{"schemaVersion":2,"mediaType":"` + ociIndex + `","manifests":[{"mediaType":"` + ociManifest +
		`","size":` + itoa(len(wantManifest)) + `,"digest":"` + digestOf([]byte(wantManifest)) +
		`","platform":{"architecture":"amd64","os":"linux"}}]}`
	files := tree(t, out)
	if got := files["index.json"]; got != wantIndex {
		t.Errorf("index.json =\n%s\nwant\n%s", got, wantIndex)
	}
	if got := files["oci-layout"]; got != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout = %s", got)
	}
	if len(files) != 5 { // oci-layout, index.json, manifest, config, layer
		t.Errorf("layout has %d files, want 5: %v", len(files), keys(files))
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("layout dir mode = %v (%v), want 0755", fi.Mode(), err)
	}
	validateLayout(t, out)
}

func TestWriteLayoutBaseLayerTar(t *testing.T) {
	tmp := t.TempDir()
	base := filepath.Join(tmp, "base")
	tar0 := tarOf(t, map[string]string{"lib/ld-musl-armhf.so.1": "loader"})
	baseRes, err := image.WriteLayout(base, image.Spec{
		Layers: []image.Layer{{Path: writeTemp(t, tmp, "0.tar", tar0), CreatedBy: "base layer"}},
		OS:     "linux", Arch: "arm", Variant: "v7",
		Env:  []string{"PATH=/usr/bin:/bin", "LANG=C"},
		User: "0", WorkDir: "/",
		Entrypoint:   []string{"/bin/sh"},
		Labels:       map[string]string{"a": "base", "b": "base"},
		Created:      time.Unix(100, 0),
		StopSignal:   "SIGQUIT",
		Volumes:      []string{"/data"},
		ExposedPorts: []string{"80"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tar1 := tarOf(t, map[string]string{"etc/apk/world": "musl\n"})
	gz1 := gzipOf(t, tar1)
	tar2 := tarOf(t, map[string]string{"etc/motd": "hi\n"})
	out := filepath.Join(tmp, "img")
	res, err := image.WriteLayout(out, image.Spec{
		Base: base,
		Layers: []image.Layer{
			{Path: writeTemp(t, tmp, "1.tar.gz", gz1), Gzipped: true, CreatedBy: "packages"},
			{Path: writeTemp(t, tmp, "2.tar", tar2), CreatedBy: "extra"},
		},
		OS: "linux", Arch: "arm", Variant: "v7",
		Env:          []string{"LANG=C.UTF-8", "TZ=UTC"},
		User:         "65532",
		Cmd:          []string{"-c", "true"},
		Labels:       map[string]string{"b": "img", "c": "img"},
		Annotations:  map[string]string{"org.opencontainers.image.title": "t"},
		BaseName:     "//base:image",
		Created:      time.Unix(0, 0),
		DefaultEnv:   []string{"PATH=/default", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"},
		Volumes:      []string{"/cache"},
		ExposedPorts: []string{"53/udp"},
	})
	if err != nil {
		t.Fatal(err)
	}

	var m v1.Manifest
	blob(t, out, res.ManifestDigest, &m)
	var baseZ strings.Builder
	z0, _ := gzipx.Compress(&baseZ, strings.NewReader(string(tar0)))
	var z2 strings.Builder
	r2, _ := gzipx.Compress(&z2, strings.NewReader(string(tar2)))
	wantLayers := []string{z0.Digest.String(), digestOf(gz1), r2.Digest.String()}
	var gotLayers []string
	for _, l := range m.Layers {
		gotLayers = append(gotLayers, l.Digest.String())
		if l.MediaType != ociLayer {
			t.Errorf("layer %s media type %s", l.Digest, l.MediaType)
		}
	}
	if !reflect.DeepEqual(gotLayers, wantLayers) {
		t.Errorf("layers = %v, want %v", gotLayers, wantLayers)
	}
	if m.MediaType != ociManifest || m.Config.MediaType != ociConfig {
		t.Errorf("media types %s / %s", m.MediaType, m.Config.MediaType)
	}
	wantAnnots := map[string]string{
		"org.opencontainers.image.title":       "t",
		"org.opencontainers.image.base.name":   "//base:image",
		"org.opencontainers.image.base.digest": baseRes.ManifestDigest.String(),
	}
	if !reflect.DeepEqual(m.Annotations, wantAnnots) {
		t.Errorf("annotations = %v", m.Annotations)
	}

	var cfg v1.ConfigFile
	blob(t, out, res.ConfigDigest, &cfg)
	for _, c := range []struct {
		name      string
		got, want interface{}
	}{
		{"platform", []string{cfg.OS, cfg.Architecture, cfg.Variant}, []string{"linux", "arm", "v7"}},
		{"created", cfg.Created.UTC().Format(time.RFC3339), "1970-01-01T00:00:00Z"},
		{"diff_ids", hashes(cfg.RootFS.DiffIDs), []string{digestOf(tar0), digestOf(tar1), digestOf(tar2)}},
		// PATH comes from the base, so only SSL_CERT_FILE's default applies.
		{"env", cfg.Config.Env, []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TZ=UTC", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}},
		{"stop signal", cfg.Config.StopSignal, "SIGQUIT"},
		{"volumes", cfg.Config.Volumes, map[string]struct{}{"/data": {}, "/cache": {}}},
		{"ports", cfg.Config.ExposedPorts, map[string]struct{}{"80/tcp": {}, "53/udp": {}}},
		{"user", cfg.Config.User, "65532"},
		{"workdir", cfg.Config.WorkingDir, "/"},
		{"entrypoint", cfg.Config.Entrypoint, []string{"/bin/sh"}},
		{"cmd", cfg.Config.Cmd, []string{"-c", "true"}},
		{"labels", cfg.Config.Labels, map[string]string{"a": "base", "b": "img", "c": "img"}},
		{"history", historyOf(cfg.History), []string{"1970-01-01T00:01:40Z base layer", "1970-01-01T00:00:00Z packages", "1970-01-01T00:00:00Z extra"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	var idx v1.IndexManifest
	readJSON(t, filepath.Join(out, "index.json"), &idx)
	if p := idx.Manifests[0].Platform; p == nil || !reflect.DeepEqual(*p, v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}) {
		t.Errorf("index.json platform = %+v", p)
	}
	validateLayout(t, out)
}

func TestWriteLayoutReproducible(t *testing.T) {
	tmp := t.TempDir()
	tarb := tarOf(t, map[string]string{"a": "1", "b/c": "2"})
	spec := image.Spec{
		Layers: []image.Layer{{Path: writeTemp(t, tmp, "l.tar", tarb)}},
		OS:     "linux", Arch: "arm64",
		Env:         []string{"A=1"},
		Labels:      map[string]string{"z": "1", "a": "2", "m": "3"},
		Annotations: map[string]string{"z": "1", "a": "2"},
	}
	one, err := image.WriteLayout(filepath.Join(tmp, "one"), spec)
	if err != nil {
		t.Fatal(err)
	}
	two, err := image.WriteLayout(filepath.Join(tmp, "two"), spec)
	if err != nil {
		t.Fatal(err)
	}
	if one.ManifestDigest != two.ManifestDigest {
		t.Errorf("digests differ: %s vs %s", one.ManifestDigest, two.ManifestDigest)
	}
	if a, b := tree(t, filepath.Join(tmp, "one")), tree(t, filepath.Join(tmp, "two")); !reflect.DeepEqual(a, b) {
		t.Errorf("layouts differ: %v vs %v", keys(a), keys(b))
	}
	// The zero time is the epoch, not year 1.
	if !strings.Contains(string(one.Config), `"created":"1970-01-01T00:00:00Z"`) {
		t.Errorf("config = %s", one.Config)
	}
}

func TestWriteLayoutReplacesExisting(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(dir string) error
	}{
		{"empty dir", func(dir string) error { return os.Mkdir(dir, 0o755) }},
		{"stale layout", func(dir string) error {
			if err := os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "stale"), []byte("x"), 0o644)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			out := filepath.Join(tmp, "img")
			if err := tc.setup(out); err != nil {
				t.Fatal(err)
			}
			_, err := image.WriteLayout(out, image.Spec{
				Layers: []image.Layer{{Path: writeTemp(t, tmp, "l.tar", tarOf(t, map[string]string{"f": "x"}))}},
				OS:     "linux", Arch: "amd64",
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(out, "stale")); !os.IsNotExist(err) {
				t.Errorf("stale file survived: %v", err)
			}
			if got := siblings(t, out); !reflect.DeepEqual(got, []string{"img", "l.tar"}) {
				t.Errorf("directory holds %v, want [img l.tar]", got)
			}
			validateLayout(t, out)
		})
	}
}

func TestWriteLayoutErrors(t *testing.T) {
	tmp := t.TempDir()
	plain := writeTemp(t, tmp, "plain.tar", tarOf(t, map[string]string{"f": "x"}))
	amd64 := filepath.Join(tmp, "amd64")
	if _, err := image.WriteLayout(amd64, image.Spec{OS: "linux", Arch: "amd64"}); err != nil {
		t.Fatal(err)
	}
	two := twoManifestLayout(t, tmp)
	for _, tc := range []struct {
		name string
		spec image.Spec
		want string
	}{
		{"missing layer", image.Spec{OS: "linux", Arch: "amd64", Layers: []image.Layer{{Path: filepath.Join(tmp, "nope.tar")}}}, "nope.tar"},
		{"plain tar as gzipped", image.Spec{OS: "linux", Arch: "amd64", Layers: []image.Layer{{Path: plain, Gzipped: true}}}, "not a gzip stream"},
		{"no arch", image.Spec{OS: "linux"}, "architecture"},
		{"bad env", image.Spec{OS: "linux", Arch: "amd64", Env: []string{"NOVALUE"}}, "KEY=VALUE"},
		{"base of another platform", image.Spec{Base: amd64, OS: "linux", Arch: "arm64"}, "linux/amd64"},
		{"base with two manifests", image.Spec{Base: two, OS: "linux", Arch: "amd64"}, two + ": index.json lists 2 manifests"},
		{"base missing", image.Spec{Base: filepath.Join(tmp, "nobase"), OS: "linux", Arch: "amd64"}, "nobase"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "img")
			_, err := image.WriteLayout(out, tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if got := siblings(t, out); len(got) != 0 {
				t.Errorf("failure left %v behind", got)
			}
		})
	}
	t.Run("existing dir untouched on failure", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "img")
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		writeTemp(t, out, "keep", []byte("k"))
		if _, err := image.WriteLayout(out, image.Spec{OS: "linux", Arch: "amd64", Layers: []image.Layer{{Path: plain, Gzipped: true}}}); err == nil {
			t.Fatal("no error")
		}
		if got := tree(t, out); !reflect.DeepEqual(got, map[string]string{"keep": "k"}) {
			t.Errorf("dir now holds %v", got)
		}
		if got := siblings(t, out); !reflect.DeepEqual(got, []string{"img"}) {
			t.Errorf("failure left %v behind", got)
		}
	})
}

// TestWriteLayoutDockerBase: a base pulled with Docker media types still
// yields an image with OCI media types only, on the same layer bytes.
func TestWriteLayoutDockerBase(t *testing.T) {
	tmp := t.TempDir()
	base := filepath.Join(tmp, "base")
	if _, err := image.WriteLayout(base, image.Spec{
		Layers: []image.Layer{{Path: writeTemp(t, tmp, "l.tar", tarOf(t, map[string]string{"f": "x"}))}},
		OS:     "linux", Arch: "amd64",
	}); err != nil {
		t.Fatal(err)
	}
	// Rewrite the base's manifest with Docker media types.
	var idx v1.IndexManifest
	readJSON(t, filepath.Join(base, "index.json"), &idx)
	var m v1.Manifest
	blob(t, base, idx.Manifests[0].Digest, &m)
	m.MediaType = "application/vnd.docker.distribution.manifest.v2+json"
	m.Config.MediaType = "application/vnd.docker.container.image.v1+json"
	m.Layers[0].MediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip"
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := v1.SHA256(bytes.NewReader(raw))
	writeTemp(t, filepath.Join(base, "blobs", "sha256"), h.Hex, raw)
	idx.Manifests[0] = v1.Descriptor{MediaType: m.MediaType, Size: int64(len(raw)), Digest: h}
	raw, _ = json.Marshal(idx)
	writeTemp(t, base, "index.json", raw)

	out := filepath.Join(tmp, "img")
	res, err := image.WriteLayout(out, image.Spec{Base: base, OS: "linux", Arch: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	var got v1.Manifest
	blob(t, out, res.ManifestDigest, &got)
	if got.MediaType != ociManifest || got.Config.MediaType != ociConfig || got.Layers[0].MediaType != ociLayer {
		t.Errorf("media types %s, %s, %s; want OCI ones", got.MediaType, got.Config.MediaType, got.Layers[0].MediaType)
	}
	if got.Layers[0].Digest != m.Layers[0].Digest {
		t.Errorf("layer digest %s, want the base's %s", got.Layers[0].Digest, m.Layers[0].Digest)
	}
	validateLayout(t, out)
}

func TestWriteLayoutConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		spec image.Spec
		want string
	}{
		{"relative volume", image.Spec{Volumes: []string{"data"}}, `volume "data" is not a clean absolute path`},
		{"unclean volume", image.Spec{Volumes: []string{"/data/"}}, `volume "/data/" is not a clean absolute path`},
		{"port zero", image.Spec{ExposedPorts: []string{"0"}}, `exposed port "0": "0" is not a port number`},
		{"port word", image.Spec{ExposedPorts: []string{"http"}}, `exposed port "http"`},
		{"port protocol", image.Spec{ExposedPorts: []string{"80/quic"}}, `protocol "quic" is not tcp, udp or sctp`},
		{"default env", image.Spec{DefaultEnv: []string{"PATH"}}, `default environment entry "PATH" is not KEY=VALUE`},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.spec.OS, c.spec.Arch = "linux", "amd64"
			out := filepath.Join(t.TempDir(), "img")
			_, err := image.WriteLayout(out, c.spec)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want it to contain %q", err, c.want)
			}
			if _, serr := os.Stat(out); !os.IsNotExist(serr) {
				t.Errorf("%s was left behind", out)
			}
		})
	}
}
