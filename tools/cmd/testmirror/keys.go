package main

import (
	"crypto/rsa"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"fmt"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
)

// KeyName is the file name of the mirror's public key under keys/ and in
// every signature entry (.SIGN.RSA.<KeyName>). Fixed, so configs and docs
// can name it.
const KeyName = "musl-dynamic-test.rsa.pub"

// testKeyPEM is a throwaway RSA 2048 key made once for this mirror. It is
// public in the repository and trusted nowhere; its only job is to make
// the mirror's signatures verify and stay byte-identical across runs.
//
//go:embed testdata/musl-dynamic-test.rsa
var testKeyPEM []byte

// testCAPEM is the self-made test CA shipped as the CA bundle; its private
// key was discarded when it was made.
//
//go:embed testdata/test-ca.crt
var testCAPEM []byte

// signer returns the signer for the embedded test key. Signatures are
// RSA PKCS#1 v1.5 over SHA-1, as on every Alpine package, and therefore
// deterministic.
func signer() (apkbuild.Signer, error) {
	b, _ := pem.Decode(testKeyPEM)
	if b == nil {
		return apkbuild.Signer{}, fmt.Errorf("tools/cmd/testmirror/testdata/musl-dynamic-test.rsa holds no PEM block: restore it from git")
	}
	var key *rsa.PrivateKey
	switch b.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		if err != nil {
			return apkbuild.Signer{}, fmt.Errorf("parsing the test key: %w", err)
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			return apkbuild.Signer{}, fmt.Errorf("parsing the test key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return apkbuild.Signer{}, fmt.Errorf("the test key is a %T, want RSA", k)
		}
		key = rk
	default:
		return apkbuild.Signer{}, fmt.Errorf("the test key is a %q PEM block, want an RSA private key", b.Type)
	}
	return apkbuild.Signer{KeyName: KeyName, Key: key, Alg: "RSA"}, nil
}
