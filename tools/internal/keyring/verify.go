package keyring

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// Signature algorithms as they appear in ".SIGN.<ALG>.<keyfile>" names.
const (
	AlgRSA    = "RSA"    // PKCS#1 v1.5 over SHA-1: what Alpine signs with
	AlgRSA256 = "RSA256" // PKCS#1 v1.5 over SHA-256
	AlgRSA512 = "RSA512" // PKCS#1 v1.5 over SHA-512
)

// ErrUnsigned means there was no signature at all to check.
var ErrUnsigned = errors.New("unsigned: no .SIGN.* signature entry; a signature by a trusted key is required")

// Signature is one ".SIGN.<Alg>.<KeyName>" entry.
type Signature struct {
	Alg     string // AlgRSA, AlgRSA256 or AlgRSA512
	KeyName string // key file name, e.g. "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub"
	Sig     []byte // raw PKCS#1 v1.5 signature
}

// ErrUnknownAlgorithm marks a ".SIGN.<ALG>.<keyfile>" entry whose algorithm
// this package does not know; apk skips such entries, and so do readers.
var ErrUnknownAlgorithm = errors.New("unknown signature algorithm")

// ParseSignatureName splits a signature entry name ".SIGN.<ALG>.<keyfile>"
// into its algorithm and key file name. It fails with ErrUnknownAlgorithm
// (wrapped) for an algorithm other than RSA, RSA256 and RSA512, which a
// reader skips, and with a plain error for anything else: a name that is
// not a signature entry, or a key name that is not a plain file name.
func ParseSignatureName(entryName string) (alg, keyName string, err error) {
	rest := strings.TrimPrefix(entryName, ".SIGN.")
	if len(rest) == len(entryName) {
		return "", "", fmt.Errorf("entry %q is not a .SIGN.<ALG>.<key> signature", entryName)
	}
	alg, keyName, _ = strings.Cut(rest, ".")
	switch alg {
	case AlgRSA, AlgRSA256, AlgRSA512:
	default:
		return "", "", fmt.Errorf("signature entry %q: %w %q (known: RSA, RSA256, RSA512)", entryName, ErrUnknownAlgorithm, alg)
	}
	if err := CheckKeyName(keyName); err != nil {
		return "", "", fmt.Errorf("signature entry %q: %w; the file is damaged or hostile", entryName, err)
	}
	return alg, keyName, nil
}

// CheckKeyName accepts a key name that is a plain file name, as keys are
// stored in /etc/apk/keys/<name> and in the lock.
func CheckKeyName(name string) error {
	bad := name == "" || name == "." || name == ".." || len(name) > 255 || strings.ContainsAny(name, "/\\")
	for i := 0; i < len(name) && !bad; i++ {
		bad = name[i] < ' ' || name[i] == 0x7f
	}
	if bad {
		return fmt.Errorf("key name %q is not a plain file name (no '/', '\\', control characters, \".\" or \"..\")", name)
	}
	return nil
}

// CheckNamed fails with *UntrustedError unless some signature names a key
// of the keyring (or ErrUnsigned if there are none). Readers call it before
// reading the signed content, so an untrusted file costs no more than its
// signature member.
func (k *Keyring) CheckNamed(sigs []Signature) error {
	if len(sigs) == 0 {
		return ErrUnsigned
	}
	var names []string
	for _, s := range sigs {
		if k.Key(s.KeyName) != nil {
			return nil
		}
		names = append(names, s.KeyName)
	}
	return &UntrustedError{SignedWith: names, Keyring: k.Names()}
}

// Digests are the digests of the signed bytes; a signature is checked
// against the one its algorithm uses.
type Digests struct {
	SHA1, SHA256, SHA512 []byte
}

// Digester computes SHA-1, SHA-256 and SHA-512 in one pass, so the signed
// bytes need to be read only once whatever algorithm the signatures use.
type Digester struct {
	s1, s256, s512 hash.Hash
}

// NewDigester returns an empty Digester.
func NewDigester() *Digester {
	return &Digester{s1: sha1.New(), s256: sha256.New(), s512: sha512.New()}
}

// Write adds p to all three digests; it never fails.
func (d *Digester) Write(p []byte) (int, error) {
	d.s1.Write(p)
	d.s256.Write(p)
	d.s512.Write(p)
	return len(p), nil
}

// Sum returns the digests of everything written so far.
func (d *Digester) Sum() Digests {
	return Digests{SHA1: d.s1.Sum(nil), SHA256: d.s256.Sum(nil), SHA512: d.s512.Sum(nil)}
}

// UntrustedError means no signature was made by a key of the keyring.
type UntrustedError struct {
	SignedWith []string // key names the signatures name
	Keyring    []string // key names of the keyring
}

func (e *UntrustedError) Error() string {
	have := "(empty keyring)"
	if len(e.Keyring) > 0 {
		have = strings.Join(e.Keyring, ", ")
	}
	return fmt.Sprintf("untrusted signature: signed with %s, keyring has %s; add the signing key file to the keyring (and the lock's keyring) if you trust it",
		strings.Join(e.SignedWith, ", "), have)
}

// BadSignatureError means a signature by a trusted key did not verify: the
// signed bytes were altered or the signature is corrupt.
type BadSignatureError struct {
	KeyName string
	Alg     string
	Err     error
}

func (e *BadSignatureError) Error() string {
	return fmt.Sprintf("bad %s signature by trusted key %s (content altered or signature corrupt; re-download the file): %v", e.Alg, e.KeyName, e.Err)
}

func (e *BadSignatureError) Unwrap() error { return e.Err }

// Verify checks sigs against d and returns the name of the first trusted key
// whose signature verifies. It fails with ErrUnsigned when sigs is empty,
// *BadSignatureError when trusted keys signed but none verified, and
// *UntrustedError when no signature names a key of the keyring.
func (k *Keyring) Verify(sigs []Signature, d Digests) (string, error) {
	if len(sigs) == 0 {
		return "", ErrUnsigned
	}
	var bad error
	for _, s := range sigs {
		pub := k.Key(s.KeyName)
		if pub == nil {
			continue
		}
		h, digest, err := pick(s.Alg, d)
		if err == nil {
			err = rsa.VerifyPKCS1v15(pub, h, digest, s.Sig)
		}
		if err == nil {
			return s.KeyName, nil
		}
		if bad == nil {
			bad = &BadSignatureError{KeyName: s.KeyName, Alg: s.Alg, Err: err}
		}
	}
	if bad != nil {
		return "", bad
	}
	return "", k.CheckNamed(sigs)
}

func pick(alg string, d Digests) (crypto.Hash, []byte, error) {
	var h crypto.Hash
	var sum []byte
	switch alg {
	case AlgRSA:
		h, sum = crypto.SHA1, d.SHA1
	case AlgRSA256:
		h, sum = crypto.SHA256, d.SHA256
	case AlgRSA512:
		h, sum = crypto.SHA512, d.SHA512
	default:
		return 0, nil, fmt.Errorf("unsupported signature algorithm %q (want RSA, RSA256 or RSA512)", alg)
	}
	if len(sum) != h.Size() {
		return 0, nil, fmt.Errorf("no %s digest of the signed bytes was computed", h)
	}
	return h, sum, nil
}
