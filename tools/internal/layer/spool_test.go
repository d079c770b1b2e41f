package layer

import (
	"bytes"
	"crypto/sha1"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// spoolFiles lists the spool files in dir.
func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "layer-spool-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSpool stores contents of the given sizes, reads each back after
// finish and checks where they were kept: in memory up to spoolBufSize,
// in one file (removed by close) beyond it.
func TestSpool(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sizes  []int
		onDisk bool
	}{
		{"nothing", nil, false},
		{"empty files", []int{0, 0}, false},
		{"small files", []int{1, 100, 5000, 70000}, false},
		{"exactly the bound", []int{spoolBufSize}, false},
		{"files filling the bound", []int{spoolBufSize / 2, spoolBufSize / 2}, false},
		{"one byte over, one file", []int{spoolBufSize + 1}, true},
		{"one byte over, two files", []int{spoolBufSize, 1}, true},
		{"straddling", []int{spoolBufSize - 3, 10, 3*spoolBufSize + 7, 0, 5}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			sp, err := newFileSpool(dir)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(int64(len(tc.sizes))))
			var contents [][]byte
			var offs []int64
			for i, n := range tc.sizes {
				b := make([]byte, n)
				rng.Read(b)
				off, sum, err := sp.store(bytes.NewReader(b), int64(n))
				if err != nil {
					t.Fatalf("store %d (%d bytes): %v", i, n, err)
				}
				if sum != sha1.Sum(b) {
					t.Fatalf("store %d: SHA-1 %x, want %x", i, sum, sha1.Sum(b))
				}
				contents, offs = append(contents, b), append(offs, off)
			}
			if err := sp.finish(); err != nil {
				t.Fatal(err)
			}
			if got := len(spoolFiles(t, dir)); got != map[bool]int{false: 0, true: 1}[tc.onDisk] {
				t.Errorf("%d spool files in the temporary directory, want on disk = %v", got, tc.onDisk)
			}
			// Read back out of order, as writeTar does after sorting.
			for i := len(contents) - 1; i >= 0; i-- {
				got, err := io.ReadAll(sp.section(offs[i], int64(len(contents[i]))))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, contents[i]) {
					t.Fatalf("content %d (%d bytes at %d) read back differs", i, len(contents[i]), offs[i])
				}
			}
			if err := sp.close(); err != nil {
				t.Fatal(err)
			}
			if left := spoolFiles(t, dir); len(left) != 0 {
				t.Errorf("close left %v", left)
			}
		})
	}
}

// TestSpoolShort: content shorter or longer than the header says fails
// with errShort, in memory and on disk alike.
func TestSpoolShort(t *testing.T) {
	for _, tc := range []struct {
		name       string
		have, want int
		msg        string
	}{
		{"short, small", 10, 11, "content ends after 10 of the header's 11 bytes"},
		{"long, small", 12, 11, "content is longer than the header's size 11"},
		{"short, large", spoolBufSize + 10, spoolBufSize + 11, "content ends after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, _ := newFileSpool(t.TempDir())
			defer sp.close()
			_, _, err := sp.store(bytes.NewReader(make([]byte, tc.have)), int64(tc.want))
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("store = %v, want an error containing %q", err, tc.msg)
			}
		})
	}
}

// TestSpoolUnwritableDir: a layer that fits in memory needs no temporary
// directory; a larger one fails with a message naming the directory and
// what to do.
func TestSpoolUnwritableDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "gone")
	for _, tc := range []struct {
		name string
		size int
		msg  string
	}{
		{"fits in memory", spoolBufSize, ""},
		{"spills", spoolBufSize + 1, `layer: creating the content spool in "` + missing + `": `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, _ := newFileSpool(missing)
			defer sp.close()
			_, _, err := sp.store(bytes.NewReader(make([]byte, tc.size)), int64(tc.size))
			if err == nil {
				err = sp.finish()
			}
			switch {
			case tc.msg == "" && err != nil:
				t.Fatalf("store = %v, want no error", err)
			case tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg) ||
				!strings.Contains(err.Error(), "set a writable temporary directory")):
				t.Fatalf("store = %v, want an error containing %q and what to do", err, tc.msg)
			}
		})
	}
}

// TestWriteSpills: a layer with more content than spoolBufSize goes
// through the spool file (a missing TempDir fails it), its contents come
// out whole, and the file is gone when Write returns.
func TestWriteSpills(t *testing.T) {
	body := strings.Repeat("0123456789abcdef", (spoolBufSize/16)+1000)
	big := func() []Package { return []Package{pkg(t, "big", "1", reg("a", "x"), reg("big", body), reg("z", "y"))} }
	missing := filepath.Join(t.TempDir(), "gone")
	_, err := Write(io.Discard, big(), Options{TempDir: missing})
	if err == nil || !strings.HasPrefix(err.Error(), `layer: creating the content spool in "`+missing+`": `) ||
		!strings.HasSuffix(err.Error(), "; set a writable temporary directory") {
		t.Fatalf("Write with TempDir %s = %v, want the spool's error alone (not a package's)", missing, err)
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if _, err := Write(&out, big(), Options{TempDir: dir}); err != nil {
		t.Fatal(err)
	}
	if got := fileOf(t, out.Bytes(), "big"); got != body {
		t.Fatalf("/big has %d bytes, want the %d written", len(got), len(body))
	}
	if got := fileOf(t, out.Bytes(), "z"); got != "y" {
		t.Fatalf("/z = %q after the spilled file, want %q", got, "y")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("Write left %d files in its TempDir", len(entries))
	}
}

// BenchmarkWriteSmall is one FuzzWrite-sized layer: a few entries and a
// few bytes of content, which the spool keeps in memory.
func BenchmarkWriteSmall(b *testing.B) {
	data := dataTar(b, []ent{dir("lib/"), reg("lib/a", "a"), symlink("lib/b", "/lib/a"), hardlink("c", "lib/a"), reg("etc/x", "hello")})
	opt := Options{MaxEntries: 1000, TempDir: b.TempDir()}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Write(io.Discard, []Package{pkgOf("f", "1", data)}, opt); err != nil {
			b.Fatal(err)
		}
	}
}
