// Package apkfile reads one Alpine APK v2 package: it splits the gzip
// members (signature, control, data), checks the signature over the
// compressed control member against a keyring, parses .PKGINFO, computes
// the package identity (Q1 checksum), and streams the data member while
// checking every file against its APK-TOOLS.checksum.SHA1 record and the
// data member against .PKGINFO's datahash.
//
// Only packages with a datahash are supported: very old packages whose
// signature covers control and data together are rejected.
package apkfile
