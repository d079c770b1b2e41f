#!/usr/bin/env bash
# Writes applets/<version>.txt from a busybox build: the binary itself, or
# an .apk holding bin/busybox (e.g. Alpine's busybox-<version>.apk).
#   tools/internal/busybox/refresh.sh busybox-1.37.0-r12.apk
#   tools/internal/busybox/refresh.sh /path/to/busybox 1.37.0
# A foreign-architecture binary runs under qemu-user (binfmt) when it is
# registered; a static build is simplest. Review the diff before committing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:?usage: refresh.sh BUSYBOX_BINARY_OR_APK [VERSION]}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$src
version=${2:-}
if [[ $src == *.apk ]]; then
  tar -xzf "$src" -C "$tmp" bin/busybox 2>/dev/null || tar -xzf "$src" -C "$tmp"
  bin=$tmp/bin/busybox
  if [ -z "$version" ]; then
    version=$(basename "$src" .apk)
    version=${version#busybox-}
  fi
fi
version=${version%%-r*}
[ -n "$version" ] || { echo "refresh.sh: give the version as the second argument" >&2; exit 2; }
out=$here/applets/$version.txt
{
  echo "# busybox $version applet paths: \`busybox --list-full | sort\` of $(basename "$src")."
  echo "# Refresh: tools/internal/busybox/refresh.sh"
  "$bin" --list-full | sort
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(grep -vc '^#' "$out") applets)"
