package layer

import (
	"bufio"
	"crypto/sha1"
	"fmt"
	"io"
	"os"
)

// copyBufSize is the buffer for moving file contents: large enough that
// big files cost few system calls.
const copyBufSize = 1 << 20

// spool keeps file contents out of memory until the sorted tar is written.
// It is an interface so that a later streaming merge can replace it.
type spool interface {
	// store copies exactly size bytes of r and returns where they are kept
	// and their SHA-1.
	store(r io.Reader, size int64) (off int64, sum [sha1.Size]byte, err error)
	// finish makes everything stored readable; store must not follow.
	finish() error
	// section returns the bytes at off.
	section(off, size int64) io.Reader
	// close releases the spool.
	close() error
}

// fileSpool appends contents to one temporary file.
type fileSpool struct {
	f   *os.File
	w   *bufio.Writer
	off int64
	buf []byte
}

func newFileSpool(dir string) (*fileSpool, error) {
	f, err := os.CreateTemp(dir, "layer-spool-*")
	if err != nil {
		return nil, fmt.Errorf("layer: creating the content spool in %q: %w; set a writable temporary directory", dir, err)
	}
	return &fileSpool{f: f, w: bufio.NewWriterSize(f, copyBufSize), buf: make([]byte, 256<<10)}, nil
}

// errShort marks content that ended before the header's size: the tar is
// truncated. Callers add the package and path.
type errShort struct{ got, want int64 }

func (e *errShort) Error() string {
	if e.got > e.want {
		return fmt.Sprintf("content is longer than the header's size %d", e.want)
	}
	return fmt.Sprintf("content ends after %d of the header's %d bytes", e.got, e.want)
}

func (s *fileSpool) store(r io.Reader, size int64) (int64, [sha1.Size]byte, error) {
	var sum [sha1.Size]byte
	h := sha1.New()
	// Ask for one byte more than the size so that the reader reports the end
	// of the entry, which is where apkfile checks the content's SHA-1.
	n, err := io.CopyBuffer(io.MultiWriter(s.w, h), io.LimitReader(r, size+1), s.buf)
	off := s.off
	s.off += n
	if err != nil {
		return 0, sum, err
	}
	if n != size {
		return 0, sum, &errShort{got: n, want: size}
	}
	copy(sum[:], h.Sum(nil))
	return off, sum, nil
}

func (s *fileSpool) finish() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("layer: writing the content spool %s: %w; free space in the temporary directory", s.f.Name(), err)
	}
	return nil
}

func (s *fileSpool) section(off, size int64) io.Reader {
	return io.NewSectionReader(s.f, off, size)
}

func (s *fileSpool) close() error {
	name := s.f.Name()
	cerr := s.f.Close()
	rerr := os.Remove(name)
	if cerr != nil {
		return fmt.Errorf("layer: closing the content spool %s: %w", name, cerr)
	}
	if rerr != nil {
		return fmt.Errorf("layer: removing the content spool %s: %w; delete it by hand", name, rerr)
	}
	return nil
}
