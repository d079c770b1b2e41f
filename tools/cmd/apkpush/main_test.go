package main

import (
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func TestPushVerb(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	idx, err := random.Index(32, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := idx.Digest()
	dir := t.TempDir()
	p, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "digest")
	// The last --repository wins: a rule's default can be overridden.
	if err := pushMain([]string{"--layout", filepath.Join(dir, "layout"), "--repository", "127.0.0.1:1/ignored",
		"--repository", host + "/musl-dynamic:v1", "--tag", "latest", "--digest-out", out}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != want.String() {
		t.Errorf("--digest-out wrote %q, want %q", b, want)
	}
	for _, tag := range []string{"v1", "latest"} {
		ref, err := name.ParseReference(host + "/musl-dynamic:" + tag)
		if err != nil {
			t.Fatal(err)
		}
		d, err := remote.Head(ref)
		if err != nil || d.Digest != want {
			t.Errorf("%s: HEAD = %v, %v; want %s", tag, d, err, want)
		}
	}
}

func TestPushVerbUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--layout", "x"},
		{"--repository", "127.0.0.1:1/xy"},
		{"--layout", "x", "--repository", "127.0.0.1:1/xy", "extra"},
	} {
		err := pushMain(args)
		if _, ok := err.(*usageError); !ok {
			t.Errorf("pushMain(%q) = %v, want a usage error (exit 2)", args, err)
		}
	}
}
