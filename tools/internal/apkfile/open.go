package apkfile

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
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

// Limits on the members read into memory before the signature is checked,
// all their entries together; real ones are a few KiB.
const (
	MaxSignatureMember = 64 << 10
	MaxControlMember   = 4 << 20
)

// Open reads the signature and control members of a package from r,
// verifies the signature against kr over the compressed control member and
// parses .PKGINFO. The data member is then read with Next and Read. name
// is the file name used in errors.
func Open(r io.Reader, name string, kr *keyring.Keyring, opt Options) (*Package, error) {
	p := &Package{Name: name, ms: NewMembers(r, opt.MaxExpand)}
	p.maxExpand = p.ms.maxExpand
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
	capped := newCapReader(rd, MemberSignature, MaxSignatureMember)
	tr := tar.NewReader(capped)
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
		// Read no further for a key the keyring does not have.
		if err := kr.CheckNamed(sigs); err != nil {
			return fail(MemberSignature, "", err)
		}
		// Whatever follows the tar end counts against the member's cap.
		if _, err := io.Copy(io.Discard, capped); err != nil {
			return fail(MemberSignature, "", err)
		}
		control = keyring.NewDigester()
		if rd, err = p.ms.Next(control); err != nil {
			return fail(MemberControl, "", fmt.Errorf("missing or damaged: %w", noEOF(err)))
		}
		rd = newCapReader(rd, MemberControl, MaxControlMember)
		tr = tar.NewReader(rd)
		if h, err = tr.Next(); err != nil {
			return fail(MemberControl, "", fmt.Errorf("reading first tar entry: %w", noEOF(err)))
		}
	case h.Name == ".PKGINFO":
		if !opt.AllowUnsigned {
			return fail(MemberSignature, "", keyring.ErrUnsigned)
		}
		capped.retarget(MemberControl, MaxControlMember) // the first member is the control member
		rd = capped
	default:
		return fail(MemberSignature, h.Name, fmt.Errorf("first entry is neither a .SIGN.* signature nor .PKGINFO: not an .apk"))
	}

	if h.Name != ".PKGINFO" {
		return fail(MemberControl, h.Name, fmt.Errorf("control member must start with .PKGINFO"))
	}
	rawInfo, err := readEntry(tr, h)
	if err != nil {
		return fail(MemberControl, h.Name, err)
	}
	seen := map[string]bool{}
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
		if seen[h.Name] {
			return fail(MemberControl, h.Name, fmt.Errorf("repeated control entry: each install script appears once"))
		}
		seen[h.Name] = true
		body, err := readEntry(tr, h)
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
// does; anything not named .SIGN.* is an error, and so is a signature whose
// key name is not a plain file name.
func readSignatures(tr *tar.Reader, h *tar.Header) ([]keyring.Signature, error) {
	var sigs []keyring.Signature
	for {
		if !strings.HasPrefix(h.Name, ".SIGN.") {
			return nil, fmt.Errorf("entry %q: only .SIGN.* entries belong here", h.Name)
		}
		body, err := readEntry(tr, h)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", h.Name, err)
		}
		alg, key, err := keyring.ParseSignatureName(h.Name)
		switch {
		case err == nil:
			sigs = append(sigs, keyring.Signature{Alg: alg, KeyName: key, Sig: body})
		case !errors.Is(err, keyring.ErrUnknownAlgorithm):
			return nil, err
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

// readEntry reads a regular entry of a member bounded by a capReader.
func readEntry(tr *tar.Reader, h *tar.Header) ([]byte, error) {
	if IsSparse(h) {
		return nil, ErrSparse
	}
	if h.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("not a regular file (type %q)", h.Typeflag)
	}
	if h.Size > MaxControlMember {
		return nil, fmt.Errorf("%d bytes, more than the %d a control or signature member may hold", h.Size, MaxControlMember)
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		return nil, noEOF(err)
	}
	return b, nil
}
