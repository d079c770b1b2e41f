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
//     DESCRIBES the root.
package sbom
