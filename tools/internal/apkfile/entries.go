package apkfile

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrSparse is a tar entry with a GNU sparse header (type 'S' or PAX
// GNU.sparse.* records). archive/tar expands its holes into zeros: a few
// header bytes can stand for 2^63 bytes, beyond any gzip expansion cap.
// apk packages and indexes never hold sparse files, so every reader
// refuses them before reading any content.
var ErrSparse = errors.New("sparse file (GNU sparse header): its holes would expand without bound from a few header bytes; apk files never hold sparse entries, so the file is hostile or damaged")

// IsSparse reports whether h is a GNU sparse entry in any of its forms.
func IsSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// MemberSizeError is a member held in memory (the signature or control
// member) that decompresses to more than its cap.
type MemberSizeError struct {
	Member string
	Limit  int64
}

func (e *MemberSizeError) Error() string {
	return fmt.Sprintf("the %s member expands past %d bytes, far more than any real one: the file is damaged or hostile", e.Member, e.Limit)
}

// capReader bounds a whole member, not one entry: the control member's
// scripts together, however many entries they are split into.
type capReader struct {
	r    io.Reader
	left int64
	err  *MemberSizeError
}

// CapMember returns r, failing with *MemberSizeError once more than limit
// bytes were read: for members that are read into memory whole.
func CapMember(r io.Reader, member string, limit int64) io.Reader {
	return newCapReader(r, member, limit)
}

func newCapReader(r io.Reader, member string, limit int64) *capReader {
	return &capReader{r: r, left: limit, err: &MemberSizeError{Member: member, Limit: limit}}
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, c.err
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1] // one byte past the cap tells "at the cap" from "past it"
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, c.err
	}
	return n, err
}

// retarget makes c the cap of another member with another limit, counting
// what was already read.
func (c *capReader) retarget(member string, limit int64) {
	c.left += limit - c.err.Limit
	c.err = &MemberSizeError{Member: member, Limit: limit}
}
