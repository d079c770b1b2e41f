package apkfile

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// Options tune Open.
type Options struct {
	// MaxExpand caps the decompressed bytes of the whole package, all
	// members together; 0 means DefaultMaxExpand (2 GiB).
	MaxExpand int64
	// AllowUnsigned accepts a package without a signature member. Its
	// content is then trusted only as far as its Q1 checksum is pinned
	// elsewhere (an index or lock).
	AllowUnsigned bool
}

// Script is an install script of the control member.
type Script struct {
	Name string // without the leading dot: "post-install", "trigger", ...
	Body []byte
}

// scriptNames are the control entries apk knows besides .PKGINFO.
var scriptNames = map[string]bool{
	".pre-install": true, ".post-install": true, ".pre-upgrade": true, ".post-upgrade": true,
	".pre-deinstall": true, ".post-deinstall": true, ".trigger": true,
}

// Limits on entries read into memory; real ones are a few KiB.
const (
	maxSignature = 64 << 10
	maxControl   = 16 << 20
)

// Open reads the signature and control members of a package from r,
// verifies the signature against kr over the compressed control member and
// parses .PKGINFO. The data member is then read with Next and Read. name
// is the file name used in errors.
func Open(r io.Reader, name string, kr *keyring.Keyring, opt Options) (*Package, error) {
	p := &Package{Name: name, ms: NewMembers(r, opt.MaxExpand)}
	fail := func(member, entry string, err error) (*Package, error) {
		return nil, &Error{File: name, Member: member, Entry: entry, Err: err}
	}

	first := keyring.NewDigester()
	rd, err := p.ms.Next(first)
	if err == io.EOF {
		return fail(MemberSignature, "", fmt.Errorf("empty file: not an .apk"))
	}
	if err != nil {
		return fail(MemberSignature, "", err)
	}
	tr := tar.NewReader(rd)
	h, err := tr.Next()
	if err != nil {
		return fail(MemberSignature, "", fmt.Errorf("reading first tar entry: %w", noEOF(err)))
	}

	var sigs []keyring.Signature
	control := first
	switch {
	case strings.HasPrefix(h.Name, ".SIGN."):
		if sigs, err = readSignatures(tr, h); err != nil {
			return fail(MemberSignature, "", err)
		}
		control = keyring.NewDigester()
		if rd, err = p.ms.Next(control); err != nil {
			return fail(MemberControl, "", fmt.Errorf("missing or damaged: %w", noEOF(err)))
		}
		tr = tar.NewReader(rd)
		if h, err = tr.Next(); err != nil {
			return fail(MemberControl, "", fmt.Errorf("reading first tar entry: %w", noEOF(err)))
		}
	case h.Name == ".PKGINFO":
		if !opt.AllowUnsigned {
			return fail(MemberSignature, "", keyring.ErrUnsigned)
		}
	default:
		return fail(MemberSignature, h.Name, fmt.Errorf("first entry is neither a .SIGN.* signature nor .PKGINFO: not an .apk"))
	}

	if h.Name != ".PKGINFO" {
		return fail(MemberControl, h.Name, fmt.Errorf("control member must start with .PKGINFO"))
	}
	rawInfo, err := readEntry(tr, h, maxControl)
	if err != nil {
		return fail(MemberControl, h.Name, err)
	}
	for {
		h, err = tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(MemberControl, "", err)
		}
		if !scriptNames[h.Name] {
			return fail(MemberControl, h.Name, fmt.Errorf("unexpected control entry (want .PKGINFO and install scripts)"))
		}
		body, err := readEntry(tr, h, maxControl)
		if err != nil {
			return fail(MemberControl, h.Name, err)
		}
		p.Scripts = append(p.Scripts, Script{Name: h.Name[1:], Body: body})
	}
	// Finish the member so every compressed byte is in the digest.
	if _, err := io.Copy(io.Discard, rd); err != nil {
		return fail(MemberControl, "", err)
	}
	sums := control.Sum()

	if len(sigs) > 0 {
		if p.SignedBy, err = kr.Verify(sigs, sums); err != nil {
			return fail(MemberSignature, "", err)
		}
	}
	if p.Info, err = pkginfo.Parse(bytes.NewReader(rawInfo)); err != nil {
		return fail(MemberControl, ".PKGINFO", err)
	}
	if p.Info.DataHash == "" {
		return fail(MemberControl, ".PKGINFO", ErrNoDataHash)
	}
	if b, err := hex.DecodeString(p.Info.DataHash); err != nil || len(b) != 32 {
		return fail(MemberControl, ".PKGINFO", fmt.Errorf("datahash %q is not a hex SHA-256", p.Info.DataHash))
	}
	p.Checksum = "Q1" + base64.StdEncoding.EncodeToString(sums.SHA1)
	return p, nil
}

// readSignatures reads the signature member, h being its first entry.
// Entries with algorithms this package does not know are skipped, as apk
// does; anything not named .SIGN.* is an error.
func readSignatures(tr *tar.Reader, h *tar.Header) ([]keyring.Signature, error) {
	var sigs []keyring.Signature
	for {
		if !strings.HasPrefix(h.Name, ".SIGN.") {
			return nil, fmt.Errorf("entry %q: only .SIGN.* entries belong here", h.Name)
		}
		body, err := readEntry(tr, h, maxSignature)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", h.Name, err)
		}
		if alg, key, ok := keyring.ParseSignatureName(h.Name); ok {
			sigs = append(sigs, keyring.Signature{Alg: alg, KeyName: key, Sig: body})
		}
		h, err = tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(sigs) == 0 {
		return nil, fmt.Errorf("no signature with a known algorithm (RSA, RSA256, RSA512)")
	}
	return sigs, nil
}

func readEntry(tr *tar.Reader, h *tar.Header, limit int64) ([]byte, error) {
	if h.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("not a regular file (type %q)", h.Typeflag)
	}
	if h.Size > limit {
		return nil, fmt.Errorf("%d bytes, more than the %d allowed", h.Size, limit)
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		return nil, noEOF(err)
	}
	return b, nil
}
