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
  and every file's SHA-1, spools contents (to disk past 1 MiB) and merges,
  before it compresses. Packages are read one after another; only
  compression runs on all cores.
- **Peak memory.** Contents are spooled: the first 1 MiB in memory, and
  once that buffer fills it becomes the write buffer of a temporary file
  (a smaller layer never creates one). What grows with the input is the
  merged tree's metadata, which must be whole before the sorted tar can
  start. Three changes took the 2 GB peak from 388 MB to about 110 MB
  (measured alone: 355 → 209 → 117 → 107–111 MB): apkimage layer verifies
  each package up front, then closes it and re-opens it only when the merge
  reaches it (checking that its Q1 is the one verified), and apkfile drops
  the decompressor at the end of the data member, so one package's reader
  (about 45 KB) is live instead of all of them; the tree keeps about 180
  bytes per entry and sorts entries in place instead of building name maps
  (writeTar also no longer lets io.MultiReader allocate 32 KB per file);
  and the layer verb sets a 100 MiB soft limit with debug.SetMemoryLimit
  (GOMEMLIMIT overrides it). The live heap at 2 GB (about 87,000 entries)
  is about 55 MB, of which about 20 MB are gzipx's blocks and encoders
  (2×cores+1 blocks of about 2 MiB: this part grows with the core count, not
  the input). The limit cost no measurable CPU time at 500 MB; a 64 MiB
  limit cut the 2 GB peak to 74 MB for about 15% more CPU time. What still
  grows is a few hundred bytes per layer entry (the entry and its file
  record, its name, a map slot, its lines in the installed database).
- **Bazel.** The layer action used to take the whole lock, so a one-package
  change re-ran all eight ApkLayer actions (measured: 8 × ApkLayer,
  1 × OciImage, 1 × OciIndex); apk_repository now gives each architecture
  the lock cut to that architecture, and only the changed architecture's
  layer, image and the index re-run. The index target does not build the
  SBOMs (ApkSbom is another output of musl_base_image), so none runs. The
  cold build includes starting a Bazel server, every repository rule
  (rules_go's and gazelle's included) and compiling the Go tools with
  Go 1.19; the apks and keys come from the repository cache.
- **Resolution.** "Before" is apkimage built from db96899 (main before
  issue #11), timed on the same index in alternation. What changed: the
  index text is read into one buffer that the records share, lists are cut
  from shared blocks, and fields are found without a line scanner; the
  apkfile member reader handed each compressed byte to SHA-1, SHA-256 and
  SHA-512 separately (with an allocation per byte) and now hands them
  blocks; decompression uses klauspost/compress (already pinned for
  gzipx); the solver indexes records from preallocated arrays, parses a
  record's dependencies only when it becomes a candidate, and keeps one
  parent link per package instead of a copy of the chain; and the resolve
  and lock verbs run the collector at GOGC 400 within a 256 MiB soft
  limit (their heap lives until exit; collecting it cost about a fifth of
  the CPU time). The in-process figures swing with the host's load more
  than the CPU times do.
- **Noise.** The host is shared; the load average at the start is recorded
  above. Baseline and product runs alternate so both see similar load.
`
