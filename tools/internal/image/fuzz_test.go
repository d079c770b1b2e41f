package image

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheckTar: checkTar on any bytes does not panic, and a tar it accepts
// has no entry whose name or hardlink target climbs out of the root.
func FuzzCheckTar(f *testing.F) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: "etc", Typeflag: tar.TypeSymlink, Linkname: "/tmp"})
	tw.WriteHeader(&tar.Header{Name: "etc/x", Typeflag: tar.TypeReg})
	tw.WriteHeader(&tar.Header{Name: "a/../../b", Typeflag: tar.TypeLink, Linkname: "../c"})
	tw.Close()
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkTar(bytes.NewReader(data)) != nil {
			return
		}
		tr := tar.NewReader(bytes.NewReader(data))
		for {
			h, err := tr.Next()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return
				}
				t.Fatalf("checkTar accepted a tar that fails to read: %v", err)
			}
			for _, n := range []string{h.Name, h.Linkname} {
				if h.Typeflag != tar.TypeLink && n == h.Linkname {
					continue
				}
				for _, c := range strings.Split(n, "/") {
					if c == ".." {
						t.Fatalf("accepted the name %q", n)
					}
				}
			}
		}
	})
}

// FuzzReadSingle: readSingle on any index.json, manifest and config does
// not panic or hang, and what it accepts has a manifest and config whose
// bytes hash to their descriptors.
func FuzzReadSingle(f *testing.F) {
	cfg := `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`
	f.Add([]byte(`{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"DIGEST_M","size":SIZE_M}]}`),
		[]byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"DIGEST_C","size":SIZE_C},"layers":[]}`),
		[]byte(cfg))
	// One directory for all executions: a TempDir each costs more than
	// the parsing under test.
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, index, manifest, config []byte) {
		blobs := filepath.Join(dir, "blobs", "sha256")
		if err := os.RemoveAll(filepath.Join(dir, "blobs")); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(blobs, 0o755); err != nil {
			t.Fatal(err)
		}
		put := func(b []byte) (string, string) {
			s := sha256.Sum256(b)
			h := hex.EncodeToString(s[:])
			if err := os.WriteFile(filepath.Join(blobs, h), b, 0o644); err != nil {
				t.Fatal(err)
			}
			return "sha256:" + h, itoa(len(b))
		}
		// Placeholders let mutations keep the links between the parts.
		dc, sc := put(config)
		manifest = bytes.ReplaceAll(bytes.ReplaceAll(manifest, []byte("DIGEST_C"), []byte(dc)), []byte("SIZE_C"), []byte(sc))
		dm, sm := put(manifest)
		index = bytes.ReplaceAll(bytes.ReplaceAll(index, []byte("DIGEST_M"), []byte(dm)), []byte("SIZE_M"), []byte(sm))
		if err := os.WriteFile(filepath.Join(dir, "index.json"), index, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := readSingle(dir)
		if err != nil {
			return
		}
		for _, d := range []struct {
			hex  string
			size int64
		}{{s.desc.Digest.Hex, s.desc.Size}, {s.manifest.Config.Digest.Hex, s.manifest.Config.Size}} {
			b, err := os.ReadFile(filepath.Join(blobs, d.hex))
			if err != nil || int64(len(b)) != d.size {
				t.Fatalf("accepted a descriptor of blob %s (%d bytes) that does not hold: %v", d.hex, d.size, err)
			}
		}
	})
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
