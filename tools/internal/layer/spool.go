package layer

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"io"
	"os"
)

// copyBufSize is the buffer for moving file contents: large enough that
// big files cost few system calls.
const copyBufSize = 1 << 20

// spoolBufSize bounds the contents the spool holds in memory. It is the
// write buffer the spool file always had, so a layer whose contents fit in
// it never touches the disk, and a larger one holds no more in memory than
// before the file existed.
const spoolBufSize = copyBufSize

// storeBufSize is the most store's copy buffer grows to.
const storeBufSize = 256 << 10

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

// fileSpool appends contents to a buffer of at most spoolBufSize bytes and
// creates its temporary file only when that buffer first fills; from then
// on the buffer is the file's write buffer. Small layers (and every run of
// the fuzz targets) so stay in memory, without a file to create and remove,
// while memory stays bounded for any size: the reason contents are spooled
// at all (doc.go, "Resources and failure").
type fileSpool struct {
	dir string
	f   *os.File // nil while everything stored is in buf
	buf []byte   // contents not yet in f; grows up to spoolBufSize
	off int64    // bytes stored so far
	cp  []byte   // store's copy buffer; grows up to storeBufSize
}

func newFileSpool(dir string) (*fileSpool, error) {
	return &fileSpool{dir: dir}, nil
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
	need := size + 1
	if need < 1 {
		need = 1
	}
	s.cp = grow(s.cp[:0], need, storeBufSize)
	s.cp = s.cp[:cap(s.cp)]
	n, err := io.CopyBuffer(io.MultiWriter(s, h), io.LimitReader(r, size+1), s.cp)
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

// Write appends p to the buffer, writing the buffer to the file (created
// on the first such write) whenever it is full.
func (s *fileSpool) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if len(s.buf) == spoolBufSize {
			if err := s.flush(); err != nil {
				return written, err
			}
		}
		k := spoolBufSize - len(s.buf)
		if k > len(p) {
			k = len(p)
		}
		s.buf = grow(s.buf, int64(len(s.buf)+k), spoolBufSize)
		s.buf = append(s.buf, p[:k]...)
		p = p[k:]
		written += k
	}
	return written, nil
}

// spoolError is a failure of the spool's own file, which store reports
// in the middle of copying a package's file: the caller passes it on as it
// is, since the package is not at fault.
type spoolError struct{ err error }

func (e *spoolError) Error() string { return e.err.Error() }
func (e *spoolError) Unwrap() error { return e.err }

// flush writes the buffer to the file, creating the file first if needed.
func (s *fileSpool) flush() error {
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "layer-spool-*")
		if err != nil {
			return &spoolError{fmt.Errorf("layer: creating the content spool in %q: %w; set a writable temporary directory", s.dir, err)}
		}
		s.f = f
	}
	if _, err := s.f.Write(s.buf); err != nil {
		return &spoolError{fmt.Errorf("layer: writing the content spool %s: %w; free space in the temporary directory", s.f.Name(), err)}
	}
	s.buf = s.buf[:0]
	return nil
}

func (s *fileSpool) finish() error {
	s.cp = nil
	if s.f == nil {
		return nil // everything is in buf, which section reads
	}
	if len(s.buf) > 0 {
		if err := s.flush(); err != nil {
			return err
		}
	}
	s.buf = nil
	return nil
}

func (s *fileSpool) section(off, size int64) io.Reader {
	if s.f == nil {
		return io.NewSectionReader(bytes.NewReader(s.buf), off, size)
	}
	return io.NewSectionReader(s.f, off, size)
}

func (s *fileSpool) close() error {
	s.buf, s.cp = nil, nil
	if s.f == nil {
		return nil
	}
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

// grow returns b with room for need bytes (len(b) kept), at most limit:
// capacity doubles from 4 KiB, so small inputs allocate little and large
// ones reach limit in a few steps.
func grow(b []byte, need, limit int64) []byte {
	if need > limit {
		need = limit
	}
	if int64(cap(b)) >= need {
		return b[:len(b):cap(b)]
	}
	c := int64(cap(b)) * 2
	if c < 4<<10 {
		c = 4 << 10
	}
	for c < need {
		c *= 2
	}
	if c > limit {
		c = limit
	}
	nb := make([]byte, len(b), c)
	copy(nb, b)
	return nb
}
