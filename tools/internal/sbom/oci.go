package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/stablejson"
)

// setDigest gives an image or index package its manifest digest: a SHA256
// checksum and a pkg:oci purl.
func setDigest(p *spdxPackage, name, digest string) error {
	h, err := sha256Hex(digest)
	if err != nil {
		return err
	}
	p.VersionInfo = digest
	p.Checksums = []checksum{{Algorithm: "SHA256", Value: h}}
	p.ExternalRefs = append(p.ExternalRefs, externalRef{
		Category: "PACKAGE-MANAGER", Type: "purl", Locator: ociPurl(name, digest, ""),
	})
	return nil
}

func sha256Hex(digest string) (string, error) {
	h := strings.TrimPrefix(digest, "sha256:")
	if _, err := hex.DecodeString(h); err != nil || len(h) != 64 || h == digest {
		return "", fmt.Errorf("digest %q is not sha256:<64 hex digits>", digest)
	}
	return h, nil
}

// ociPurl is pkg:oci/NAME@sha256%3AHEX with NAME the lower-cased last part
// of a label or repository ("//examples/service:image" gives "image").
func ociPurl(name, digest, platform string) string {
	n := name
	if i := strings.LastIndexAny(n, ":/"); i >= 0 {
		n = n[i+1:]
	}
	n = strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '.', r == '_', r == '-':
			return r
		case 'A' <= r && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '-'
	}, n), "-._")
	if n == "" {
		n = "image"
	}
	s := "pkg:oci/" + purlEscape(n) + "@" + purlEscape(digest)
	if platform != "" {
		parts := strings.SplitN(platform, "/", 3)
		q := []string{}
		if len(parts) > 1 {
			q = append(q, "arch="+purlEscape(parts[1]))
		}
		q = append(q, "os="+purlEscape(parts[0]))
		if len(parts) > 2 {
			q = append(q, "variant="+purlEscape(parts[2]))
		}
		s += "?" + strings.Join(q, "&")
	}
	return s
}

func layerPackage(i int, l Layer) (spdxPackage, error) {
	h, err := sha256Hex(l.Digest)
	if err != nil {
		return spdxPackage{}, fmt.Errorf("layer %d: %w", i, err)
	}
	desc := fmt.Sprintf("layer %d of the image, diff_id %s", i, l.DiffID)
	if l.Packages {
		desc += "; the APK packages are installed here"
	}
	return spdxPackage{
		SPDXID: fmt.Sprintf("SPDXRef-Layer-%d", i), Name: fmt.Sprintf("layer-%d", i), VersionInfo: l.Digest,
		Description: desc, Checksums: []checksum{{Algorithm: "SHA256", Value: h}},
		DownloadLocation: noAssertion, LicenseConcluded: noAssertion, LicenseDeclared: noAssertion,
		CopyrightText: noAssertion, Supplier: noAssertion, PrimaryPurpose: "ARCHIVE",
	}, nil
}

// Index is what an image index's SBOM describes.
type Index struct {
	Name    string
	Created time.Time
	Digest  string       // the index's digest
	Images  []IndexImage // in the index's order
}

// IndexImage is one platform's image of an index.
type IndexImage struct {
	Digest   string // manifest digest
	Platform string // os/architecture[/variant]
}

// WriteIndex writes the SPDX 2.3 document of an image index: the index
// package DESCRIBED by the document CONTAINS one package per image, each
// with its digest and platform.
func WriteIndex(w io.Writer, x Index) error {
	if x.Name == "" {
		return fmt.Errorf("SBOM: the index needs a name")
	}
	root := spdxPackage{
		SPDXID: "SPDXRef-Index", Name: x.Name, DownloadLocation: noAssertion, LicenseConcluded: noAssertion,
		LicenseDeclared: noAssertion, CopyrightText: noAssertion, Supplier: noAssertion, PrimaryPurpose: "CONTAINER",
		Description: fmt.Sprintf("OCI image index of %d platforms", len(x.Images)),
	}
	if err := setDigest(&root, x.Name, x.Digest); err != nil {
		return fmt.Errorf("SBOM %s: %w", x.Name, err)
	}
	doc := &document{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT", Name: x.Name,
		CreationInfo:  creationInfo{Created: x.Created.UTC().Format(time.RFC3339), Creators: []string{Creator}},
		Packages:      []spdxPackage{root},
		Relationships: []relationship{{Element: "SPDXRef-DOCUMENT", Type: "DESCRIBES", Related: root.SPDXID}},
	}
	used := map[string]bool{root.SPDXID: true}
	for _, im := range x.Images {
		h, err := sha256Hex(im.Digest)
		if err != nil {
			return fmt.Errorf("SBOM %s: image %s: %w", x.Name, im.Platform, err)
		}
		p := spdxPackage{
			SPDXID: uniqueID(used, "SPDXRef-Image-"+sanitizeID(im.Platform)), Name: x.Name + " " + im.Platform,
			VersionInfo: im.Digest, Description: "the " + im.Platform + " image",
			Checksums:        []checksum{{Algorithm: "SHA256", Value: h}},
			ExternalRefs:     []externalRef{{Category: "PACKAGE-MANAGER", Type: "purl", Locator: ociPurl(x.Name, im.Digest, im.Platform)}},
			DownloadLocation: noAssertion, LicenseConcluded: noAssertion, LicenseDeclared: noAssertion,
			CopyrightText: noAssertion, Supplier: noAssertion, PrimaryPurpose: "CONTAINER",
		}
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, relationship{Element: root.SPDXID, Type: "CONTAINS", Related: p.SPDXID})
	}
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Errorf("SBOM %s: %w", x.Name, err)
	}
	sum := sha256.Sum256(b)
	doc.DocumentNamespace = namespaceBase + strings.Trim(sanitizeID(x.Name), "-.") + "-index-" + hex.EncodeToString(sum[:])
	return encode(w, x.Name, doc)
}

// encode writes doc as JSON: keys sorted, two-space indent, trailing newline.
func encode(w io.Writer, name string, doc *document) error {
	b, err := stablejson.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding SBOM %s: %w", name, err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("writing SBOM %s: %w", name, err)
	}
	return nil
}
