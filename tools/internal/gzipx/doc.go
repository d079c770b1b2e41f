// Package gzipx writes gzip streams whose bytes depend only on their input,
// so that a layer built twice has the same digest.
//
// The gzip header carries no file name, no comment, a zero modification time
// and the OS byte 255 ("unknown"); the level is fixed at 6, the level of
// `gzip -6` (the compressed bytes are Go's compress/flate, not GNU gzip's).
// Compress and Measure compute a layer's diff_id (sha256 of the tar), its
// digest (sha256 of the gzip stream) and its size in a single pass.
package gzipx
