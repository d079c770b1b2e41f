// Package apkindex reads and writes Alpine repository indexes: the signed
// APKINDEX.tar.gz (Read) and the APKINDEX text inside it (Parse, Format).
package apkindex
