// Command layout writes a single-platform OCI image layout the way other
// tools do (go-containerregistry, as crane, ko and rules_oci's helpers use
// it): Docker layer media type, that library's gzip, its config and history,
// in the nested shape of `crane pull --format=oci` (index.json lists an image
// index of one image) or the flat shape of rules_oci's oci_image. It is the
// foreign base of //rules/tests/foreign:image.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

func main() {
	out := flag.String("out", "", "output layout `DIR` (created)")
	platform := flag.String("platform", "linux/arm64", "the image's `OS/ARCH`")
	nested := flag.Bool("nested", false, "write index.json → image index → image, as crane pull --format=oci")
	flag.Parse()
	if err := write(*out, *platform, *nested); err != nil {
		fmt.Fprintln(os.Stderr, "layout:", err)
		os.Exit(1)
	}
}

func write(out, platform string, nested bool) error {
	osName, arch, ok := strings.Cut(platform, "/")
	if out == "" || !ok {
		return fmt.Errorf("want --out DIR and --platform OS/ARCH")
	}
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	for _, f := range []struct{ name, body string }{
		{"./etc/", ""},
		{"./etc/foreign-release", "ID=foreign\n"},
	} {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: time.Unix(1, 0), Typeflag: tar.TypeReg}
		if strings.HasSuffix(f.name, "/") {
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw.Bytes())), nil },
		tarball.WithMediaType(types.DockerLayer))
	if err != nil {
		return err
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: l, History: v1.History{
		CreatedBy: "COPY foreign-release /etc/ # another tool", Created: v1.Time{Time: time.Unix(1, 0).UTC()},
	}})
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = osName, arch
	cf.Config.Env = []string{"PATH=/usr/bin:/bin", "FOREIGN=1"}
	cf.Config.User = "1000"
	cf.Config.Cmd = []string{"/bin/foreign"}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return err
	}
	p, err := layout.Write(out, empty.Index)
	if err != nil {
		return err
	}
	if !nested {
		return p.AppendImage(img)
	}
	idx := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: cf.Platform()}})
	return p.AppendIndex(idx)
}
