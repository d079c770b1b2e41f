package sbom

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetaFormat: META.json keeps sorted keys at every level (the layer
// step's output format), omits empty optional fields, and reads back.
func TestMetaFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Meta
		want string
	}{
		{"minimal", Meta{Arch: "x86_64", DiffID: "sha256:d", Digest: "sha256:g", Packages: []Package{}, Size: 12345678901},
			`{
  "arch": "x86_64",
  "diff_id": "sha256:d",
  "digest": "sha256:g",
  "packages": [],
  "size": 12345678901
}
`},
		{"split with a package", Meta{Arch: "armv7", CABundle: "/etc/ssl/certs/ca-certificates.crt", DiffID: "sha256:d", Digest: "sha256:g",
			Layers:    []MetaLayer{{DiffID: "sha256:1", Digest: "sha256:2", File: "layer-00.tar.gz", Origins: []string{"musl"}, Size: 3}},
			OSRelease: map[string]string{"ID": "alpine", "<&>": "x"},
			Packages:  []Package{{Name: "musl", Version: "1.2.5-r0", Arch: "armv7", License: "MIT", Origin: "musl", Checksum: "Q1x", URL: "https://musl.libc.org/", Description: "the C library", Layer: "sha256:2"}},
			Size:      3},
			`{
  "arch": "armv7",
  "ca_bundle": "/etc/ssl/certs/ca-certificates.crt",
  "diff_id": "sha256:d",
  "digest": "sha256:g",
  "layers": [
    {
      "diff_id": "sha256:1",
      "digest": "sha256:2",
      "file": "layer-00.tar.gz",
      "origins": [
        "musl"
      ],
      "size": 3
    }
  ],
  "os_release": {
    "<&>": "x",
    "ID": "alpine"
  },
  "packages": [
    {
      "arch": "armv7",
      "checksum": "Q1x",
      "description": "the C library",
      "layer": "sha256:2",
      "license": "MIT",
      "name": "musl",
      "origin": "musl",
      "url": "https://musl.libc.org/",
      "version": "1.2.5-r0"
    }
  ],
  "size": 3
}
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := MarshalMeta(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Fatalf("MarshalMeta =\n%s\nwant\n%s", b, tc.want)
			}
			p := filepath.Join(t.TempDir(), "META.json")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			back, err := ReadMeta(p)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := MarshalMeta(*back)
			if string(again) != tc.want {
				t.Errorf("read back and written again:\n%s", again)
			}
		})
	}
	p := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(p, []byte("{"), 0o644)
	if _, err := ReadMeta(p); err == nil || !strings.Contains(err.Error(), "expected the META.json of apkimage layer") {
		t.Errorf("ReadMeta of a bad file: %v", err)
	}
}
