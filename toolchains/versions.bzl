"""The release table: version, URL templates and the sha256 of every released file.

`make release` (tools/release.sh) writes this file into the release archive
with the digests of the binaries it built; it is the one place they are
recorded. In a source checkout `TOOLS` is empty, and
`musl_dynamic_toolchains()` builds the tools from the checkout instead.
"""

VERSION = "0.0.0-dev"

# Where the released files are downloaded from; `{version}` and `{file}` are
# substituted. Override with musl_dynamic_toolchains(urls = [...]) or
# --experimental_downloader_config.
URLS = ["https://github.com/musl-dynamic/musl-dynamic/releases/download/v{version}/{file}"]

# {"<goos>_<goarch>": {"apkimage": sha256, "apkpush": sha256}}: the release
# binaries, files `apkimage-<goos>-<goarch>` and `apkpush-<goos>-<goarch>`.
TOOLS = {}

# The tools' Go source (`musl_dynamic-src-<version>.tar.gz`), for the
# from-source toolchain of a released rule set.
SOURCE = {}
