// Package gzipx writes gzip streams whose bytes depend only on their input,
// so that a layer built twice has the same digest, and writes them on all
// processors.
//
// The gzip header carries no file name, no comment, a zero modification time
// and the OS byte 255 ("unknown"). The input is cut into BlockSize blocks
// (the cut depends on nothing but the input); each block is compressed as
// raw deflate primed with the 32 KiB of input before it, non-final blocks
// end with a sync flush so they stop on a byte boundary, and the blocks are
// concatenated in order under one header and one trailer. The output is
// therefore the same for any number of workers and any sizes of Write
// calls, and is one ordinary gzip member that any decompressor reads.
//
// The deflate encoder is github.com/klauspost/compress/flate at Level 6,
// pinned by go.mod, so the bytes do not change with the Go toolchain;
// changing the level, BlockSize or that module's version changes every
// digest. It is about three times as fast as compress/flate at the same
// level, for streams about 4% larger than `gzip -6` (BENCHMARKS.md).
//
// Compress and Measure compute a layer's diff_id (sha256 of the tar), its
// digest (sha256 of the gzip stream) and its size in a single pass.
package gzipx
