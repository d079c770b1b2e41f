package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
)

// maxSample bounds the in-memory sample of the layer tar.
const maxSample = 256 << 20

// benchCompress compares encoders on the same bytes: the start of the layer
// tar the layer benchmark wrote. It is the evidence for gzipx's choice of
// encoder (see the package documentation).
func benchCompress(e *env, r *report) error {
	f, err := os.Open(filepath.Join(e.work, "layer.tar.gz"))
	if err != nil {
		return fmt.Errorf("run the layer benchmark first: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	sample, err := io.ReadAll(io.LimitReader(zr, maxSample))
	if err != nil {
		return err
	}
	in := filepath.Join(e.work, "sample.tar")
	if err := os.WriteFile(in, sample, 0o644); err != nil {
		return err
	}
	defer os.Remove(in)
	encoders := []struct {
		name string
		run  func() (int64, error)
	}{
		{"gzipx (klauspost/compress flate 6, all cores)", func() (int64, error) {
			return goCompress(sample, func(w io.Writer) io.WriteCloser { return gzipx.NewWriter(w) })
		}},
		{"gzipx, 1 worker", func() (int64, error) {
			return goCompress(sample, func(w io.Writer) io.WriteCloser { return gzipx.NewWriterOptions(w, gzipx.Options{Workers: 1}) })
		}},
		{"compress/gzip 6 (standard library, 1 core)", func() (int64, error) {
			return goCompress(sample, func(w io.Writer) io.WriteCloser { z, _ := gzip.NewWriterLevel(w, 6); return z })
		}},
		{"gzip -6", func() (int64, error) {
			out, err := exec.Command("gzip", "-6", "-c", in).Output()
			return int64(len(out)), err
		}},
	}
	var rows [][]string
	var ref int64
	for _, enc := range encoders {
		var ts []float64
		var size int64
		for i := 0; i < e.runs; i++ {
			start := time.Now()
			n, err := enc.run()
			if err != nil {
				return fmt.Errorf("%s: %w", enc.name, err)
			}
			ts = append(ts, since(start))
			size = n
		}
		if enc.name == "gzip -6" {
			ref = size
		}
		s := summarize(ts)
		rows = append(rows, []string{enc.name, s.seconds(), rate(int64(len(sample)), s), fmt.Sprint(size)})
	}
	for i := range rows {
		var n int64
		fmt.Sscan(rows[i][3], &n)
		rows[i] = append(rows[i], fmt.Sprintf("%+.2f%%", 100*(float64(n)/float64(ref)-1)))
	}
	r.printf("## Compressors\n\n")
	r.printf("The first %d bytes of the layer tar above, in memory (gzip -6 reads a file), compressed by each "+
		"encoder; size against gzip -6.\n\n", len(sample))
	r.table([]string{"encoder", "time", "throughput", "bytes", "vs gzip -6"}, rows)
	return nil
}

func goCompress(in []byte, newWriter func(io.Writer) io.WriteCloser) (int64, error) {
	var n countWriter
	z := newWriter(&n)
	if _, err := io.Copy(z, bytes.NewReader(in)); err != nil {
		return 0, err
	}
	if err := z.Close(); err != nil {
		return 0, err
	}
	return n.n, nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
