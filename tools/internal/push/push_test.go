package push

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// registryHost serves an in-memory registry on 127.0.0.1 for the test.
func registryHost(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func TestPushIndexAndTags(t *testing.T) {
	idx, err := random.Index(64, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := idx.Digest()
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	host := registryHost(t)
	res, err := Push(context.Background(), dir, host+"/a/b:one", Options{Tags: []string{"two"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Digest != want {
		t.Errorf("Digest = %s, want %s", res.Digest, want)
	}
	if got := strings.Join(res.Refs, " "); got != host+"/a/b:one "+host+"/a/b:two" {
		t.Errorf("Refs = %s", got)
	}
	for _, tag := range []string{"one", "two"} {
		ref, _ := name.ParseReference(host + "/a/b:" + tag)
		got, err := remote.Index(ref)
		if err != nil {
			t.Fatalf("pulling %s: %v", ref, err)
		}
		if d, _ := got.Digest(); d != want {
			t.Errorf("%s: digest %s, want %s", ref, d, want)
		}
		// Every child image and its layers must be there too.
		im, _ := got.IndexManifest()
		for _, m := range im.Manifests {
			img, err := got.Image(m.Digest)
			if err != nil {
				t.Fatal(err)
			}
			ls, _ := img.Layers()
			for _, l := range ls {
				rc, err := l.Compressed()
				if err != nil {
					t.Fatalf("layer of %s: %v", m.Digest, err)
				}
				rc.Close()
			}
		}
	}
}

func TestPushImage(t *testing.T) {
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	host := registryHost(t)
	res, err := Push(context.Background(), dir, host+"/img", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Digest != want || res.Refs[0] != host+"/img:latest" {
		t.Errorf("got %s %v, want %s at :latest", res.Digest, res.Refs, want)
	}
	ref, _ := name.ParseReference(host + "/img:latest")
	d, err := remote.Head(ref)
	if err != nil || d.Digest != want {
		t.Errorf("HEAD %s = %v, %v; want %s", ref, d, err, want)
	}
}

func TestPushRejects(t *testing.T) {
	dir := t.TempDir()
	p, _ := layout.Write(dir, empty.Index)
	for _, tc := range []struct{ name, repo, want string }{
		{"digest", "127.0.0.1:1/xy@sha256:" + strings.Repeat("a", 64), "names a digest"},
		{"bad", "UPPER/Case", "HOST[:PORT]/REPO"},
		{"empty layout", "127.0.0.1:1/xy", "lists 0 manifests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Push(context.Background(), dir, tc.repo, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	// Two manifests in index.json is ambiguous.
	for i := 0; i < 2; i++ {
		img, _ := random.Image(8, 1)
		if err := p.AppendImage(img); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Push(context.Background(), dir, "127.0.0.1:1/xy", Options{}); err == nil || !strings.Contains(err.Error(), "lists 2 manifests") {
		t.Errorf("err = %v, want 'lists 2 manifests'", err)
	}
}

// failTransport fails the test if a request gets through.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("request to %s was not refused", r.URL)
	return nil, errors.New("unexpected")
}

type okTransport struct{ hits *int }

func (o okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	*o.hits++
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	for _, u := range []string{"http://10.1.2.3:5000/v2/", "http://registry.example:80/v2/", "http://[fe80::1]:5000/v2/"} {
		req, _ := http.NewRequest("GET", u, nil)
		_, err := (&loopbackOnlyHTTP{base: failTransport{t}}).RoundTrip(req)
		if err == nil || !strings.Contains(err.Error(), "--insecure") {
			t.Errorf("%s: err = %v, want a refusal naming --insecure", u, err)
		}
	}
	hits := 0
	for _, tc := range []struct {
		url      string
		insecure bool
	}{
		{"http://127.0.0.1:5000/v2/", false},
		{"http://localhost:5000/v2/", false},
		{"http://[::1]:5000/v2/", false},
		{"https://10.1.2.3:5000/v2/", false},
		{"http://10.1.2.3:5000/v2/", true},
	} {
		req, _ := http.NewRequest("GET", tc.url, nil)
		if _, err := (&loopbackOnlyHTTP{base: okTransport{&hits}, insecure: tc.insecure}).RoundTrip(req); err != nil {
			t.Errorf("%s (insecure=%v): %v", tc.url, tc.insecure, err)
		}
	}
	if hits != 5 {
		t.Errorf("%d requests went through, want 5", hits)
	}
}
