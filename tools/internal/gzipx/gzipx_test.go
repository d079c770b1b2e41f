package gzipx

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"strings"
	"testing"
)

func hexsum(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }

func TestCompress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input []byte
	}{
		{"empty", nil},
		{"text", []byte("hello, layer\n")},
		{"large", bytes.Repeat([]byte("0123456789abcdef"), 1<<16)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			res, err := Compress(&out, bytes.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			gz := out.Bytes()
			// Fixed header: magic, deflate, no flags, mtime 0, xfl 0, OS 255.
			wantHeader := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
			if !bytes.Equal(gz[:10], wantHeader) {
				t.Errorf("header = % x, want % x", gz[:10], wantHeader)
			}
			if got, want := res.Digest.String(), hexsum(gz); got != want {
				t.Errorf("Digest = %s, want %s", got, want)
			}
			if got, want := res.DiffID.String(), hexsum(tc.input); got != want {
				t.Errorf("DiffID = %s, want %s", got, want)
			}
			if res.Size != int64(len(gz)) || res.UncompressedSize != int64(len(tc.input)) {
				t.Errorf("sizes = %d/%d, want %d/%d", res.Size, res.UncompressedSize, len(gz), len(tc.input))
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				t.Fatal(err)
			}
			back, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(back, tc.input) {
				t.Errorf("round trip differs (err %v)", err)
			}

			var again bytes.Buffer
			if _, err := Compress(&again, bytes.NewReader(tc.input)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), gz) {
				t.Error("second compression differs from the first")
			}

			m, err := Measure(bytes.NewReader(gz))
			if err != nil {
				t.Fatal(err)
			}
			if m != res {
				t.Errorf("Measure = %+v, want %+v", m, res)
			}
		})
	}
}

// TestGolden pins the exact bytes of a small stream: a change in the
// header, the level or the compressor shows here. Short input is stored.
func TestGolden(t *testing.T) {
	var out bytes.Buffer
	if _, err := Compress(&out, strings.NewReader("musl-dynamic\n")); err != nil {
		t.Fatal(err)
	}
	want := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, // header
		0x00, 0x0d, 0x00, 0xf2, 0xff, // stored block of 13 bytes
		'm', 'u', 's', 'l', '-', 'd', 'y', 'n', 'a', 'm', 'i', 'c', '\n',
		0x03, 0x00, // empty final block
		0xdb, 0xba, 0x55, 0xbe, 0x0d, 0, 0, 0} // CRC-32, size
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("bytes = % x\nwant    % x", out.Bytes(), want)
	}
}

func TestMeasureRejectsPlain(t *testing.T) {
	for _, tc := range []struct {
		name, input string
	}{
		{"empty", ""},
		{"tar-like", "usr/\x00\x00\x00\x00 not gzip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Measure(strings.NewReader(tc.input)); err == nil {
				t.Fatal("Measure accepted a stream that is not gzip")
			}
		})
	}
}
