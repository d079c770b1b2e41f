package apkbuild

import (
	"crypto/rsa"
	"sync"
)

var testKeys struct {
	sync.Mutex
	keys map[int]*rsa.PrivateKey
}

// TestKey returns the n-th 2048-bit test key (keyring.MinBits) of this process, generating
// it on first use so a test binary pays for key generation once. Such keys
// are for tests only. It returns nil if generation fails, which Build then
// reports as a signer without a key.
func TestKey(n int) *rsa.PrivateKey {
	testKeys.Lock()
	defer testKeys.Unlock()
	if k, ok := testKeys.keys[n]; ok {
		return k
	}
	k, err := GenerateKey(2048)
	if err != nil {
		return nil
	}
	if testKeys.keys == nil {
		testKeys.keys = map[int]*rsa.PrivateKey{}
	}
	testKeys.keys[n] = k
	return k
}

// TestSigner is a Signer for TestKey(n) named name.
func TestSigner(n int, name string) Signer {
	return Signer{KeyName: name, Key: TestKey(n)}
}
