#!/usr/bin/env bash
# Builds hello.c for one Alpine architecture as a dynamically linked musl
# executable whose interpreter is /lib/ld-musl-<name>.so.1 and whose only
# DT_NEEDED is libc.musl-<apkarch>.so.1, as on Alpine.
#
#   build.sh APKARCH OUT [SYSROOT]
#
# Cross-compiles with clang and lld against a musl sysroot (include/,
# lib/{libc.so,Scrt1.o,crti.o,crtn.o}; default: the one tools/setup.sh
# prepares for APKARCH, see tools/musl_sysroots.sh). CLANG, LD_LLD and
# S390X_LD name the tools (default: found on PATH). The output is
# reproducible for a given clang: no build id, no host paths.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
arch=${1:?usage: build.sh APKARCH OUT [SYSROOT]}
out=${2:?usage: build.sh APKARCH OUT [SYSROOT]}
sysroot=${3:-${MUSL_DYNAMIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/musl-dynamic}/musl-sysroots/$arch}
clang=${CLANG:-clang}

# The loader name, clang target and flags of the apk arch come from the
# platform table (e2e/platforms.sh, generated from tools/internal/platform).
# shellcheck source=e2e/platforms.sh
source "$here/../platforms.sh"
p=
for q in "${PLATFORMS[@]}"; do
  if [ "${PLATFORM_APKARCH[$q]}" = "$arch" ]; then p=$q; fi
done
if [ -z "$p" ]; then
  echo "build.sh: unknown apk arch '$arch' (want one of:$(for q in "${PLATFORMS[@]}"; do printf ' %s' "${PLATFORM_APKARCH[$q]}"; done))" >&2
  exit 2
fi
ld=${PLATFORM_LOADER[$p]} target=${PLATFORM_CLANG_TARGET[$p]}
read -r -a flags <<<"${PLATFORM_CLANG_FLAGS[$p]}"

# lld 14 (Debian bookworm) cannot link s390x; GNU ld from
# binutils-s390x-linux-gnu can.
lld=${LD_LLD:-$(command -v ld.lld || echo ld.lld)}
linker=(--ld-path="$lld")
tools=("$clang" "$lld")
if [ "$arch" = s390x ]; then
  s390x_ld=${S390X_LD:-$(command -v s390x-linux-gnu-ld || echo s390x-linux-gnu-ld)}
  linker=(--ld-path="$s390x_ld")
  tools=("$clang" "$s390x_ld")
fi
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null || { echo "build.sh: $t not found: run tools/setup.sh (installs clang, lld, binutils-s390x-linux-gnu)" >&2; exit 4; }
done
for f in include/stdio.h lib/libc.so lib/Scrt1.o lib/crti.o lib/crtn.o; do
  [ -e "$sysroot/$f" ] || { echo "build.sh: $arch: the musl sysroot $sysroot has no $f: run tools/setup.sh" >&2; exit 4; }
done
sysroot=$(cd "$sysroot" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Link against libc under Alpine's name so DT_NEEDED reads
# libc.musl-<apkarch>.so.1; musl's loader treats any libc.* as itself.
mkdir "$tmp/link"
cp "$sysroot/lib/libc.so" "$tmp/link/libc.musl-$arch.so.1"

# The source is copied so no path of this checkout reaches the binary.
cp "$here/hello.c" "$tmp/hello.c"
cd "$tmp"
"$clang" --target="$target" "${flags[@]}" -O2 -fPIE -fno-ident \
  -nostdinc -isystem "$sysroot/include" \
  -ffile-prefix-map="$tmp"=. -ffile-prefix-map="$sysroot"=sysroot -DHELLO_ARCH="\"$arch\"" \
  -c hello.c -o hello.o
"$clang" --target="$target" "${flags[@]}" "${linker[@]}" -nostdlib -pie \
  -Wl,--build-id=none -Wl,--strip-all -Wl,--hash-style=both -Wl,-z,relro -Wl,-z,now \
  -Wl,--dynamic-linker="/lib/ld-musl-$ld.so.1" \
  "$sysroot/lib/Scrt1.o" "$sysroot/lib/crti.o" hello.o -L"$tmp/link" -l:"libc.musl-$arch.so.1" "$sysroot/lib/crtn.o" \
  -o hello
mkdir -p "$(dirname "$out")"
cp hello "$tmp/out" && mv "$tmp/out" "$out"
