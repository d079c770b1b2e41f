package main

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/push"
)

// repushPkgs is the package set of the re-push benchmark: origin, name,
// installed bytes (incompressible, so the figures are the layer sizes).
var repushPkgs = []struct {
	origin, name string
	size         int
}{
	{"musl", "musl", 700_000},
	{"busybox", "busybox", 900_000},
	{"openssl", "libcrypto3", 4_500_000},
	{"openssl", "libssl3", 800_000},
	{"zlib", "zlib", 100_000},
	{"gcc", "libgcc", 150_000},
	{"gcc", "libstdc++", 2_600_000},
	{"ca-certificates", "ca-certificates-bundle", 230_000},
	{"python3", "python3", 14_000_000},
	{"app", "app", 300_000},
}

// repushChanged is the package whose new release the benchmark pushes.
const repushChanged = "zlib"

// benchRepush builds an image from repushPkgs as one layer and split by
// origin, pushes it to Debian's docker-registry, rebuilds it with one
// package changed and pushes that: the bytes uploaded the second time are
// what a one-package update costs.
func benchRepush(e *env, r *report) error {
	if _, err := exec.LookPath("docker-registry"); err != nil {
		return fmt.Errorf("docker-registry is not installed (tools/setup.sh installs it)")
	}
	dir, err := os.MkdirTemp(e.work, "repush-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	reg, stop, err := startRegistry(dir)
	if err != nil {
		return err
	}
	defer stop()
	var rows [][]string
	for _, n := range []int{1, 4, 8} {
		var sent [2]int64
		var layers int
		for v := 0; v < 2; v++ {
			layout := filepath.Join(dir, fmt.Sprintf("img-%d-%d", n, v))
			count, err := buildRepushImage(filepath.Join(dir, "tmp"), layout, n, v == 1)
			if err != nil {
				return err
			}
			layers = count
			var c countingTransport
			ref := fmt.Sprintf("%s/bench/split%d:v%d", reg, n, v)
			if _, err := push.Push(context.Background(), layout, ref, push.Options{Transport: &c, Insecure: true}); err != nil {
				return fmt.Errorf("pushing %s: %w", ref, err)
			}
			sent[v] = c.n
		}
		label := "one layer"
		if n > 1 {
			label = fmt.Sprintf("max_layers = %d", n)
		}
		rows = append(rows, []string{label, fmt.Sprint(layers), mb(sent[0]), mb(sent[1]),
			fmt.Sprintf("%.1f%%", 100*float64(sent[1])/float64(sent[0]))})
	}
	r.printf("## Bytes re-pushed after a one-package update\n\n"+
		"An image of %d packages (%d origins, %s installed, incompressible content) is pushed to Debian's "+
		"docker-registry on 127.0.0.1; then `%s` gets a new release and the rebuilt image is pushed to the same "+
		"repository. Bytes are the request bodies go-containerregistry sends (blobs the registry already has are skipped).\n\n",
		len(repushPkgs), countOrigins(), mb(totalRepush()), repushChanged)
	r.table([]string{"apk layers", "layers in the image", "first push", "push after the update", "re-pushed"}, rows)
	return nil
}

func countOrigins() int {
	seen := map[string]bool{}
	for _, p := range repushPkgs {
		seen[p.origin] = true
	}
	return len(seen)
}

func totalRepush() int64 {
	var n int64
	for _, p := range repushPkgs {
		n += int64(p.size)
	}
	return n
}

func mb(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

// buildRepushImage writes the image layout; changed bumps repushChanged.
// It returns the number of layers.
func buildRepushImage(tmp, layout string, maxLayers int, changed bool) (int, error) {
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return 0, err
	}
	var pkgs []layer.Package
	for i, p := range repushPkgs {
		version, seed := "1.0-r0", uint64(i+1)
		if changed && p.name == repushChanged {
			version, seed = "1.0-r1", uint64(1000+i)
		}
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		g := &gen{s: seed}
		body := g.random(p.size)
		name := "usr/lib/" + p.origin + "/" + p.name + ".so"
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write(body)
		tw.Close()
		pkgs = append(pkgs, layer.Package{
			Info:     &pkginfo.Info{Name: p.name, Version: version, Arch: "x86_64", Origin: p.origin},
			Checksum: fmt.Sprintf("Q1%027d=", i),
			Data:     tar.NewReader(&b),
		})
	}
	var files []image.Layer
	emit := func(i int, _ layer.Group, writeTo func(io.Writer) error) error {
		p := filepath.Join(tmp, fmt.Sprintf("%s-%02d.tar.gz", filepath.Base(layout), i))
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		defer f.Close()
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(writeTo(pw)) }()
		if _, err := gzipx.Compress(f, pr); err != nil {
			return err
		}
		files = append(files, image.Layer{Path: p, Gzipped: true, CreatedBy: "bench"})
		return nil
	}
	if _, err := layer.WriteSplit(pkgs, layer.Options{TempDir: tmp, Arch: "x86_64"}, maxLayers, emit); err != nil {
		return 0, err
	}
	if _, err := image.WriteLayout(layout, image.Spec{Layers: files, OS: "linux", Arch: "amd64"}); err != nil {
		return 0, err
	}
	return len(files), nil
}

// countingTransport counts the request body bytes sent.
type countingTransport struct{ n int64 }

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body = &countingBody{ReadCloser: req.Body, n: &c.n}
	}
	return http.DefaultTransport.RoundTrip(req)
}

type countingBody struct {
	io.ReadCloser
	n *int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	atomic.AddInt64(b.n, int64(n))
	return n, err
}

// startRegistry runs docker-registry on a free loopback port.
func startRegistry(dir string) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cfg := filepath.Join(dir, "registry.yml")
	conf := fmt.Sprintf("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n",
		filepath.Join(dir, "storage"), addr)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		return "", nil, err
	}
	cmd := exec.Command("docker-registry", "serve", cfg)
	logf, _ := os.Create(filepath.Join(dir, "registry.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("starting docker-registry: %w", err)
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait(); logf.Close() }
	for i := 0; i < 100; i++ {
		if resp, err := http.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			return addr, stop, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("docker-registry did not answer on %s; see %s", addr, filepath.Join(dir, "registry.log"))
}
