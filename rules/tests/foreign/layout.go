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

// The base's apk database: its first layer installs foreign-base, its
// second (apk add in another tool) foreign-tool, rewriting the database.
const (
	baseRecord = "C:Q1Zm9yZWlnbi1iYXNlLTEuMC1yMDA=\nP:foreign-base\nV:1.0-r0\nA:aarch64\nS:1\nI:1\nT:a base\nU:https://example.org/\nL:MIT\nF:bin\nR:foreign\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nF:etc\nR:foreign-release\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
	toolRecord = "C:Q1Zm9yZWlnbi10b29sLTIuMC1yMDA=\nP:foreign-tool\nV:2.0-r0\nA:aarch64\nS:1\nI:1\nT:a tool\nU:https://example.org/\nL:Apache-2.0\nF:usr/bin\nR:foreign-tool\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
)

// layerOf is a tar layer of the files (name, body; a name ending in / is a
// directory) in Docker's media type, as that library writes it.
func layerOf(files [][2]string) (v1.Layer, error) {
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	for _, f := range files {
		h := &tar.Header{Name: f[0], Mode: 0o644, Size: int64(len(f[1])), ModTime: time.Unix(1, 0), Typeflag: tar.TypeReg}
		if strings.HasSuffix(f[0], "/") {
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(f[1])); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw.Bytes())), nil },
		tarball.WithMediaType(types.DockerLayer))
}

func write(out, platform string, nested bool) error {
	osName, arch, ok := strings.Cut(platform, "/")
	if out == "" || !ok {
		return fmt.Errorf("want --out DIR and --platform OS/ARCH")
	}
	img := empty.Image
	for i, l := range []struct {
		createdBy string
		files     [][2]string
	}{
		{"COPY foreign-release /etc/ # another tool", [][2]string{
			{"./bin/", ""}, {"./bin/foreign", "#!/bin/true\n"}, {"./etc/", ""}, {"./etc/foreign-release", "ID=foreign\n"},
			{"./lib/", ""}, {"./lib/apk/", ""}, {"./lib/apk/db/", ""}, {"./lib/apk/db/installed", baseRecord},
		}},
		{"RUN apk add foreign-tool # another tool", [][2]string{
			{"./lib/apk/db/installed", baseRecord + toolRecord}, {"./usr/", ""}, {"./usr/bin/", ""}, {"./usr/bin/foreign-tool", "tool\n"},
		}},
	} {
		layer, err := layerOf(l.files)
		if err != nil {
			return err
		}
		if img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
			CreatedBy: l.createdBy, Created: v1.Time{Time: time.Unix(int64(1+i), 0).UTC()},
		}}); err != nil {
			return err
		}
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
