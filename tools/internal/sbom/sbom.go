package sbom

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Creator is the tool named in every document's creationInfo.
const Creator = "Tool: musl-dynamic-apkimage"

// namespaceBase prefixes every documentNamespace; the namespace only has to be
// a unique URI, nothing is served there.
const namespaceBase = "https://github.com/musl-dynamic/musl-dynamic/spdx/"

const noAssertion = "NOASSERTION"

// Doc is what an image's SBOM describes.
type Doc struct {
	// Name is the image's name; it names the document and its root package.
	Name string
	// Created is the document's creation time (the image's build time).
	Created time.Time
	// Packages are the image's APK packages, in install order.
	Packages []Package
	// Digest is the image manifest's digest ("sha256:<hex>"), if known: the
	// root package's SHA256 checksum and purl.
	Digest string
	// OS is the distribution named by the image's /etc/os-release, if any.
	OS *OS
	// Layers are the image's layers, bottom first. When given, the image
	// CONTAINS each layer and the layer marked Packages CONTAINS the
	// packages; without them the image CONTAINS the packages. A package
	// whose Layer is one of them is CONTAINed by that one instead.
	Layers []Layer
	// Base is the image this one is built on, if any: the image is its
	// DESCENDANT_OF.
	Base *Base
}

// OS is what /etc/os-release says about the distribution.
type OS struct {
	ID, Name, Version, PrettyName string
}

// Layer is one layer of the image.
type Layer struct {
	Digest   string // of the compressed blob
	DiffID   string // of the uncompressed tar
	Packages bool   // the APK packages are installed in this layer
}

// Package is one installed APK package, as the layer verb's META.json lists it.
type Package struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Arch        string `json:"arch"`
	License     string `json:"license"`
	Origin      string `json:"origin"`
	Checksum    string `json:"checksum"` // apk's Q1: "Q1" + base64(SHA-1 of the control member)
	URL         string `json:"url"`
	Description string `json:"description"`
	// Layer is the digest of the layer holding the package when the
	// packages are split into several layers; empty otherwise.
	Layer string `json:"layer,omitempty"`
}

// Write writes d as SPDX 2.3 JSON: keys sorted, two-space indent, trailing
// newline.
func Write(w io.Writer, d Doc) error {
	doc, err := build(d)
	if err != nil {
		return err
	}
	return encode(w, d.Name, doc)
}

func build(d Doc) (*document, error) {
	if d.Name == "" {
		return nil, fmt.Errorf("SBOM: the image needs a name")
	}
	root := spdxPackage{
		SPDXID:           "SPDXRef-Image",
		Name:             d.Name,
		DownloadLocation: noAssertion,
		LicenseConcluded: noAssertion,
		LicenseDeclared:  noAssertion,
		CopyrightText:    noAssertion,
		Supplier:         noAssertion,
		PrimaryPurpose:   "CONTAINER",
	}
	doc := &document{
		SPDXVersion: "SPDX-2.3",
		DataLicense: "CC0-1.0",
		SPDXID:      "SPDXRef-DOCUMENT",
		Name:        d.Name,
		CreationInfo: creationInfo{
			Created:  d.Created.UTC().Format(time.RFC3339),
			Creators: []string{Creator},
		},
		Relationships: []relationship{{
			Element: "SPDXRef-DOCUMENT", Type: "DESCRIBES", Related: root.SPDXID,
		}},
	}
	if d.Digest != "" {
		if err := setDigest(&root, d.Name, d.Digest); err != nil {
			return nil, fmt.Errorf("SBOM %s: %w", d.Name, err)
		}
	}
	doc.Packages = []spdxPackage{root}
	used := map[string]bool{root.SPDXID: true}
	if d.Base != nil {
		bp, err := basePackage(d.Base)
		if err != nil {
			return nil, fmt.Errorf("SBOM %s: %w", d.Name, err)
		}
		used[bp.SPDXID] = true
		doc.Packages = append(doc.Packages, bp)
		doc.Relationships = append(doc.Relationships, relationship{Element: root.SPDXID, Type: "DESCENDANT_OF", Related: bp.SPDXID})
	}
	distro := ""
	if d.OS != nil && d.OS.ID != "" {
		osp := spdxPackage{
			SPDXID: "SPDXRef-OperatingSystem", Name: d.OS.ID, VersionInfo: d.OS.Version,
			Description: d.OS.PrettyName, DownloadLocation: noAssertion, LicenseConcluded: noAssertion,
			LicenseDeclared: noAssertion, CopyrightText: noAssertion, Supplier: noAssertion,
			PrimaryPurpose: "OPERATING-SYSTEM",
		}
		used[osp.SPDXID] = true
		doc.Packages = append(doc.Packages, osp)
		doc.Relationships = append(doc.Relationships, relationship{Element: root.SPDXID, Type: "CONTAINS", Related: osp.SPDXID})
		distro = d.OS.ID
		if d.OS.Version != "" {
			distro += "-" + d.OS.Version
		}
	}
	holder := root.SPDXID // what CONTAINS the packages
	layerID := map[string]string{}
	for i, l := range d.Layers {
		lp, err := layerPackage(i, l)
		if err != nil {
			return nil, fmt.Errorf("SBOM %s: %w", d.Name, err)
		}
		used[lp.SPDXID] = true
		doc.Packages = append(doc.Packages, lp)
		doc.Relationships = append(doc.Relationships, relationship{Element: root.SPDXID, Type: "CONTAINS", Related: lp.SPDXID})
		if l.Packages {
			holder = lp.SPDXID
		}
		layerID[l.Digest] = lp.SPDXID
	}
	for _, p := range d.Packages {
		sp, err := apkPackage(p, distro)
		if err != nil {
			return nil, fmt.Errorf("SBOM %s: package %s-%s: %w", d.Name, p.Name, p.Version, err)
		}
		sp.SPDXID = uniqueID(used, "SPDXRef-Package-"+sanitizeID(p.Name))
		doc.Packages = append(doc.Packages, sp)
		h := holder
		if id, ok := layerID[p.Layer]; ok {
			h = id
		} else if p.Layer != "" && len(d.Layers) > 0 {
			return nil, fmt.Errorf("SBOM %s: package %s-%s is in layer %s, which the image does not have; pass the META.json of the layer this image was built from", d.Name, p.Name, p.Version, p.Layer)
		}
		doc.Relationships = append(doc.Relationships, relationship{
			Element: h, Type: "CONTAINS", Related: sp.SPDXID,
		})
	}
	ns, err := namespace(d)
	if err != nil {
		return nil, err
	}
	doc.DocumentNamespace = ns
	return doc, nil
}

func apkPackage(p Package, distro string) (spdxPackage, error) {
	if p.Name == "" || p.Version == "" {
		return spdxPackage{}, fmt.Errorf("name and version are required; regenerate META.json with apkimage layer")
	}
	sp := spdxPackage{
		Name:             p.Name,
		VersionInfo:      p.Version,
		DownloadLocation: noAssertion,
		Homepage:         p.URL,
		LicenseConcluded: noAssertion,
		LicenseDeclared:  noAssertion,
		CopyrightText:    noAssertion,
		Supplier:         noAssertion,
		Description:      p.Description,
		ExternalRefs: []externalRef{{
			Category: "PACKAGE-MANAGER", Type: "purl", Locator: purlDistro(p, distro),
		}},
	}
	if validExpression(p.License) {
		sp.LicenseDeclared = p.License
	} else if p.License != "" {
		sp.LicenseComments = "apk license: " + p.License
	}
	if p.Checksum != "" {
		sum, err := q1Hex(p.Checksum)
		if err != nil {
			return spdxPackage{}, err
		}
		sp.Checksums = []checksum{{Algorithm: "SHA1", Value: sum}}
	}
	return sp, nil
}

// q1Hex turns apk's "Q1<base64 SHA-1>" into hex.
func q1Hex(q string) (string, error) {
	b64 := strings.TrimPrefix(q, "Q1")
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || b64 == q || len(raw) != 20 {
		return "", fmt.Errorf("checksum %q is not a Q1 SHA-1 (\"Q1\" and 28 base64 characters); regenerate META.json with apkimage layer", q)
	}
	return hex.EncodeToString(raw), nil
}

// namespace derives the documentNamespace from everything else in the
// document, so equal inputs give equal documents and different ones differ.
func namespace(d Doc) (string, error) {
	// The fields added later are left out when empty, so documents without
	// them keep the namespace they always had.
	b, err := json.Marshal(struct {
		Name     string
		Created  string
		Packages []Package
		Digest   string  `json:",omitempty"`
		OS       *OS     `json:",omitempty"`
		Layers   []Layer `json:",omitempty"`
		Base     *Base   `json:",omitempty"`
	}{d.Name, d.Created.UTC().Format(time.RFC3339), d.Packages, d.Digest, d.OS, d.Layers, d.Base})
	if err != nil {
		return "", fmt.Errorf("SBOM %s: %w", d.Name, err)
	}
	sum := sha256.Sum256(b)
	return namespaceBase + strings.Trim(sanitizeID(d.Name), "-.") + "-" + hex.EncodeToString(sum[:]), nil
}
