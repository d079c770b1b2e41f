// Package sbom writes an SPDX 2.3 JSON document listing the APK packages of
// one image.
//
// The document is a function of its inputs only: the namespace is derived
// from a hash of the content, the creation time is given by the caller, keys
// are sorted and packages keep the caller's order (install order).
//
// Field choices:
//   - Each package's checksum is the SHA-1 of its .apk control member, which
//     is what apk's Q1 checksum encodes in base64 (apk's package identity);
//     it is written in hex as an SPDX SHA1 checksum.
//   - licenseDeclared is the apk license string when it reads as an SPDX
//     license expression (identifiers, AND, OR, WITH, parentheses); the
//     identifiers are not checked against the SPDX license list. Anything
//     else becomes NOASSERTION with the original kept in licenseComments.
//     licenseConcluded is always NOASSERTION: nothing here analyses files.
//   - The apk url is the project's homepage (the .PKGINFO url field), so it
//     goes to homepage; downloadLocation is NOASSERTION.
//   - A root package for the image CONTAINS every APK package; the document
//     DESCRIBES the root. Given the image's digest, the root carries it as
//     its version, a SHA256 checksum and a pkg:oci purl; given its layers,
//     the image CONTAINS one ARCHIVE package per layer (digest, diff_id)
//     and the apk layer CONTAINS the packages; given /etc/os-release, an
//     OPERATING-SYSTEM package (ID, VERSION_ID) and the purls' distro
//     qualifier (alpine-3.21.0), as syft writes it.
//   - WriteIndex describes an image index: the index package (its digest)
//     CONTAINS one package per platform's image (digest, platform).
package sbom
