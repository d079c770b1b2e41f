package image

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// A layout given as a base or merged into an index comes from outside:
// another rule set, a pulled image, a hand-made directory. Its JSON and
// blobs are checked against their descriptors before anything else reads
// them, and nothing is read that is not a regular file of a bounded size.

// MaxJSONBlob bounds index.json, an image index, a manifest and a config.
// Real ones are a few KB; a config with a long history is well under 1 MB.
const MaxJSONBlob = 4 << 20

// MaxBaseLayers bounds the layers of a layout that is read: each is
// verified and may be decompressed, and a manifest of a few MB could list
// one large blob thousands of times. Docker builds stop at 127 layers.
const MaxBaseLayers = 256

// MaxLayerExpand bounds the uncompressed bytes read from one layer (a base
// image's layer, a tars file): far above a real layer, low enough that a
// gzip or bzip2 bomb stops early. A variable so tests can lower it.
var MaxLayerExpand int64 = 16 << 30

// checkDescriptor refuses a descriptor without a usable digest or with a
// negative size. v1.Hash parsing already limits a present digest to
// sha256 and 64 hex digits (so blob paths cannot climb out of blobs/);
// a missing one parses as the zero Hash.
func checkDescriptor(d v1.Descriptor) error {
	if d.Digest.Algorithm != "sha256" || len(d.Digest.Hex) != 64 {
		return fmt.Errorf("a descriptor has no sha256 digest (%q); the layout is damaged or hostile, rebuild it", d.Digest.String())
	}
	if d.Size < 0 {
		return fmt.Errorf("blob %s: its descriptor's size %d is negative; the layout is damaged or hostile, rebuild it", d.Digest, d.Size)
	}
	return nil
}

// openRegular opens path (following symlinks: Bazel hands inputs over as
// symlinks) only if it is a regular file, so that a FIFO cannot block the
// open and a device cannot feed endless bytes. It returns the file's size.
func openRegular(path string) (*os.File, int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s is not a regular file (%s)", path, fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s is not a regular file", path)
	}
	return f, fi.Size(), nil
}

// readSmallFile reads a regular file of at most max bytes.
func readSmallFile(path string, max int64) ([]byte, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > max {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d a JSON file of a layout may have", path, size, max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s grew past %d bytes while it was read", path, max)
	}
	return b, nil
}

// readBlob reads a small blob (index, manifest, config) and checks its
// size and digest. The descriptor's size is checked before any byte is
// read, so a lying size costs nothing.
func readBlob(layout string, d v1.Descriptor) ([]byte, error) {
	if err := checkDescriptor(d); err != nil {
		return nil, err
	}
	if d.Size > MaxJSONBlob {
		return nil, fmt.Errorf("blob %s: its descriptor says %d bytes, more than the %d a manifest, index or config may have; the layout is damaged or hostile", d.Digest, d.Size, MaxJSONBlob)
	}
	b, err := readSmallFile(blobPath(layout, d.Digest), MaxJSONBlob)
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", d.Digest, err)
	}
	if int64(len(b)) != d.Size {
		return nil, fmt.Errorf("blob %s is %d bytes, its descriptor says %d; the layout is damaged, rebuild it", d.Digest, len(b), d.Size)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != d.Digest.Hex {
		return nil, fmt.Errorf("blob %s does not match its digest; the layout is damaged, rebuild it", d.Digest)
	}
	return b, nil
}

// verifyBlob checks a layer blob of a layout against its descriptor:
// a regular file of the descriptor's size whose sha256 is its digest.
// Only then may it be linked into an output or decompressed.
func verifyBlob(layout string, d v1.Descriptor) error {
	if err := checkDescriptor(d); err != nil {
		return err
	}
	f, size, err := openRegular(blobPath(layout, d.Digest))
	if err != nil {
		return fmt.Errorf("blob %s: %w", d.Digest, err)
	}
	defer f.Close()
	if size != d.Size {
		return fmt.Errorf("blob %s is %d bytes, its descriptor says %d; the layout is damaged, rebuild it", d.Digest, size, d.Size)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, size)); err != nil {
		return fmt.Errorf("blob %s: %w", d.Digest, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != d.Digest.Hex {
		return fmt.Errorf("blob %s does not match its digest; the layout is damaged or hostile, rebuild it", d.Digest)
	}
	return nil
}

// capReader fails once more than max bytes have come through: the
// decompressed side of a layer.
type capReader struct {
	r    io.Reader
	n    int64
	max  int64
	what string
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, fmt.Errorf("%s expands past %d bytes (a compression bomb, or a layer too large to read here)", c.what, c.max)
	}
	return n, err
}
