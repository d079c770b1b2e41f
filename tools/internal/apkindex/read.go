package apkindex

import (
	"archive/tar"
	"fmt"
	"io"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
)

// MaxExpand caps the decompressed size of an index. Alpine's largest
// (community) is a few tens of MiB.
const MaxExpand int64 = 512 << 20

// maxPrealloc caps the buffer reserved from the APKINDEX entry's declared
// size; a larger index grows it as it is read.
const maxPrealloc = 32 << 20

func clamp(n, lo, hi int64) int64 {
	if n < lo {
		return lo
	}
	if n > hi {
		return hi
	}
	return n
}

// maxDescription bounds the DESCRIPTION entry, normally one short line.
const maxDescription = 64 << 10

// Index is a verified APKINDEX.tar.gz.
type Index struct {
	Description string   // DESCRIPTION, e.g. "v3.20.0-123-gabcdef"
	Records     []Record // in index order
	SignedBy    string   // key name whose signature verified
}

// Read verifies and parses an APKINDEX.tar.gz: member 0 must be a
// signature by a key of kr over the compressed bytes of member 1, a tar
// holding DESCRIPTION and APKINDEX; nothing may follow it. name is used in
// errors. Signature failures unwrap to keyring's *UntrustedError,
// *BadSignatureError or ErrUnsigned.
func Read(r io.Reader, name string, kr *keyring.Keyring) (*Index, error) {
	idx, err := read(r, kr)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	return idx, nil
}

func read(r io.Reader, kr *keyring.Keyring) (*Index, error) {
	ms := apkfile.NewMembers(r, MaxExpand)
	rd, err := ms.Next(nil)
	if err == io.EOF {
		return nil, fmt.Errorf("empty file: not an APKINDEX.tar.gz")
	}
	if err != nil {
		return nil, fmt.Errorf("signature member: %w", err)
	}
	sigs, err := readSignatures(tar.NewReader(rd))
	if err != nil {
		return nil, fmt.Errorf("signature member: %w", err)
	}

	digests := keyring.NewDigester()
	rd, err = ms.Next(digests)
	if err == io.EOF {
		return nil, fmt.Errorf("index member: missing after the signature")
	}
	if err != nil {
		return nil, fmt.Errorf("index member: %w", err)
	}
	// Verify before parsing: the whole member must be read for its digest
	// anyway, so collect DESCRIPTION and APKINDEX text first.
	idx := &Index{}
	var text strings.Builder
	haveText := false
	tr := tar.NewReader(rd)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("index member: %w", err)
		}
		switch h.Name {
		case "DESCRIPTION":
			b, err := io.ReadAll(io.LimitReader(tr, maxDescription))
			if err != nil {
				return nil, fmt.Errorf("index member: DESCRIPTION: %w", err)
			}
			idx.Description = strings.TrimSpace(string(b))
		case "APKINDEX":
			// One buffer that the records then share (ParseText); the
			// tar header's size is only a hint, capped so that a lying
			// header cannot reserve memory before the signature is checked.
			text.Reset()
			text.Grow(int(clamp(h.Size, 0, maxPrealloc)))
			if _, err = io.Copy(&text, tr); err != nil {
				return nil, fmt.Errorf("index member: APKINDEX: %w", err)
			}
			haveText = true
		}
	}
	eof, err := ms.AtEOF()
	if err != nil {
		return nil, fmt.Errorf("index member: %w", err)
	}
	if !eof {
		return nil, fmt.Errorf("index member: %w", apkfile.ErrTrailingData)
	}
	if idx.SignedBy, err = kr.Verify(sigs, digests.Sum()); err != nil {
		return nil, fmt.Errorf("signature member: %w", err)
	}
	if !haveText {
		return nil, fmt.Errorf("index member has no APKINDEX entry")
	}
	if idx.Records, err = ParseText(text.String()); err != nil {
		return nil, err
	}
	return idx, nil
}

// readSignatures collects the .SIGN.* entries of member 0. A first member
// without them is an unsigned index, which is refused.
func readSignatures(tr *tar.Reader) ([]keyring.Signature, error) {
	var sigs []keyring.Signature
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(h.Name, ".SIGN.") {
			return nil, fmt.Errorf("entry %q where a .SIGN.* signature was expected: %w", h.Name, keyring.ErrUnsigned)
		}
		b, err := io.ReadAll(io.LimitReader(tr, 64<<10))
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", h.Name, err)
		}
		if alg, key, ok := keyring.ParseSignatureName(h.Name); ok {
			sigs = append(sigs, keyring.Signature{Alg: alg, KeyName: key, Sig: b})
		}
	}
	if len(sigs) == 0 {
		return nil, keyring.ErrUnsigned
	}
	return sigs, nil
}
