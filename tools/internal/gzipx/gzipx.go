package gzipx

import (
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Level is the fixed level of the deflate encoder (klauspost/compress/flate);
// changing it changes every digest.
const Level = 6

// osUnknown is the header's OS byte; a fixed value keeps the host out of it.
const osUnknown = 255

// Result describes one compressed layer.
type Result struct {
	// DiffID is the sha256 of the uncompressed stream (config rootfs.diff_ids).
	DiffID v1.Hash
	// Digest is the sha256 of the gzip stream (the blob name).
	Digest v1.Hash
	// Size is the length of the gzip stream in bytes.
	Size int64
	// UncompressedSize is the length of the uncompressed stream in bytes.
	UncompressedSize int64
}

// Compress gzips src into dst deterministically and returns the layer's
// digests, compressing blocks on all processors.
func Compress(dst io.Writer, src io.Reader) (Result, error) {
	diff := sha256.New()
	comp := sha256.New()
	out := &countWriter{w: io.MultiWriter(dst, comp)}
	zw := NewWriter(out)
	n, err := io.Copy(io.MultiWriter(zw, diff), src)
	if err != nil {
		return Result{}, fmt.Errorf("compressing: %w", err)
	}
	if err := zw.Close(); err != nil {
		return Result{}, fmt.Errorf("finishing gzip stream: %w", err)
	}
	return Result{
		DiffID:           sum(diff.Sum(nil)),
		Digest:           sum(comp.Sum(nil)),
		Size:             out.n,
		UncompressedSize: n,
	}, nil
}

// Measure reads an existing gzip stream and returns its digests: the digest
// and size of the bytes as given, the diff_id of their decompression. A
// stream that is not gzip is an error.
func Measure(src io.Reader) (Result, error) {
	comp := sha256.New()
	in := &countReader{r: io.TeeReader(src, comp)}
	zr, err := gzip.NewReader(in)
	if err != nil {
		return Result{}, fmt.Errorf("not a gzip stream (pass plain tars uncompressed): %w", err)
	}
	diff := sha256.New()
	n, err := io.Copy(diff, zr)
	if err != nil {
		return Result{}, fmt.Errorf("decompressing: %w", err)
	}
	return Result{
		DiffID:           sum(diff.Sum(nil)),
		Digest:           sum(comp.Sum(nil)),
		Size:             in.n,
		UncompressedSize: n,
	}, nil
}

func sum(b []byte) v1.Hash {
	return v1.Hash{Algorithm: "sha256", Hex: fmt.Sprintf("%x", b)}
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
