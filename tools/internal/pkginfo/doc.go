// Package pkginfo reads and writes the .PKGINFO file of an Alpine APK v2
// package: "key = value" lines, '#' comments, list keys repeated.
//
// Parse accepts what abuild writes and rejects what it never writes
// (lines without " = ", repeated single-value keys, bad numbers), so a
// malformed package fails loudly instead of being half understood.
package pkginfo
