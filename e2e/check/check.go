package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type descriptor struct {
	MediaType string            `json:"mediaType"`
	Digest    string            `json:"digest"`
	Size      int64             `json:"size"`
	Platform  *platform         `json:"platform,omitempty"`
	Annots    map[string]string `json:"annotations,omitempty"`
}

type platform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
}

type index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []descriptor `json:"manifests"`
}

type manifest struct {
	MediaType string       `json:"mediaType"`
	Config    descriptor   `json:"config"`
	Layers    []descriptor `json:"layers"`
}

type config struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant"`
	Created      string `json:"created"`
	Config       struct {
		Env        []string            `json:"Env"`
		User       string              `json:"User"`
		WorkingDir string              `json:"WorkingDir"`
		Entrypoint []string            `json:"Entrypoint"`
		Cmd        []string            `json:"Cmd"`
		Labels     map[string]string   `json:"Labels"`
		StopSignal string              `json:"StopSignal"`
		Volumes    map[string]struct{} `json:"Volumes"`
		Ports      map[string]struct{} `json:"ExposedPorts"`
	} `json:"config"`
	RootFS struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

const (
	ociIndex    = "application/vnd.oci.image.index.v1+json"
	ociManifest = "application/vnd.oci.image.manifest.v1+json"
	ociConfig   = "application/vnd.oci.image.config.v1+json"
	ociLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

func run(layoutDir, expectedDir string, update bool) error {
	var lay struct {
		Version string `json:"imageLayoutVersion"`
	}
	if err := readJSON(filepath.Join(layoutDir, "oci-layout"), &lay); err != nil {
		return err
	}
	if lay.Version != "1.0.0" {
		return fmt.Errorf("%s/oci-layout: imageLayoutVersion %q, want 1.0.0", layoutDir, lay.Version)
	}
	images, err := images(layoutDir)
	if err != nil {
		return err
	}
	listings := map[string]string{}
	for _, d := range images {
		name, text, err := describe(layoutDir, d)
		if err != nil {
			return err
		}
		if _, dup := listings[name]; dup {
			return fmt.Errorf("two images for platform %s", name)
		}
		listings[name] = text
	}
	return compare(expectedDir, listings, update)
}

// images returns the image manifests of the layout dir: those of a nested
// index (an index layout) or the single one of an image layout.
func images(dir string) ([]descriptor, error) {
	var top index
	if err := readJSON(filepath.Join(dir, "index.json"), &top); err != nil {
		return nil, err
	}
	if len(top.Manifests) == 1 && top.Manifests[0].MediaType == ociIndex {
		var inner index
		if err := readBlobJSON(dir, top.Manifests[0], &inner); err != nil {
			return nil, err
		}
		if inner.MediaType != ociIndex {
			return nil, fmt.Errorf("nested index has media type %q", inner.MediaType)
		}
		top = inner
	}
	for _, d := range top.Manifests {
		if d.MediaType != ociManifest {
			return nil, fmt.Errorf("descriptor %s has media type %q, want %s", d.Digest, d.MediaType, ociManifest)
		}
		if len(top.Manifests) > 1 && d.Platform == nil {
			return nil, fmt.Errorf("descriptor %s has no platform", d.Digest)
		}
	}
	return top.Manifests, nil
}

// describe checks one image and returns its platform name and listing.
func describe(dir string, d descriptor) (string, string, error) {
	var m manifest
	if err := readBlobJSON(dir, d, &m); err != nil {
		return "", "", err
	}
	if m.MediaType != ociManifest || m.Config.MediaType != ociConfig {
		return "", "", fmt.Errorf("manifest %s: media types %q / %q are not OCI's", d.Digest, m.MediaType, m.Config.MediaType)
	}
	var c config
	if err := readBlobJSON(dir, m.Config, &c); err != nil {
		return "", "", err
	}
	name := c.OS + "-" + c.Architecture
	if c.Variant != "" {
		name += "-" + c.Variant
	}
	if p := d.Platform; p != nil && (p.OS != c.OS || p.Architecture != c.Architecture || p.Variant != c.Variant) {
		return "", "", fmt.Errorf("descriptor platform %+v does not match config %s", *p, name)
	}
	if len(c.RootFS.DiffIDs) != len(m.Layers) {
		return "", "", fmt.Errorf("%s: %d diff_ids for %d layers", name, len(c.RootFS.DiffIDs), len(m.Layers))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "platform %s\ncreated %s\n", name, c.Created)
	fmt.Fprintf(&b, "env %s\n", strings.Join(c.Config.Env, " "))
	fmt.Fprintf(&b, "user %q workdir %q\n", c.Config.User, c.Config.WorkingDir)
	fmt.Fprintf(&b, "entrypoint %s cmd %s\n", jsonText(c.Config.Entrypoint), jsonText(c.Config.Cmd))
	fmt.Fprintf(&b, "labels %s\n", jsonText(c.Config.Labels))
	// Printed only when set, so listings of images without them stay as they were.
	if c.Config.StopSignal != "" || c.Config.Volumes != nil || c.Config.Ports != nil {
		fmt.Fprintf(&b, "stopsignal %q volumes %s ports %s\n", c.Config.StopSignal, jsonText(c.Config.Volumes), jsonText(c.Config.Ports))
	}
	for i, l := range m.Layers {
		if l.MediaType != ociLayer {
			return "", "", fmt.Errorf("%s layer %d: media type %q", name, i, l.MediaType)
		}
		fmt.Fprintf(&b, "layer %d %s\n", i, c.RootFS.DiffIDs[i])
		if err := listLayer(dir, l, c.RootFS.DiffIDs[i], &b); err != nil {
			return "", "", fmt.Errorf("%s layer %d: %w", name, i, err)
		}
	}
	return name, b.String(), nil
}

func listLayer(dir string, d descriptor, diffID string, b *strings.Builder) error {
	data, err := readBlob(dir, d)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	h := sha256.New()
	tr := tar.NewReader(io.TeeReader(zr, h))
	var prev string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if hdr.Name <= prev {
			return fmt.Errorf("entries not sorted: %q after %q", hdr.Name, prev)
		}
		prev = hdr.Name
		n, err := io.Copy(io.Discard, tr)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %d:%d %d %s", tarMode(hdr), hdr.Uid, hdr.Gid, n, hdr.Name)
		if hdr.Linkname != "" {
			line += " -> " + hdr.Linkname
		}
		if hdr.Uname != "" || hdr.Gname != "" {
			line += fmt.Sprintf(" owner-names %q %q", hdr.Uname, hdr.Gname)
		}
		fmt.Fprintf(b, "  %s mtime=%d\n", line, hdr.ModTime.Unix())
	}
	if _, err := io.Copy(h, zr); err != nil {
		return err
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != diffID {
		return fmt.Errorf("diff_id %s, config says %s", got, diffID)
	}
	return nil
}

func tarMode(h *tar.Header) string {
	t := map[byte]string{tar.TypeReg: "-", tar.TypeDir: "d", tar.TypeSymlink: "l", tar.TypeLink: "h",
		tar.TypeChar: "c", tar.TypeBlock: "b", tar.TypeFifo: "p"}[h.Typeflag]
	if t == "" {
		t = "?"
	}
	return fmt.Sprintf("%s%04o", t, h.Mode&07777)
}

func jsonText(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func readBlob(dir string, d descriptor) ([]byte, error) {
	algo, hexd, ok := strings.Cut(d.Digest, ":")
	if !ok || algo != "sha256" || len(hexd) != 64 {
		return nil, fmt.Errorf("bad digest %q", d.Digest)
	}
	data, err := os.ReadFile(filepath.Join(dir, "blobs", "sha256", hexd))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != hexd {
		return nil, fmt.Errorf("blob %s: content does not match its digest", d.Digest)
	}
	if int64(len(data)) != d.Size {
		return nil, fmt.Errorf("blob %s: size %d, descriptor says %d", d.Digest, len(data), d.Size)
	}
	return data, nil
}

func readBlobJSON(dir string, d descriptor, v interface{}) error {
	data, err := readBlob(dir, d)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func readJSON(path string, v interface{}) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// compare checks (or with update, writes) one expected file per platform;
// a platform missing on either side is an error too.
func compare(dir string, got map[string]string, update bool) error {
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	if update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		old, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for _, f := range old {
			os.Remove(f)
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n+".txt"), []byte(got[n]), 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("wrote %d listings to %s\n", len(names), dir)
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	var problems []string
	if len(files) != len(names) {
		problems = append(problems, fmt.Sprintf("%d platforms built, %d expected listings in %s", len(names), len(files), dir))
	}
	for _, n := range names {
		want, err := os.ReadFile(filepath.Join(dir, n+".txt"))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: no expected listing (%v)", n, err))
			continue
		}
		if d := diff(string(want), got[n]); d != "" {
			problems = append(problems, fmt.Sprintf("%s differs from %s/%s.txt (-want +got):\n%s", n, dir, n, d))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s\nIf the change is intended, rerun with --update and review the diff", strings.Join(problems, "\n"))
	}
	fmt.Printf("%d platforms match %s\n", len(names), dir)
	return nil
}

// diff lists lines only in want (-) or only in got (+), in order.
func diff(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	inG, inW := map[string]int{}, map[string]int{}
	for _, l := range g {
		inG[l]++
	}
	for _, l := range w {
		inW[l]++
	}
	var b strings.Builder
	for _, l := range w {
		if inG[l] == 0 {
			fmt.Fprintf(&b, "-%s\n", l)
		}
	}
	for _, l := range g {
		if inW[l] == 0 {
			fmt.Fprintf(&b, "+%s\n", l)
		}
	}
	if b.Len() == 0 {
		return "(same lines, different order or count)\n"
	}
	return b.String()
}
