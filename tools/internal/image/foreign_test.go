package image_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// foreignImage is an image as go-containerregistry (crane, ko, rules_oci's
// tools) writes it: Docker layer media type, its own gzip, its own history.
func foreignImage(t *testing.T, arch string) v1.Image {
	t.Helper()
	raw := tarOf(t, map[string]string{"etc/foreign-release": "ID=foreign\n"})
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil },
		tarball.WithMediaType(types.DockerLayer))
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: l, History: v1.History{
		CreatedBy: "COPY foreign-release /etc/ # another tool", Created: v1.Time{Time: time.Unix(1, 0).UTC()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	cf.Config.Env = []string{"FOREIGN=1"}
	cf.Config.User = "1000"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// foreignLayout writes the images as crane pull --format=oci does: nested
// (index.json lists an image index listing the images) or flat (index.json
// lists the image manifest, as rules_oci's oci_image).
func foreignLayout(t *testing.T, dir string, nested bool, imgs ...v1.Image) {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if !nested {
		for _, img := range imgs {
			if err := p.AppendImage(img); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	var idx v1.ImageIndex = empty.Index
	for _, img := range imgs {
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: cf.Platform()}})
	}
	if err := p.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
}

// TestWriteLayoutForeignBase: a base written by another tool, in either
// layout shape, keeps its layers byte for byte (relabelled OCI), its
// diff_ids and history first, and the base.digest annotation names its
// image manifest (not the wrapping index).
func TestWriteLayoutForeignBase(t *testing.T) {
	tmp := t.TempDir()
	top := writeTemp(t, tmp, "top.tar", tarOf(t, map[string]string{"app": "hello"}))
	for _, nested := range []bool{false, true} {
		name := map[bool]string{false: "flat", true: "nested"}[nested]
		t.Run(name, func(t *testing.T) {
			fimg := foreignImage(t, "arm64")
			base := filepath.Join(tmp, name)
			foreignLayout(t, base, nested, fimg)
			fm, _ := fimg.Manifest()
			fcfg, _ := fimg.ConfigFile()
			fdigest, _ := fimg.Digest()

			out := filepath.Join(tmp, name+"-out")
			res, err := image.WriteLayout(out, image.Spec{
				Base: base, BaseName: "@foreign//:image", OS: "linux", Arch: "arm64",
				Layers: []image.Layer{{Path: top, CreatedBy: "apkimage image --tar top.tar"}},
				Env:    []string{"MORE=2"}, Created: time.Unix(86400, 0),
			})
			if err != nil {
				t.Fatal(err)
			}
			var m v1.Manifest
			blob(t, out, res.ManifestDigest, &m)
			var cfg v1.ConfigFile
			blob(t, out, m.Config.Digest, &cfg)
			if len(m.Layers) != 2 || m.Layers[0].Digest != fm.Layers[0].Digest || m.Layers[0].Size != fm.Layers[0].Size || m.Layers[0].MediaType != ociLayer {
				t.Fatalf("layers %+v; want the base's %s (as %s) first", m.Layers, fm.Layers[0].Digest, ociLayer)
			}
			want, _ := os.ReadFile(filepath.Join(base, "blobs", "sha256", fm.Layers[0].Digest.Hex))
			got, _ := os.ReadFile(filepath.Join(out, "blobs", "sha256", fm.Layers[0].Digest.Hex))
			if len(want) == 0 || !bytes.Equal(got, want) {
				t.Errorf("the base's layer blob is not copied byte for byte (%d bytes, want %d)", len(got), len(want))
			}
			if cfg.RootFS.DiffIDs[0] != fcfg.RootFS.DiffIDs[0] || len(cfg.RootFS.DiffIDs) != 2 {
				t.Errorf("diff_ids %v; want the base's %s first", cfg.RootFS.DiffIDs, fcfg.RootFS.DiffIDs[0])
			}
			wantHist := []string{"1970-01-01T00:00:01Z COPY foreign-release /etc/ # another tool", "1970-01-02T00:00:00Z apkimage image --tar top.tar"}
			if h := historyOf(cfg.History); !reflect.DeepEqual(h, wantHist) {
				t.Errorf("history %q, want %q", h, wantHist)
			}
			if !reflect.DeepEqual(cfg.Config.Env, []string{"FOREIGN=1", "MORE=2"}) || cfg.Config.User != "1000" {
				t.Errorf("env %q user %q; want the base's kept and MORE added", cfg.Config.Env, cfg.Config.User)
			}
			wantAnn := map[string]string{
				"org.opencontainers.image.base.digest": fdigest.String(),
				"org.opencontainers.image.base.name":   "@foreign//:image",
			}
			for k, v := range wantAnn {
				if m.Annotations[k] != v {
					t.Errorf("annotation %s = %q, want %q", k, m.Annotations[k], v)
				}
			}
			validateLayout(t, out)
		})
	}
}

func TestWriteLayoutForeignBaseErrors(t *testing.T) {
	tmp := t.TempDir()
	multi := filepath.Join(tmp, "multi")
	foreignLayout(t, multi, true, foreignImage(t, "amd64"), foreignImage(t, "arm64"))
	arm := filepath.Join(tmp, "arm")
	foreignLayout(t, arm, true, foreignImage(t, "arm64"))
	for _, tc := range []struct {
		name, base, arch, want string
	}{
		{"multi-platform index", multi, "amd64", "lists 2 manifests (linux/amd64, linux/arm64), want exactly one: pass a single-platform image layout"},
		{"other platform", arm, "amd64", "is linux/arm64 but the image is linux/amd64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := image.WriteLayout(filepath.Join(t.TempDir(), "out"), image.Spec{Base: tc.base, OS: "linux", Arch: tc.arch})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.base) {
				t.Fatalf("error %v; want one naming %s and containing %q", err, tc.base, tc.want)
			}
		})
	}
}
