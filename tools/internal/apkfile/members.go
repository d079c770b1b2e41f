package apkfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/klauspost/compress/gzip"
	"io"
)

// DefaultMaxExpand is the decompressed size cap used when Options.MaxExpand
// is 0: 2 GiB per package (or index), far above any Alpine package, low
// enough to stop a gzip bomb before it fills the disk or memory.
const DefaultMaxExpand int64 = 2 << 30

// ExpandError means a file decompresses to more than the cap allows.
type ExpandError struct {
	Limit int64
}

func (e *ExpandError) Error() string {
	return fmt.Sprintf("expands past %d bytes (gzip bomb or damaged file; raise MaxExpand only if the file is trusted)", e.Limit)
}

// ErrTrailingData means bytes follow the last member a format allows.
var ErrTrailingData = errors.New("trailing data after the last gzip member")

// countingReader hands the gzip decompressor one byte at a time when it
// asks for one (it implements io.ByteReader, so compress/flate adds no
// read-ahead buffer of its own) and copies every consumed byte to w. That
// makes the bytes fed to w exactly the compressed bytes of one member,
// gzip header through trailer, which is what apk signs and hashes. Bytes
// taken one at a time are collected in pend and handed to w in blocks:
// writing each to the hashes alone cost more than decompressing.
type countingReader struct {
	r    *bufio.Reader
	n    int64
	w    io.Writer
	pend [512]byte
	np   int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		if c.w != nil {
			c.flush()
			c.w.Write(p[:n])
		}
	}
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
		if c.w != nil {
			if c.np == len(c.pend) {
				c.flush()
			}
			c.pend[c.np] = b
			c.np++
		}
	}
	return b, err
}

// flush hands the pending single bytes to w.
func (c *countingReader) flush() {
	if c.np > 0 {
		c.w.Write(c.pend[:c.np])
		c.np = 0
	}
}

// Members reads the gzip members of an .apk or APKINDEX.tar.gz one after
// another. The files have no length prefix, so a member's end is where its
// deflate stream and trailer end.
type Members struct {
	cr        countingReader
	z         *gzip.Reader
	cur       *memberReader
	expanded  int64
	maxExpand int64
	index     int
}

// NewMembers reads members from r; maxExpand caps the decompressed bytes of
// all members together (0 = DefaultMaxExpand).
func NewMembers(r io.Reader, maxExpand int64) *Members {
	if maxExpand <= 0 {
		maxExpand = DefaultMaxExpand
	}
	return &Members{cr: countingReader{r: bufio.NewReader(r)}, maxExpand: maxExpand}
}

// Next finishes the current member (its remaining content is decompressed
// and discarded, so its compressed bytes are all hashed) and starts the
// next one, sending its compressed bytes to hash (may be nil). It returns
// the member's decompressed content, or io.EOF when the input is at its end.
func (m *Members) Next(hash io.Writer) (io.Reader, error) {
	if err := m.finish(); err != nil {
		return nil, err
	}
	if _, err := m.cr.r.Peek(1); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("gzip member %d: %w", m.index, err)
	}
	if m.cr.w != nil {
		m.cr.flush()
	}
	m.cr.w = hash
	start := m.cr.n
	var err error
	if m.z == nil {
		m.z, err = gzip.NewReader(&m.cr)
	} else {
		err = m.z.Reset(&m.cr)
	}
	if err != nil {
		return nil, fmt.Errorf("gzip member %d at offset %d: bad gzip header: %w", m.index, start, noEOF(err))
	}
	m.z.Multistream(false)
	m.cur = &memberReader{m: m}
	m.index++
	return m.cur, nil
}

// Offset is the number of compressed bytes consumed so far: after a member
// has been read to its end, the offset of the next member.
func (m *Members) Offset() int64 { return m.cr.n }

// AtEOF finishes the current member and reports whether nothing follows it.
func (m *Members) AtEOF() (bool, error) {
	if err := m.finish(); err != nil {
		return false, err
	}
	_, err := m.cr.r.Peek(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

func (m *Members) finish() error {
	if m.cur == nil || m.cur.done {
		return nil
	}
	if _, err := io.Copy(io.Discard, m.cur); err != nil {
		return err
	}
	return nil
}

// memberReader is the decompressed content of one member; it enforces the
// expansion cap and turns a member that ends early into ErrUnexpectedEOF.
type memberReader struct {
	m    *Members
	done bool
	err  error
}

func (r *memberReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.done {
		return 0, io.EOF
	}
	m := r.m
	if room := m.maxExpand - m.expanded; room < int64(len(p)) {
		// Asking for one byte past the cap tells a member that ends
		// exactly at the cap from one that goes on.
		p = p[:room+1]
	}
	n, err := m.z.Read(p)
	m.expanded += int64(n)
	if m.expanded > m.maxExpand {
		r.err = &ExpandError{Limit: m.maxExpand}
		return 0, r.err
	}
	if err == io.EOF {
		r.done = true
		if m.cr.w != nil {
			m.cr.flush() // the trailer is read with Read, but be sure
		}
		return n, io.EOF
	}
	if err != nil {
		r.err = fmt.Errorf("gzip member %d: %w", m.index-1, noEOF(err))
		return n, r.err
	}
	return n, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Member is one gzip member split off by SplitMembers.
type Member struct {
	Offset     int64  // offset of the member's first compressed byte
	Compressed []byte // the member, gzip header through trailer
	Content    []byte // its decompressed content
}

// SplitMembers splits data into its gzip members, decompressing each one
// in full (at most maxExpand bytes in all, 0 = DefaultMaxExpand). It is for
// small files and tests; Open streams instead.
func SplitMembers(data []byte, maxExpand int64) ([]Member, error) {
	ms := NewMembers(bytes.NewReader(data), maxExpand)
	var out []Member
	for {
		off := ms.Offset()
		var comp bytes.Buffer
		rd, err := ms.Next(&comp)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		content, err := io.ReadAll(rd)
		if err != nil {
			return nil, err
		}
		out = append(out, Member{Offset: off, Compressed: comp.Bytes(), Content: content})
	}
}
