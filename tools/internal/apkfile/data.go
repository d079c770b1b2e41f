package apkfile

import (
	"archive/tar"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// ChecksumRecord is the PAX record holding a file's hex SHA-1.
const ChecksumRecord = "APK-TOOLS.checksum.SHA1"

// Package is an opened package: its verified control data, and the data
// member as a stream of tar entries. Content read through Next and Read is
// only fully trusted once Next has returned io.EOF, which is when the data
// member's datahash has been checked: treat any error as fatal for
// everything already read.
type Package struct {
	Name     string        // file name, for errors
	Info     *pkginfo.Info // parsed .PKGINFO
	Checksum string        // "Q1" + base64 SHA-1 of the compressed control member
	SignedBy string        // key name whose signature verified; "" if unsigned
	Scripts  []Script      // control member scripts, in file order

	ms        *Members
	data      io.Reader // decompressed data member
	dataHash  hash.Hash // SHA-256 of the compressed data member
	tr        *tar.Reader
	cur       *current
	err       error // sticky: once failed, always failed
	done      bool
	files     int
	yielded   int64 // content bytes the tar reader handed out, against maxExpand
	maxExpand int64
}

// current is the entry Next last returned.
type current struct {
	hdr    *tar.Header
	sum    hash.Hash
	want   string
	remain int64
	// checked is set once the SHA-1 has been compared.
	checked bool
}

// Next returns the next entry of the data member. It first reads what the
// caller left unread of the previous entry, so that entry's checksum is
// still checked. At the end it checks the datahash and that nothing
// follows the data member, then returns io.EOF.
func (p *Package) Next() (*tar.Header, error) {
	if p.err != nil {
		return nil, p.err
	}
	if p.done {
		return nil, io.EOF
	}
	h, err := p.next()
	if err != nil && err != io.EOF {
		p.err = err
	}
	return h, err
}

func (p *Package) next() (*tar.Header, error) {
	if p.tr == nil {
		if p.ms == nil {
			return nil, &Error{File: p.Name, Member: MemberData, Err: errors.New("package is closed or was not opened with Open")}
		}
		p.dataHash = sha256.New()
		rd, err := p.ms.Next(p.dataHash)
		if err != nil {
			return nil, p.dataErr("", fmt.Errorf("missing or damaged: %w", noEOF(err)))
		}
		p.data, p.tr = rd, tar.NewReader(rd)
	}
	if p.cur != nil {
		if _, err := io.Copy(io.Discard, p); err != nil {
			return nil, err
		}
		p.cur = nil
	}
	h, err := p.tr.Next()
	if err == io.EOF {
		return nil, p.finish()
	}
	if err != nil {
		return nil, p.dataErr("", err)
	}
	if err := p.check(h); err != nil {
		return nil, p.dataErr(h.Name, err)
	}
	p.files++
	return h, nil
}

// check validates an entry header and prepares its checksum.
func (p *Package) check(h *tar.Header) error {
	if IsSparse(h) {
		return ErrSparse
	}
	if err := checkName(h.Name, h.Typeflag == tar.TypeDir); err != nil {
		return err
	}
	for _, id := range []struct {
		what string
		n    int
	}{{"uid", h.Uid}, {"gid", h.Gid}} {
		if reason := safename.ID(id.what, int64(id.n)); reason != "" {
			return fmt.Errorf("%s; the package is hostile or damaged", reason)
		}
	}
	want, has := h.PAXRecords[ChecksumRecord]
	switch h.Typeflag {
	case tar.TypeReg:
		if !has {
			return fmt.Errorf("regular file has no %s record, so its content cannot be checked", ChecksumRecord)
		}
		p.cur = &current{hdr: h, sum: sha1.New(), want: want, remain: h.Size}
		if h.Size == 0 {
			p.cur.checked = true
			return p.cur.verify()
		}
	case tar.TypeSymlink:
		// abuild records the SHA-1 of the target; older packages may not.
		if has {
			sum := sha1.Sum([]byte(h.Linkname))
			if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, want) {
				return &ChecksumError{Entry: h.Name, Want: want, Got: got}
			}
		}
	case tar.TypeLink:
		if err := checkName(h.Linkname, false); err != nil {
			return fmt.Errorf("hardlink target: %w", err)
		}
	case tar.TypeDir:
	default:
		return fmt.Errorf("unsupported entry type %q (packages hold files, directories and links)", h.Typeflag)
	}
	return nil
}

func (c *current) verify() error {
	if got := hex.EncodeToString(c.sum.Sum(nil)); !strings.EqualFold(got, c.want) {
		return &ChecksumError{Entry: c.hdr.Name, Want: c.want, Got: got}
	}
	return nil
}

// finish is reached at the tar end: drain the member, check datahash, and
// insist on the end of the file.
func (p *Package) finish() error {
	if _, err := io.Copy(io.Discard, p.data); err != nil {
		return p.dataErr("", err)
	}
	eof, err := p.ms.AtEOF()
	if err != nil {
		return p.dataErr("", err)
	}
	if !eof {
		return p.dataErr("", ErrTrailingData)
	}
	if got := hex.EncodeToString(p.dataHash.Sum(nil)); !strings.EqualFold(got, p.Info.DataHash) {
		return p.dataErr("", &ChecksumError{Want: p.Info.DataHash, Got: got})
	}
	p.done = true
	// Release the decompressor and buffers: a caller may keep many
	// finished packages for their Info and Scripts.
	p.ms, p.tr, p.data, p.dataHash = nil, nil, nil, nil
	return io.EOF
}

// Read reads the content of the entry Next last returned; when the last
// byte has been read it checks the entry's SHA-1.
func (p *Package) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	c := p.cur
	if c == nil || c.remain == 0 {
		return 0, io.EOF
	}
	n, err := p.tr.Read(b)
	c.sum.Write(b[:n])
	c.remain -= int64(n)
	// Count what the tar reader yields, not only what gzip inflates: the
	// two differ whenever the tar layer makes bytes up.
	if p.yielded += int64(n); p.yielded > p.maxExpand {
		p.err = p.dataErr(c.hdr.Name, &ExpandError{Limit: p.maxExpand})
		return 0, p.err
	}
	if err == io.EOF && c.remain > 0 {
		err = io.ErrUnexpectedEOF
	}
	if (err == nil || err == io.EOF) && c.remain == 0 && !c.checked {
		c.checked = true
		if verr := c.verify(); verr != nil {
			err = verr
		}
	}
	if err != nil && err != io.EOF {
		p.err = p.dataErr(c.hdr.Name, err)
		return n, p.err
	}
	return n, err
}

// Close releases the package; later calls to Next fail.
func (p *Package) Close() error {
	p.ms, p.tr, p.cur, p.data = nil, nil, nil, nil
	if p.err == nil && !p.done {
		p.err = &Error{File: p.Name, Member: MemberData, Err: errors.New("package is closed")}
	}
	return nil
}

func (p *Package) dataErr(entry string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{File: p.Name, Member: MemberData, Entry: entry, Err: err}
}

// checkName accepts only relative, canonical names without "..": what
// abuild writes, and nothing that could land outside the root.
func checkName(name string, dir bool) error {
	n := name
	if dir {
		n = strings.TrimSuffix(n, "/")
	}
	switch {
	case n == "":
		return &NameError{Name: name, Reason: "empty"}
	case strings.HasPrefix(n, "/"):
		return &NameError{Name: name, Reason: "absolute"}
	case strings.ContainsRune(n, 0):
		return &NameError{Name: name, Reason: "contains a NUL byte"}
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return &NameError{Name: name, Reason: "contains a \"..\" component"}
		}
	}
	if path.Clean(n) != n || n == "." {
		return &NameError{Name: name, Reason: "not in canonical form (\".\", \"//\" or a trailing \"/\" on a non-directory)"}
	}
	if reason := safename.Path(n); reason != "" {
		return &NameError{Name: name, Reason: reason}
	}
	return nil
}

// Summary is what Verify reports about a fully checked package.
type Summary struct {
	Info     *pkginfo.Info
	Checksum string // Q1 checksum
	SignedBy string
	Files    int // entries of the data member, directories included
}

// Verify reads the package at path in full: signature, control, every
// file's checksum and the datahash.
func Verify(path string, kr *keyring.Keyring, opt Options) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening package: %w", err)
	}
	defer f.Close()
	p, err := Open(f, path, kr, opt)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	for {
		if _, err := p.Next(); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
	}
	return &Summary{Info: p.Info, Checksum: p.Checksum, SignedBy: p.SignedBy, Files: p.files}, nil
}
