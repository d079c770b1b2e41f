package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/stablejson"
)

// Meta is META.json, what apkimage layer records of the layer it wrote:
// read back by apkimage sbom (packages, OS) and image (the CA bundle). It
// is the one declaration of the format. Digest, DiffID and Size describe
// the (last) layer; with --max-layers, Layers lists every one.
type Meta struct {
	Arch      string            `json:"arch"`
	CABundle  string            `json:"ca_bundle,omitempty"`
	DiffID    string            `json:"diff_id"`
	Digest    string            `json:"digest"`
	Layers    []MetaLayer       `json:"layers,omitempty"`
	OSRelease map[string]string `json:"os_release,omitempty"`
	Packages  []Package         `json:"packages"`
	Size      int64             `json:"size"`
}

// MetaLayer is one layer of a split (--max-layers) install.
type MetaLayer struct {
	DiffID  string   `json:"diff_id"`
	Digest  string   `json:"digest"`
	File    string   `json:"file"`
	Origins []string `json:"origins"`
	Size    int64    `json:"size"`
}

// MarshalMeta encodes m with sorted keys at every level (Package's fields
// keep the SBOM's order, which its namespace hash depends on), two-space
// indent and a trailing newline.
func MarshalMeta(m Meta) ([]byte, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	// A map round trip sorts the keys; UseNumber keeps sizes exact.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return stablejson.Marshal(v)
}

// ReadMeta reads a META.json written by apkimage layer.
func ReadMeta(path string) (*Meta, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading layer metadata: %w", err)
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parsing %s (expected the META.json of apkimage layer): %w", path, err)
	}
	return &m, nil
}
