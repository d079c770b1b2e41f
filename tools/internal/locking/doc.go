// Package locking creates locks: it downloads the configured keys, then per
// architecture fetches and verifies each repository's signed index,
// resolves the world and downloads and fully verifies every selected
// package, recording its digests. It is the only code that resolves or
// talks to repositories at locking time; the file format, validation,
// staleness and URL rules are package lock's.
package locking
