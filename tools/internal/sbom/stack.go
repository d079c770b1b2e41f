package sbom

import "fmt"

// Base is the image another image is built on (musl_base_image's base):
// the SBOM names it, with its manifest digest, and the image is its
// DESCENDANT_OF.
type Base struct {
	Name   string // its label
	Digest string // its manifest's digest, sha256:<hex>
}

// PackageKey identifies one installed package across METAs: its name and
// its Q1 checksum, which differs between any two builds of a package.
func PackageKey(name, checksum string) string { return name + "\x00" + checksum }

// LayerOf maps the PackageKey of each package of m to the digest of the
// layer that holds its files: the package's own Layer, or m's Digest for a
// package installed in the one layer m describes. A stacked layer keeps
// the base's records in its database but not their files, so its META
// takes their layers from here (see the layer verb's --base-meta).
func (m *Meta) LayerOf() map[string]string {
	out := make(map[string]string, len(m.Packages))
	for _, p := range m.Packages {
		l := p.Layer
		if l == "" {
			l = m.Digest
		}
		out[PackageKey(p.Name, p.Checksum)] = l
	}
	return out
}

// OSOf is the distribution named by an /etc/os-release's fields, or nil
// without an ID.
func OSOf(osRelease map[string]string) *OS {
	id := osRelease["ID"]
	if id == "" {
		return nil
	}
	return &OS{ID: id, Name: osRelease["NAME"], Version: osRelease["VERSION_ID"], PrettyName: osRelease["PRETTY_NAME"]}
}

// basePackage is the SPDX package of the base image.
func basePackage(b *Base) (spdxPackage, error) {
	p := spdxPackage{
		SPDXID: "SPDXRef-BaseImage", Name: b.Name, Description: "the base image",
		DownloadLocation: noAssertion, LicenseConcluded: noAssertion, LicenseDeclared: noAssertion,
		CopyrightText: noAssertion, Supplier: noAssertion, PrimaryPurpose: "CONTAINER",
	}
	if b.Name == "" {
		return p, fmt.Errorf("the base image needs a name")
	}
	if err := setDigest(&p, b.Name, b.Digest); err != nil {
		return p, fmt.Errorf("base image %s: %w", b.Name, err)
	}
	return p, nil
}
