package push

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Options tune Push.
type Options struct {
	// Tags are pushed besides the reference's own tag (or "latest").
	Tags []string
	// Insecure allows plain HTTP (and only that) to any registry.
	Insecure bool
	// Transport is the base HTTP transport; nil means remote.DefaultTransport.
	Transport http.RoundTripper
}

// Result says what was pushed where.
type Result struct {
	// Digest is the digest of the pushed manifest or index.
	Digest v1.Hash
	// Refs are every tag written, fully qualified.
	Refs []string
}

// Push uploads the one manifest or index that dir's index.json lists to
// repository ("HOST[:PORT]/REPO[:TAG]", tag "latest" when absent), and tags
// it with opt.Tags too.
func Push(ctx context.Context, dir, repository string, opt Options) (*Result, error) {
	var nameOpts []name.Option
	if opt.Insecure {
		nameOpts = append(nameOpts, name.Insecure)
	}
	ref, err := name.ParseReference(repository, nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("repository %q: %w; give HOST[:PORT]/REPO[:TAG]", repository, err)
	}
	tag, ok := ref.(name.Tag)
	if !ok {
		return nil, fmt.Errorf("repository %q names a digest; push to a tag (HOST[:PORT]/REPO[:TAG])", repository)
	}
	tags := []name.Tag{tag}
	for _, t := range opt.Tags {
		nt, err := name.NewTag(tag.Context().String()+":"+t, nameOpts...)
		if err != nil {
			return nil, fmt.Errorf("tag %q: %w", t, err)
		}
		tags = append(tags, nt)
	}

	what, err := readLayout(dir)
	if err != nil {
		return nil, err
	}
	base := opt.Transport
	if base == nil {
		base = remote.DefaultTransport
	}
	ropts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(authn.DefaultKeychain),
		remote.WithTransport(&loopbackOnlyHTTP{base: base, insecure: opt.Insecure}),
	}
	res := &Result{Digest: what.digest}
	for i, t := range tags {
		if i == 0 {
			err = what.push(t, ropts...) // uploads blobs, then the manifest(s)
		} else {
			err = remote.Tag(t, what.taggable, ropts...)
		}
		if err != nil {
			return nil, fmt.Errorf("pushing %s to %s: %w", dir, t, err)
		}
		res.Refs = append(res.Refs, t.Name())
	}
	return res, nil
}

// content is the one thing an index.json lists, ready to push.
type content struct {
	digest   v1.Hash
	taggable remote.Taggable
	push     func(name.Reference, ...remote.Option) error
}

func readLayout(dir string) (*content, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the OCI layout %s: %w; pass a directory built by musl_base_image or oci_index", dir, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("reading %s/index.json: %w", dir, err)
	}
	if len(im.Manifests) != 1 {
		return nil, fmt.Errorf("%s/index.json lists %d manifests, want exactly 1 (an image or an image index)", dir, len(im.Manifests))
	}
	d := im.Manifests[0]
	switch {
	case d.MediaType.IsIndex():
		child, err := idx.ImageIndex(d.Digest)
		if err != nil {
			return nil, fmt.Errorf("reading the index %s in %s: %w", d.Digest, dir, err)
		}
		return &content{d.Digest, child, func(r name.Reference, o ...remote.Option) error {
			return remote.WriteIndex(r, child, o...)
		}}, nil
	case d.MediaType.IsImage():
		img, err := idx.Image(d.Digest)
		if err != nil {
			return nil, fmt.Errorf("reading the image %s in %s: %w", d.Digest, dir, err)
		}
		return &content{d.Digest, img, func(r name.Reference, o ...remote.Option) error {
			return remote.Write(r, img, o...)
		}}, nil
	}
	return nil, fmt.Errorf("%s/index.json lists a %q, neither an image nor an index", dir, d.MediaType)
}

// loopbackOnlyHTTP refuses plain-HTTP requests to non-loopback hosts unless
// insecure is set.
type loopbackOnlyHTTP struct {
	base     http.RoundTripper
	insecure bool
}

func (t *loopbackOnlyHTTP) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !t.insecure && !IsLoopback(req.URL.Hostname()) {
		return nil, fmt.Errorf("refusing plain HTTP to %s: only loopback registries are spoken to without TLS; pass --insecure to allow it", req.URL.Host)
	}
	return t.base.RoundTrip(req)
}

// IsLoopback reports whether host (no port) is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
