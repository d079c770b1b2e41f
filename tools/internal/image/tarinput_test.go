package image_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// TestWriteLayoutCompressedTars: a tar layer given plain, gzipped (with a
// header unlike gzipx's) or bzip2-compressed becomes the same layer: the
// uncompressed tar, gzipped by gzipx. The format is recognised by its
// magic bytes, whatever the file is called.
func TestWriteLayoutCompressedTars(t *testing.T) {
	plain, err := os.ReadFile("testdata/app.tar")
	if err != nil {
		t.Fatal(err)
	}
	bz2, err := os.ReadFile("testdata/app.tar.bz2")
	if err != nil {
		t.Fatal(err)
	}
	empty := make([]byte, 10240) // what pkg_tar writes for no files
	var z strings.Builder
	want, err := gzipx.Compress(&z, strings.NewReader(string(plain)))
	if err != nil {
		t.Fatal(err)
	}
	var ze strings.Builder
	wantEmpty, err := gzipx.Compress(&ze, strings.NewReader(string(empty)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		file  string
		bytes []byte
		want  gzipx.Result
	}{
		{"plain", "app.tar", plain, want},
		{"gzip", "app.tar.gz", gzipOf(t, plain), want},
		{"tgz", "app.tgz", gzipOf(t, plain), want},
		{"bzip2", "app.tar.bz2", bz2, want},
		{"gzip named .tar", "app.tar", gzipOf(t, plain), want},
		{"empty tar", "empty.tar", empty, wantEmpty},
		{"empty tar gzipped", "empty.tar.gz", gzipOf(t, empty), wantEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "img")
			res, err := image.WriteLayout(out, image.Spec{
				OS: "linux", Arch: "amd64",
				Layers: []image.Layer{{Path: writeTemp(t, dir, tc.file, tc.bytes), CreatedBy: "app"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			var m v1.Manifest
			blob(t, out, res.ManifestDigest, &m)
			if len(m.Layers) != 1 || m.Layers[0].Digest != tc.want.Digest || m.Layers[0].Size != tc.want.Size {
				t.Errorf("layers = %+v, want one of digest %s, size %d", m.Layers, tc.want.Digest, tc.want.Size)
			}
			var cfg v1.ConfigFile
			blob(t, out, m.Config.Digest, &cfg)
			if got := hashes(cfg.RootFS.DiffIDs); len(got) != 1 || got[0] != tc.want.DiffID.String() {
				t.Errorf("diff_ids = %v, want [%s]", got, tc.want.DiffID)
			}
			validateLayout(t, out)
		})
	}
}

// TestWriteLayoutTarErrors: what is not a tar, or is compressed in a format
// not read here, fails with a message naming the file and the reason.
func TestWriteLayoutTarErrors(t *testing.T) {
	tmp := t.TempDir()
	plain := tarOf(t, map[string]string{"f": "x"})
	gz := gzipOf(t, plain)
	corrupt := append([]byte(nil), plain...)
	corrupt[0] ^= 0xff // the name changes, the checksum does not
	for _, tc := range []struct {
		name  string
		bytes []byte
		want  string
	}{
		{"xz", append([]byte{0xfd, '7', 'z', 'X', 'Z', 0x00}, make([]byte, 600)...), "is xz-compressed, which is not read here"},
		{"zstd", append([]byte{0x28, 0xb5, 0x2f, 0xfd}, make([]byte, 600)...), "is zstd-compressed, which is not read here"},
		{"text", []byte(strings.Repeat("not a tar\n", 100)), "is not a tar archive (its first header has no octal checksum"},
		{"bad checksum", corrupt, "is not a tar archive (its first header's checksum is"},
		{"short", []byte("tiny"), "is not a tar archive (4 bytes, less than one 512-byte tar header)"},
		{"empty file", nil, "is not a tar archive (0 bytes, less than one 512-byte tar header)"},
		{"gzipped text", gzipOf(t, []byte(strings.Repeat("not a tar\n", 100))), "holds no tar archive in its gzip stream"},
		{"truncated gzip", gz[:len(gz)-12], "reading its gzip stream"},
		{"bad gzip header", []byte{0x1f, 0x8b, 0x09, 0, 0, 0, 0, 0, 0, 0}, "reading its gzip stream"},
		{"bzip2 garbage", []byte("BZh9 definitely not bzip2 data, long enough to read"), "bzip2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tmp, strings.ReplaceAll(tc.name, " ", "_")+".tar", tc.bytes)
			out := filepath.Join(t.TempDir(), "img")
			_, err := image.WriteLayout(out, image.Spec{OS: "linux", Arch: "amd64", Layers: []image.Layer{{Path: path}}})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error = %v, want one naming %s and containing %q", err, path, tc.want)
			}
			if got := siblings(t, out); len(got) != 0 {
				t.Errorf("failure left %v behind", got)
			}
		})
	}
}
