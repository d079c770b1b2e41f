// Package apkbuild writes real Alpine APK v2 packages and signed
// APKINDEX.tar.gz files, byte for byte deterministic. Tests across the
// project and the bundled test mirror use it.
//
// It writes what it is told: file names are not validated, so tests can
// build hostile packages (path traversal, wrong checksum records) and check
// that readers reject them.
package apkbuild
