package gzipx

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os/exec"
	"testing"
)

// compressWith compresses in with the given worker count, feeding it in
// writes of chunk bytes (all at once when chunk is 0).
func compressWith(t testing.TB, in []byte, workers, chunk int) []byte {
	t.Helper()
	var out bytes.Buffer
	z := NewWriterOptions(&out, Options{Workers: workers})
	if chunk == 0 {
		chunk = len(in) + 1
	}
	for p := in; len(p) > 0; {
		k := chunk
		if k > len(p) {
			k = len(p)
		}
		if _, err := z.Write(p[:k]); err != nil {
			t.Fatal(err)
		}
		p = p[k:]
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestParallelGolden pins the stream of a multi-block input: the bytes must
// not change with the worker count, the write sizes or the Go version.
func TestParallelGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int
		want string
	}{
		{"empty", 0, "sha256:ac73670af3abed54ac6fb4695131f4099be9fbe39d6076c5d0264a6bbdae9d83"},
		{"one block", BlockSize, "sha256:9a4923e65a39c9eb6c2427839d2a6b7585cf599c9cbf14cecd17455a27fcc04a"},
		{"one block and a byte", BlockSize + 1, "sha256:8ba71f4a12f2ebbc1f649cebf7203a2e52c37fd915f45d6d8c730cc1251ac926"},
		{"three and a half blocks", 3*BlockSize + BlockSize/2, "sha256:7975ee0969eb505465f3cd2542591f6a8ca9ee955e0fd86b9dfb79446995ef8e"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := testInput(tc.size)
			ref := compressWith(t, in, 1, 0)
			if got := hexsum(ref); got != tc.want {
				t.Errorf("digest = %s, want %s", got, tc.want)
			}
			for _, v := range []struct{ workers, chunk int }{{2, 0}, {3, 1000}, {8, 4096}, {16, BlockSize - 1}, {2, 3*BlockSize + 7}} {
				if got := compressWith(t, in, v.workers, v.chunk); !bytes.Equal(got, ref) {
					t.Errorf("workers %d, writes of %d bytes: %s, want %s", v.workers, v.chunk, hexsum(got), hexsum(ref))
				}
			}
			zr, err := gzip.NewReader(bytes.NewReader(ref))
			if err != nil {
				t.Fatal(err)
			}
			back, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(back, in) {
				t.Fatalf("stdlib round trip differs (err %v, %d of %d bytes)", err, len(back), len(in))
			}
		})
	}
}

// TestGzipCommand checks that GNU gzip accepts the stream: it verifies the
// trailer's CRC-32 and size, which the stdlib reader also does, but it is
// the tool users reach for.
func TestGzipCommand(t *testing.T) {
	gz, err := exec.LookPath("gzip")
	if err != nil {
		t.Skip("gzip is not installed")
	}
	in := testInput(2*BlockSize + 12345)
	cmd := exec.Command(gz, "-d", "-c")
	cmd.Stdin = bytes.NewReader(compressWith(t, in, 0, 0))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gzip -d: %v: %s", err, stderr.String())
	}
	if !bytes.Equal(out, in) {
		t.Fatalf("gzip -d gave %d bytes that differ from the %d input bytes", len(out), len(in))
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, fmt.Errorf("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	z := NewWriterOptions(&failWriter{n: 100}, Options{Workers: 2})
	in := testInput(8 * BlockSize)
	_, werr := z.Write(in)
	cerr := z.Close()
	if werr == nil && cerr == nil {
		t.Fatal("no error from a failing destination")
	}
	if _, err := z.Write([]byte("x")); err == nil {
		t.Error("Write after a failure succeeded")
	}
}

func BenchmarkCompress(b *testing.B) {
	in := testInput(16 * BlockSize)
	for _, workers := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for i := 0; i < b.N; i++ {
				z := NewWriterOptions(io.Discard, Options{Workers: workers})
				if _, err := z.Write(in); err != nil {
					b.Fatal(err)
				}
				if err := z.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
