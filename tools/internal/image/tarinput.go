package image

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// A tar layer may arrive compressed: rules_pkg's pkg_tar writes .tar.gz,
// .tgz or .tar.bz2 when asked (extension = "tar.gz"), and file names say
// nothing reliable, so the first bytes decide. The layer stored is always
// the uncompressed tar, gzipped here, so its bytes do not depend on the
// compressor that produced the input.

// compression is one format recognised by its magic bytes.
type compression struct {
	name  string
	magic []byte
	// open returns the decompressed stream; nil means the format is
	// recognised only to be refused with a clear message.
	open func(io.Reader) (io.Reader, error)
}

var compressions = []compression{
	{name: "gzip", magic: []byte{0x1f, 0x8b}, open: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
	{name: "bzip2", magic: []byte("BZh"), open: func(r io.Reader) (io.Reader, error) { return bzip2.NewReader(r), nil }},
	{name: "xz", magic: []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}},
	{name: "zstd", magic: []byte{0x28, 0xb5, 0x2f, 0xfd}},
}

// tarInput is an opened tar layer: the uncompressed stream and how it was
// compressed ("" for a plain tar).
type tarInput struct {
	io.Reader
	compression string
	file        *os.File
}

func (t *tarInput) Close() error { return t.file.Close() }

// openTar opens path as a tar layer, plain or compressed, and checks that
// the uncompressed stream starts with a tar header (or the end-of-archive
// block of an empty tar).
func openTar(path string) (*tarInput, error) {
	f, _, err := openRegular(path) // a FIFO would block the open
	if err != nil {
		return nil, fmt.Errorf("opening layer: %w", err)
	}
	t, err := sniffTar(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	t.file = f
	return t, nil
}

// sniffTar recognises r's compression and checks the first tar header.
func sniffTar(r io.Reader) (*tarInput, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(8) // short input: the header check below reports it
	t := &tarInput{Reader: br}
	for _, c := range compressions {
		if !bytes.HasPrefix(head, c.magic) {
			continue
		}
		if c.open == nil {
			return nil, fmt.Errorf("is %s-compressed, which is not read here; give a plain tar or a gzip or bzip2 one (pkg_tar: extension = \"tar\" or \"tar.gz\")", c.name)
		}
		d, err := c.open(br)
		if err != nil {
			return nil, fmt.Errorf("reading its %s stream: %w", c.name, err)
		}
		capped := &capReader{r: d, max: MaxLayerExpand, what: "its " + c.name + " stream"}
		t.Reader, t.compression = bufio.NewReader(capped), c.name
		break
	}
	block, err := t.Reader.(*bufio.Reader).Peek(blockSize)
	if err != nil && len(block) < blockSize {
		if err == io.EOF {
			return nil, t.notTar(fmt.Sprintf("%d bytes, less than one %d-byte tar header", len(block), blockSize))
		}
		return nil, fmt.Errorf("reading %s: %w", t.what(), err)
	}
	if reason := checkHeader(block); reason != "" {
		return nil, t.notTar(reason)
	}
	return t, nil
}

func (t *tarInput) what() string {
	if t.compression == "" {
		return "the tar"
	}
	return "its " + t.compression + " stream"
}

func (t *tarInput) notTar(reason string) error {
	if t.compression == "" {
		return fmt.Errorf("is not a tar archive (%s); tars takes tar files, plain or gzip/bzip2-compressed", reason)
	}
	return fmt.Errorf("holds no tar archive in its %s stream (%s)", t.compression, reason)
}

const blockSize = 512

// checkHeader returns why block is not a tar header, or "" if it is one or
// is all zeros (the end of an empty archive). A header's checksum is the
// sum of its bytes with the checksum field (148..155) counted as spaces;
// every tar format (v7, ustar, GNU, PAX) has it.
func checkHeader(block []byte) string {
	if bytes.Count(block, []byte{0}) == len(block) {
		return ""
	}
	field := strings.TrimRight(strings.TrimLeft(string(block[148:156]), " "), " \x00")
	want, err := strconv.ParseUint(field, 8, 32)
	if err != nil {
		return fmt.Sprintf("its first header has no octal checksum: %q", block[148:156])
	}
	// Old tars summed signed bytes; archive/tar accepts both sums too.
	var unsigned, signed int64
	for i, b := range block {
		if i >= 148 && i < 156 {
			b = ' '
		}
		unsigned += int64(b)
		signed += int64(int8(b))
	}
	if int64(want) != unsigned && int64(want) != signed {
		return fmt.Sprintf("its first header's checksum is %o, the header sums to %o", want, unsigned)
	}
	return ""
}

// OpenTar opens a --tar layer file for reading its uncompressed tar
// stream, whatever the compression the content shows (plain, gzip, bzip2).
func OpenTar(path string) (io.ReadCloser, error) {
	t, err := openTar(path)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", path, err)
	}
	return t, nil
}
