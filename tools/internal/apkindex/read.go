package apkindex

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
)

// MaxExpand caps the decompressed size of an index. Alpine's largest
// (community) is a few tens of MiB.
const MaxExpand int64 = 512 << 20

// Bounds on the small entries: DESCRIPTION is one short line, the
// signature member a few hundred bytes per key.
const (
	maxDescription     = 64 << 10
	maxSignatureMember = 64 << 10
)

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

// Index is a verified APKINDEX.tar.gz.
type Index struct {
	Description string   // DESCRIPTION, e.g. "v3.20.0-123-gabcdef"
	Records     []Record // in index order
	SignedBy    string   // key name whose signature verified
}

// ReadFile reads the index at path with Read; name is used in errors.
func ReadFile(path, name string, kr *keyring.Keyring) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	defer f.Close()
	return Read(f, name, kr)
}

// Read verifies and parses an APKINDEX.tar.gz: member 0 must be a
// signature by a key of kr over the compressed bytes of member 1, a tar
// holding one regular DESCRIPTION and one regular APKINDEX; nothing may
// follow it. name is used in errors. Signature failures unwrap to
// keyring's *UntrustedError, *BadSignatureError or ErrUnsigned.
//
// Nothing is parsed or kept before the signature holds: a first pass
// verifies, streaming; a second pass parses, and checks that it read the
// bytes the first pass verified.
func Read(r io.ReadSeeker, name string, kr *keyring.Keyring) (*Index, error) {
	sums, err := verify(r, kr)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	idx, err := parse(r, sums)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	idx.SignedBy = sums.signedBy
	return idx, nil
}

type verified struct {
	keyring.Digests
	signedBy string
}

// verify is the first pass: structure, caps and signature.
func verify(r io.Reader, kr *keyring.Keyring) (*verified, error) {
	ms := apkfile.NewMembers(r, MaxExpand)
	rd, err := ms.Next(nil)
	if err == io.EOF {
		return nil, fmt.Errorf("empty file: not an APKINDEX.tar.gz")
	}
	if err != nil {
		return nil, fmt.Errorf("signature member: %w", err)
	}
	sigs, err := readSignatures(rd)
	if err != nil {
		return nil, fmt.Errorf("signature member: %w", err)
	}
	// Read no further for a key the keyring does not have.
	if err := kr.CheckNamed(sigs); err != nil {
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
	found, err := walk(rd, func(*tar.Header, io.Reader) error { return nil })
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, rd); err != nil {
		return nil, fmt.Errorf("index member: %w", err)
	}
	eof, err := ms.AtEOF()
	if err != nil {
		return nil, fmt.Errorf("index member: %w", err)
	}
	if !eof {
		return nil, fmt.Errorf("index member: %w", apkfile.ErrTrailingData)
	}
	v := &verified{Digests: digests.Sum()}
	if v.signedBy, err = kr.Verify(sigs, v.Digests); err != nil {
		return nil, fmt.Errorf("signature member: %w", err)
	}
	if !found {
		return nil, fmt.Errorf("index member has no APKINDEX entry")
	}
	return v, nil
}

// parse is the second pass over verified bytes.
func parse(r io.Reader, want *verified) (*Index, error) {
	ms := apkfile.NewMembers(r, MaxExpand)
	if _, err := ms.Next(nil); err != nil {
		return nil, fmt.Errorf("signature member: %w", err)
	}
	digests := keyring.NewDigester()
	rd, err := ms.Next(digests)
	if err != nil {
		return nil, fmt.Errorf("index member: %w", err)
	}
	idx := &Index{}
	var perr error
	_, err = walk(rd, func(h *tar.Header, body io.Reader) error {
		if h.Name == "DESCRIPTION" {
			b, err := io.ReadAll(io.LimitReader(body, maxDescription))
			idx.Description = strings.TrimSpace(string(b))
			return err
		}
		// One buffer that the records then share (ParseText); the tar
		// header's size is only a hint, capped so that a lying header
		// cannot reserve much memory.
		var text strings.Builder
		text.Grow(int(clamp(h.Size, 0, maxPrealloc)))
		if _, err := io.Copy(&text, body); err != nil {
			return err
		}
		idx.Records, perr = ParseText(text.String())
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, rd); err != nil {
		return nil, fmt.Errorf("index member: %w", err)
	}
	if got := digests.Sum(); !bytes.Equal(got.SHA256, want.SHA256) {
		return nil, errors.New("index member changed between verifying and parsing it; do not modify the file while it is read")
	}
	if perr != nil {
		return nil, perr
	}
	return idx, nil
}

// walk checks the index member's entries and hands each to f: exactly one
// DESCRIPTION (optional) and one APKINDEX, both regular, not sparse. Other
// names are skipped, as apk does. Each entry's content is bounded by
// MaxExpand through the member reader and by its own size.
func walk(member io.Reader, f func(h *tar.Header, body io.Reader) error) (found bool, err error) {
	tr := tar.NewReader(member)
	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, fmt.Errorf("index member: %w", err)
		}
		if h.Name != "DESCRIPTION" && h.Name != "APKINDEX" {
			continue
		}
		switch {
		case apkfile.IsSparse(h):
			return false, fmt.Errorf("index member: %s: %w", h.Name, apkfile.ErrSparse)
		case h.Typeflag != tar.TypeReg:
			return false, fmt.Errorf("index member: %s is not a regular file (tar type %q); the index is damaged or hostile", h.Name, h.Typeflag)
		case seen[h.Name]:
			return false, fmt.Errorf("index member: %s appears twice; an index has one, so this one is damaged or hostile", h.Name)
		case h.Name == "DESCRIPTION" && h.Size > maxDescription:
			return false, fmt.Errorf("index member: DESCRIPTION is %d bytes, more than %d", h.Size, maxDescription)
		case h.Size > MaxExpand:
			return false, fmt.Errorf("index member: APKINDEX: %w", &apkfile.ExpandError{Limit: MaxExpand})
		}
		seen[h.Name] = true
		if err := f(h, tr); err != nil {
			return false, fmt.Errorf("index member: %s: %w", h.Name, err)
		}
		if _, err := io.Copy(io.Discard, tr); err != nil {
			return false, fmt.Errorf("index member: %s: %w", h.Name, err)
		}
	}
	return seen["APKINDEX"], nil
}

// readSignatures collects the .SIGN.* entries of member 0. A first member
// without them is an unsigned index, which is refused; entries with an
// unknown algorithm are skipped, as apk does.
func readSignatures(member io.Reader) ([]keyring.Signature, error) {
	capped := apkfile.CapMember(member, "signature", maxSignatureMember)
	tr := tar.NewReader(capped)
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
		if apkfile.IsSparse(h) || h.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("entry %q is not a plain regular file", h.Name)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", h.Name, err)
		}
		alg, key, err := keyring.ParseSignatureName(h.Name)
		switch {
		case err == nil:
			sigs = append(sigs, keyring.Signature{Alg: alg, KeyName: key, Sig: b})
		case !errors.Is(err, keyring.ErrUnknownAlgorithm):
			return nil, err
		}
	}
	if _, err := io.Copy(io.Discard, capped); err != nil {
		return nil, err
	}
	if len(sigs) == 0 {
		return nil, keyring.ErrUnsigned
	}
	return sigs, nil
}
