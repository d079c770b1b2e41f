#!/usr/bin/env bash
# make release: cross-compiles apkimage and apkpush reproducibly (CGO off,
# -trimpath, no build id, no VCS stamp) and writes to OUT (default out/release):
#   apkimage-<os>-<arch>, apkpush-<os>-<arch>   the release binaries
#   musl_dynamic-src-<version>.tar.gz           the tools' Go source (from-source toolchain)
#   musl_dynamic-<version>.tar.gz               the rule set users http_archive: rules/,
#                                               toolchains/ (with the filled versions.bzl),
#                                               platforms/, BUILD, WORKSPACE, MODULE files
#   SHA256SUMS                                  every file's sha256
# toolchains/versions.bzl inside the archive is the one table of the
# binaries' and the source archive's sha256 that the rules download with.
# The same source, Go version and VERSION give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${VERSION:-0.0.0}
OUT=${OUT:-out/release}
PLATFORMS=${PLATFORMS:-"linux_amd64 linux_arm64 darwin_amd64 darwin_arm64"}
GO=${GO:-go}

case $VERSION in
  *[!A-Za-z0-9._-]* | "") echo "release: VERSION '$VERSION' must be letters, digits, '.', '_' or '-'" >&2; exit 2 ;;
esac
rm -rf "$OUT"
mkdir -p "$OUT"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# tarball DIR OUT: a reproducible tar.gz of DIR's contents.
tarball() {
  tar --create --directory="$1" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
    --mtime=@0 --mode='u+rwX,go+rX,go-w' . | gzip -n -9 >"$2"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

tools=""
for p in $PLATFORMS; do
  goos=${p%_*} goarch=${p#*_}
  entry=""
  for t in apkimage apkpush; do
    f="$t-$goos-$goarch"
    echo "release: building $f" >&2
    CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch GOFLAGS=-mod=mod GOTOOLCHAIN=local \
      "$GO" build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$OUT/$f" "./tools/cmd/$t"
    entry+="\"$t\": \"$(sha "$OUT/$f")\", "
  done
  tools+="    \"$p\": {${entry%, }},"$'\n'
done

# The Go source of the two tools and what they import, without tests.
src="$stage/src"
mkdir -p "$src"
git ls-files go.mod go.sum tools/cmd/apkimage tools/cmd/apkpush tools/internal |
  grep -v -e '_test\.go$' -e '/testdata/' | while read -r f; do
    mkdir -p "$src/$(dirname "$f")" && cp "$f" "$src/$f"
  done
srcfile="musl_dynamic-src-$VERSION.tar.gz"
tarball "$src" "$OUT/$srcfile"

# The rule set: what users load, nothing of the tools' source or the tests.
rs="$stage/rules"
mkdir -p "$rs"
git ls-files rules toolchains platforms | grep -v '^rules/tests/' | while read -r f; do
  mkdir -p "$rs/$(dirname "$f")" && cp "$f" "$rs/$f"
done
cat >"$rs/WORKSPACE" <<W
workspace(name = "musl_dynamic")
W
cat >"$rs/BUILD.bazel" <<'W'
# musl-dynamic rule set: load //rules:defs.bzl and //rules:repositories.bzl.
W
sed "s/^    version = \"[^\"]*\",/    version = \"$VERSION\",/" MODULE.bazel >"$rs/MODULE.bazel"
{
  echo '"""The release table of musl-dynamic '"$VERSION"' (written by make release): version, URLs, sha256s."""'
  echo
  echo "VERSION = \"$VERSION\""
  echo
  grep '^URLS = ' toolchains/versions.bzl
  echo
  echo "TOOLS = {"
  printf '%s' "$tools"
  echo "}"
  echo
  echo "SOURCE = {\"file\": \"$srcfile\", \"sha256\": \"$(sha "$OUT/$srcfile")\"}"
} >"$rs/toolchains/versions.bzl"
tarball "$rs" "$OUT/musl_dynamic-$VERSION.tar.gz"

(cd "$OUT" && sha256sum -- * | sort -k2 >SHA256SUMS)
echo "release: $OUT (version $VERSION)" >&2
cat "$OUT/SHA256SUMS"
