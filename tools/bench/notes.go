package main

// notes explains how to read the figures; it ends every report.
const notes = `## Notes

- **Encoder.** gzipx uses github.com/klauspost/compress/flate (level 6, the
  version go.mod pins), promoted from an indirect dependency of
  go-containerregistry. With the standard library's compress/flate the layer
  build measured 0.94× the baseline on the 500 MB set (26.5 s against 24.0 s):
  compression dominated and compress/flate at level 6 is slower than GNU gzip
  per core, so two cores could not reach 1.7×. klauspost's encoder took the
  same build to about 7–9 s. Its output is a few per cent larger than gzip -6
  (see "Compressors"); compress/flate's is about the same as gzip -6. Pinning
  the encoder by module version also keeps the bytes independent of the Go
  toolchain (the pinned digests in gzipx's tests pass with Go 1.19 and with
  the current Go).
- **The baseline does less work**: it reads files already extracted, while
  apkimage layer decompresses every package, checks signatures, the datahash
  and every file's SHA-1, spools contents to disk and merges, before it
  compresses. Packages are read one after another; only compression runs on
  all cores.
- **Peak memory is not flat yet** (found when gzipx was made parallel;
  gzipx itself holds at most 2×cores+1 blocks of about 2 MiB). A heap
  profile of the 2 GB build (1,204 packages, about 87,000 entries) shows
  about 107 MB live when the tar starts: 52 MB are the gzip readers of every
  package, all opened before layer.Write starts and kept after their data
  is read (about 45 KB each, so growing with the package count), and about
  50 MB are the merged tree's per-entry metadata (about 600 bytes per
  entry). The Go collector's default headroom (GOGC=100) doubles that.
  What closes it: open each package when the merge reaches it, or drop its
  decompressor at the end of its data member (apkimage layer, apkfile);
  slimmer tree entries (layer); and a soft limit with
  runtime/debug.SetMemoryLimit (Go 1.19) in apkimage once the live heap is
  below it. GOMEMLIMIT=100MiB alone cut the 2 GB peak to 157 MB but made
  the build about twice as slow, because the live heap is above the limit.
- **Resolution** is dominated by verifying and parsing the index (gzip,
  SHA-1/256 and RSA over 220 KB, then 5,000 records); the solver takes a few
  milliseconds. Figures swing with the host's load (medians of 26 ms on a
  quieter host).
- **Noise.** The host is shared; the load average at the start is recorded
  above. Baseline and product runs alternate so both see similar load.
`
