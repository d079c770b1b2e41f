package image

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// single is a single-platform image read from a layout directory.
type single struct {
	dir      string
	desc     v1.Descriptor // index.json's entry
	manifest v1.Manifest
	config   configFile
}

// readSingle reads a single-platform image layout, checking the manifest's
// and config's digests. Both shapes other tools write are accepted:
// index.json listing the image manifest (this rule set, rules_oci's
// oci_image) or listing an image index of exactly one image manifest
// (crane pull --format=oci, skopeo copy oci:).
func readSingle(dir string) (*single, error) {
	b, err := readSmallFile(filepath.Join(dir, "index.json"), MaxJSONBlob)
	if err != nil {
		return nil, fmt.Errorf("layout %s: %w (is it an OCI image layout?)", dir, err)
	}
	var idx v1.IndexManifest
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("layout %s: parsing index.json: %w", dir, err)
	}
	where := "index.json"
	if len(idx.Manifests) == 1 && idx.Manifests[0].MediaType.IsIndex() {
		d := idx.Manifests[0]
		ib, err := readBlob(dir, d)
		if err != nil {
			return nil, fmt.Errorf("layout %s: index %s: %w", dir, d.Digest, err)
		}
		idx = v1.IndexManifest{}
		if err := json.Unmarshal(ib, &idx); err != nil {
			return nil, fmt.Errorf("layout %s: parsing index %s: %w", dir, d.Digest, err)
		}
		where = "index.json's image index " + d.Digest.String()
	}
	if n := len(idx.Manifests); n != 1 {
		return nil, fmt.Errorf("layout %s: %s lists %d manifests (%s), want exactly one: pass a single-platform image layout, e.g. pull one platform (crane pull --platform OS/ARCH --format=oci) or use one oci_image, not an index",
			dir, where, n, platformList(idx.Manifests))
	}
	s := &single{dir: dir, desc: idx.Manifests[0]}
	if !s.desc.MediaType.IsImage() {
		return nil, fmt.Errorf("layout %s: %s lists a %q, not an image manifest; pass a single-platform image layout", dir, where, clipName(string(s.desc.MediaType)))
	}
	mb, err := readBlob(dir, s.desc)
	if err != nil {
		return nil, fmt.Errorf("layout %s: manifest: %w", dir, err)
	}
	if err := json.Unmarshal(mb, &s.manifest); err != nil {
		return nil, fmt.Errorf("layout %s: parsing manifest %s: %w", dir, s.desc.Digest, err)
	}
	if mt := s.manifest.MediaType; mt != "" && mt != s.desc.MediaType {
		return nil, fmt.Errorf("layout %s: manifest %s says it is a %q, its descriptor in %s says %q; the layout is damaged or hostile, rebuild it", dir, s.desc.Digest, clipName(string(mt)), where, s.desc.MediaType)
	}
	if mt := s.manifest.Config.MediaType; mt != types.OCIConfigJSON && mt != types.DockerConfigJSON {
		return nil, fmt.Errorf("layout %s: manifest %s has a config of media type %q, not an image config; pass a container image layout", dir, s.desc.Digest, clipName(string(mt)))
	}
	cb, err := readBlob(dir, s.manifest.Config)
	if err != nil {
		return nil, fmt.Errorf("layout %s: config: %w", dir, err)
	}
	if err := json.Unmarshal(cb, &s.config); err != nil {
		return nil, fmt.Errorf("layout %s: parsing config %s: %w", dir, s.manifest.Config.Digest, err)
	}
	if n := len(s.manifest.Layers); n > MaxBaseLayers {
		return nil, fmt.Errorf("layout %s: manifest %s lists %d layers, more than the %d read here (runtimes refuse far fewer); squash the base image", dir, s.desc.Digest, n, MaxBaseLayers)
	}
	if n, m := len(s.manifest.Layers), len(s.config.RootFS.DiffIDs); n != m {
		return nil, fmt.Errorf("layout %s: manifest has %d layers but config has %d diff_ids; the image is damaged", dir, n, m)
	}
	return s, nil
}

// platformList names the descriptors' platforms for a message.
func platformList(ds []v1.Descriptor) string {
	if len(ds) == 0 {
		return "none"
	}
	// A hostile index may list thousands: name the first few.
	var names []string
	for i, d := range ds {
		if i == 8 {
			names = append(names, fmt.Sprintf("and %d more", len(ds)-i))
			break
		}
		name := "no platform"
		if d.Platform != nil {
			name = clipName(platformString(*d.Platform))
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// platform is the image's platform as its config states it.
func (s *single) platform() v1.Platform {
	return v1.Platform{OS: s.config.OS, Architecture: s.config.Architecture, Variant: s.config.Variant}
}

// ociLayerType maps a layer media type to its OCI name. Docker's names
// describe the same bytes, so relabelling keeps the digest.
func ociLayerType(mt types.MediaType) (types.MediaType, bool) {
	switch mt {
	case types.OCILayer, types.DockerLayer:
		return types.OCILayer, true
	case types.OCIUncompressedLayer, types.DockerUncompressedLayer:
		return types.OCIUncompressedLayer, true
	case types.OCILayerZStd:
		return types.OCILayerZStd, true
	}
	return "", false
}

// LayerFile is one layer blob of a layout, for readers of its content.
type LayerFile struct {
	Path    string
	Gzipped bool
	Digest  string // of the blob, as the manifest lists it (sha256:<hex>)
	desc    v1.Descriptor
	layout  string
}

// Open checks the blob against its descriptor (size, sha256) before a byte
// of it is decompressed, and returns its uncompressed tar stream, which
// fails past MaxLayerExpand bytes.
func (l LayerFile) Open() (io.ReadCloser, error) {
	if err := verifyBlob(l.layout, l.desc); err != nil {
		return nil, fmt.Errorf("layout %s: layer %w", l.layout, err)
	}
	f, _, err := openRegular(l.Path)
	if err != nil {
		return nil, fmt.Errorf("layout %s: layer %s: %w", l.layout, l.desc.Digest, err)
	}
	var r io.Reader = f
	if l.Gzipped {
		z, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("layout %s: layer %s: %w", l.layout, l.desc.Digest, err)
		}
		r = z
	}
	what := fmt.Sprintf("layout %s: layer %s", l.layout, l.desc.Digest)
	return &layerReader{Reader: &capReader{r: r, max: MaxLayerExpand, what: what}, f: f}, nil
}

type layerReader struct {
	io.Reader
	f *os.File
}

func (l *layerReader) Close() error { return l.f.Close() }

// LayerFiles returns the layer blobs of a single-platform layout, bottom
// first.
func LayerFiles(dir string) ([]LayerFile, error) {
	s, err := readSingle(dir)
	if err != nil {
		return nil, err
	}
	var out []LayerFile
	for _, l := range s.manifest.Layers {
		mt, _ := ociLayerType(l.MediaType)
		switch mt {
		case types.OCILayer:
			out = append(out, LayerFile{Path: blobPath(dir, l.Digest), Gzipped: true, Digest: l.Digest.String(), desc: l, layout: dir})
		case types.OCIUncompressedLayer:
			out = append(out, LayerFile{Path: blobPath(dir, l.Digest), Digest: l.Digest.String(), desc: l, layout: dir})
		default:
			return nil, fmt.Errorf("layout %s: layer %s has media type %q, which cannot be read here; use a base with gzip or plain tar layers", dir, l.Digest, clipName(string(l.MediaType)))
		}
	}
	return out, nil
}

// ImageDigest is the image manifest's digest of a single-platform layout
// of either shape readSingle takes (for a crane pull layout, not the
// digest of the index around it): what base.digest annotations name.
func ImageDigest(dir string) (v1.Hash, error) {
	s, err := readSingle(dir)
	if err != nil {
		return v1.Hash{}, err
	}
	return s.desc.Digest, nil
}

// Summary is what an SBOM needs to know of a layout.
type Summary struct {
	// Digest is the digest of index.json's one entry: an image manifest or
	// an image index.
	Digest v1.Hash
	// Layers and DiffIDs are the image's (image layouts only).
	Layers  []v1.Descriptor
	DiffIDs []v1.Hash
	// Manifests are the index's entries with their platforms (index
	// layouts only).
	Manifests []v1.Descriptor
}

// Summarize reads a layout written by WriteLayout or MergeIndex.
func Summarize(dir string) (*Summary, error) {
	b, err := readSmallFile(filepath.Join(dir, "index.json"), MaxJSONBlob)
	if err != nil {
		return nil, fmt.Errorf("layout %s: %w (is it an OCI image layout?)", dir, err)
	}
	var top v1.IndexManifest
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("layout %s: parsing index.json: %w", dir, err)
	}
	if len(top.Manifests) != 1 {
		return nil, fmt.Errorf("layout %s: index.json lists %d entries, want one image or index", dir, len(top.Manifests))
	}
	d := top.Manifests[0]
	if d.MediaType.IsIndex() {
		ib, err := readBlob(dir, d)
		if err != nil {
			return nil, fmt.Errorf("layout %s: index: %w", dir, err)
		}
		var idx v1.IndexManifest
		if err := json.Unmarshal(ib, &idx); err != nil {
			return nil, fmt.Errorf("layout %s: parsing index %s: %w", dir, d.Digest, err)
		}
		return &Summary{Digest: d.Digest, Manifests: idx.Manifests}, nil
	}
	s, err := readSingle(dir)
	if err != nil {
		return nil, err
	}
	return &Summary{Digest: s.desc.Digest, Layers: s.manifest.Layers, DiffIDs: s.config.RootFS.DiffIDs}, nil
}
