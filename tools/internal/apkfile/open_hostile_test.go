package apkfile_test

import (
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
)

// FuzzOpen streams arbitrary bytes as a package, unsigned ones allowed so
// that mutations reach the control and data members: Open, Next and Read
// must never panic, and a package read to the end without error holds only
// relative names without "..", which the layer relies on.
func FuzzOpen(f *testing.F) {
	kr, err := keyring.FromPEM(map[string][]byte{trustedName: apkbuild.PublicKeyPEM(apkbuild.TestKey(0))})
	if err != nil {
		f.Fatal(err)
	}
	unsigned, err := apkbuild.Build(spec())
	if err != nil {
		f.Fatal(err)
	}
	signed, err := apkbuild.Build(spec(), apkbuild.TestSigner(0, trustedName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(unsigned)
	f.Add(signed)
	f.Add(unsigned[:len(unsigned)/2])
	f.Fuzz(func(t *testing.T, in []byte) {
		_, files, err := readAll(in, kr, apkfile.Options{AllowUnsigned: true, MaxExpand: 1 << 20})
		if err != nil {
			return
		}
		for name := range files {
			if strings.HasPrefix(name, "/") {
				t.Fatalf("accepted absolute name %q", name)
			}
			for _, part := range strings.Split(name, "/") {
				if part == ".." {
					t.Fatalf("accepted name %q with a .. component", name)
				}
			}
		}
	})
}
