package keyring

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Keyring is a set of trusted RSA public keys by file name. The zero value
// and a nil *Keyring are empty keyrings: every signature is untrusted.
type Keyring struct {
	keys map[string]*rsa.PublicKey
}

// LoadDir reads every "*.pub" file of dir (not recursively); each key is
// named by its file's base name, as apk names keys in /etc/apk/keys.
func LoadDir(dir string) (*Keyring, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading keyring directory %s: %w", dir, err)
	}
	var paths []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".pub") {
			continue
		}
		paths = append(paths, filepath.Join(dir, e.Name()))
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("keyring directory %s holds no *.pub key files: add the repository's signing keys", dir)
	}
	return FromFiles(paths)
}

// FromFiles reads the given PEM key files; each key is named by its file's
// base name. Two files with the same base name are an error because
// signatures could not tell them apart.
func FromFiles(paths []string) (*Keyring, error) {
	m := make(map[string][]byte, len(paths))
	for _, p := range paths {
		name := filepath.Base(p)
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("key file %s: another key file is also named %s; key names must be unique", p, name)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading key file: %w", err)
		}
		m[name] = b
	}
	k, err := FromPEM(m)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// FromPEM builds a keyring from PEM contents by key name. Each value must
// hold an RSA key as a "PUBLIC KEY" (PKIX, what Alpine publishes) or
// "RSA PUBLIC KEY" (PKCS#1) block.
func FromPEM(keys map[string][]byte) (*Keyring, error) {
	k := &Keyring{keys: make(map[string]*rsa.PublicKey, len(keys))}
	for _, name := range sortedKeys(keys) {
		if err := CheckKeyName(name); err != nil {
			return nil, err
		}
		pub, err := parsePEM(keys[name])
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", name, err)
		}
		k.keys[name] = pub
	}
	return k, nil
}

// MinBits is the smallest RSA modulus accepted. Go's own minimum is off
// for modules declaring go 1.19, so it is enforced here: a 512-bit key
// can be factored in hours.
const MinBits = 2048

func parsePEM(data []byte) (*rsa.PublicKey, error) {
	pub, err := parseRSA(data)
	if err != nil {
		return nil, err
	}
	if n := pub.N.BitLen(); n < MinBits {
		return nil, fmt.Errorf("RSA key of %d bits is too weak: keys under %d bits are refused; use the repository's current signing key", n, MinBits)
	}
	return pub, nil
}

func parseRSA(data []byte) (*rsa.PublicKey, error) {
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("no PEM \"PUBLIC KEY\" block found: expected an RSA public key file such as Alpine's *.rsa.pub")
		}
		switch block.Type {
		case "PUBLIC KEY":
			pub, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parsing PUBLIC KEY block: %w", err)
			}
			rsaPub, ok := pub.(*rsa.PublicKey)
			if !ok {
				return nil, fmt.Errorf("PUBLIC KEY block holds a %T, apk signatures need an RSA key", pub)
			}
			return rsaPub, nil
		case "RSA PUBLIC KEY":
			pub, err := x509.ParsePKCS1PublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parsing RSA PUBLIC KEY block: %w", err)
			}
			return pub, nil
		}
		// Skip other blocks (a certificate bundle may precede the key).
	}
}

// Names returns the key names, sorted.
func (k *Keyring) Names() []string {
	if k == nil {
		return nil
	}
	names := make([]string, 0, len(k.keys))
	for n := range k.keys {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Len returns the number of keys.
func (k *Keyring) Len() int {
	if k == nil {
		return 0
	}
	return len(k.keys)
}

// Key returns the public key named name, or nil.
func (k *Keyring) Key(name string) *rsa.PublicKey {
	if k == nil {
		return nil
	}
	return k.keys[name]
}

func sortedKeys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
