package apkbuild

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"
)

// Signer signs a package or index as the key file KeyName.
type Signer struct {
	KeyName string // key file name, e.g. "test.rsa.pub"
	Key     *rsa.PrivateKey
	Alg     string // "RSA" (default, SHA-1), "RSA256" or "RSA512"
}

// GenerateKey returns a new RSA key (keyring refuses keys under 2048 bits).
func GenerateKey(bits int) (*rsa.PrivateKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("generating a %d-bit RSA key: %w", bits, err)
	}
	return k, nil
}

// PublicKeyPEM encodes the public half of k as a PKIX "PUBLIC KEY" block,
// the format of Alpine's *.rsa.pub files.
func PublicKeyPEM(k *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		// Only reachable for a malformed key; an empty result makes
		// keyring loading fail with a clear message.
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// signatureMember signs signed (the compressed control member, or the
// index's second member) with each signer and returns the gzipped
// signature tar, or nil when there are no signers.
func signatureMember(signed []byte, mtime time.Time, signers []Signer) ([]byte, error) {
	if len(signers) == 0 {
		return nil, nil
	}
	var entries []entry
	for _, s := range signers {
		alg := s.Alg
		if alg == "" {
			alg = "RSA"
		}
		var h crypto.Hash
		var digest []byte
		switch alg {
		case "RSA":
			sum := sha1.Sum(signed)
			h, digest = crypto.SHA1, sum[:]
		case "RSA256":
			sum := sha256.Sum256(signed)
			h, digest = crypto.SHA256, sum[:]
		case "RSA512":
			sum := sha512.Sum512(signed)
			h, digest = crypto.SHA512, sum[:]
		default:
			return nil, fmt.Errorf("signer %s: unknown algorithm %q (want RSA, RSA256 or RSA512)", s.KeyName, alg)
		}
		if s.Key == nil || s.KeyName == "" {
			return nil, fmt.Errorf("signer %q: needs a KeyName and a Key", s.KeyName)
		}
		// PKCS#1 v1.5 signing is deterministic: no randomness needed.
		sig, err := rsa.SignPKCS1v15(nil, s.Key, h, digest)
		if err != nil {
			return nil, fmt.Errorf("signing with %s: %w", s.KeyName, err)
		}
		entries = append(entries, entry{name: ".SIGN." + alg + "." + s.KeyName, mode: 0o644, body: sig})
	}
	t, err := cutTar(entries, mtime)
	if err != nil {
		return nil, fmt.Errorf("signature member: %w", err)
	}
	return Gzip(t), nil
}
