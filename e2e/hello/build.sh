#!/usr/bin/env bash
# Builds hello.c for one Alpine architecture as a dynamically linked musl
# executable whose interpreter is /lib/ld-musl-<name>.so.1 and whose only
# DT_NEEDED is libc.musl-<apkarch>.so.1, as on Alpine.
#
#   build.sh APKARCH OUT [DEBDIR]
#
# Cross-compiles with Debian's clang and lld against the headers and crt
# files of Debian's musl-dev:<arch> and the libc.so of musl:<arch>, both
# .debs in DEBDIR (default: the cache tools/setup.sh fills). The output is
# reproducible for a given clang: no build id, no host paths.
# riscv64 is refused: Debian bookworm ships no musl for it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
arch=${1:?usage: build.sh APKARCH OUT [DEBDIR]}
out=${2:?usage: build.sh APKARCH OUT [DEBDIR]}
debdir=${3:-${MUSL_DYNAMIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/musl-dynamic}/musl-debs}

# apkarch -> Debian arch, musl triplet, loader name, clang target, extra flags.
case $arch in
  x86)     deb=i386;    trip=i386-linux-musl;        ld=i386;        target=i686-linux-musl;         flags=() ;;
  x86_64)  deb=amd64;   trip=x86_64-linux-musl;      ld=x86_64;      target=x86_64-linux-musl;       flags=() ;;
  aarch64) deb=arm64;   trip=aarch64-linux-musl;     ld=aarch64;     target=aarch64-linux-musl;      flags=() ;;
  # Alpine's armhf is ARMv6 hard-float; Debian's musl for armhf is built for
  # ARMv7, so this binary is v6 code that still needs a v7 libc to run.
  armhf)   deb=armhf;   trip=arm-linux-musleabihf;   ld=armhf;       target=armv6-linux-musleabihf;  flags=(-mfloat-abi=hard -mfpu=vfp) ;;
  armv7)   deb=armhf;   trip=arm-linux-musleabihf;   ld=armhf;       target=armv7-linux-musleabihf;  flags=(-mfloat-abi=hard -mfpu=vfpv3-d16) ;;
  ppc64le) deb=ppc64el; trip=powerpc64le-linux-musl; ld=powerpc64le; target=powerpc64le-linux-musl;  flags=() ;;
  s390x)   deb=s390x;   trip=s390x-linux-musl;       ld=s390x;       target=s390x-linux-musl;        flags=() ;;
  riscv64) echo "build.sh: riscv64: Debian ships no musl for riscv64, so hello cannot be linked; the mirror omits it" >&2; exit 3 ;;
  *) echo "build.sh: unknown apk arch '$arch' (want x86 x86_64 aarch64 armhf armv7 ppc64le s390x)" >&2; exit 2 ;;
esac

# lld 14 (Debian bookworm) cannot link s390x; GNU ld from
# binutils-s390x-linux-gnu can.
linker=(-fuse-ld=lld)
tools=(clang ld.lld dpkg-deb)
if [ "$arch" = s390x ]; then
  linker=(--ld-path=/usr/bin/s390x-linux-gnu-ld)
  tools=(clang s390x-linux-gnu-ld dpkg-deb)
fi
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null || { echo "build.sh: $t not found: run tools/setup.sh (installs clang, lld, binutils-s390x-linux-gnu)" >&2; exit 4; }
done
first_deb() { find "$debdir" -maxdepth 1 -name "$1" 2>/dev/null | sort | head -1 || true; }
musl=$(first_deb "musl_*_$deb.deb")
dev=$(first_deb "musl-dev_*_$deb.deb")
if [ -z "$musl" ] || [ -z "$dev" ]; then
  echo "build.sh: $arch: need musl and musl-dev .debs for $deb in $debdir: run tools/setup.sh" >&2
  exit 4
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$musl" "$tmp/root"
dpkg-deb -x "$dev" "$tmp/root"
lib=$tmp/root/usr/lib/$trip
# Link against libc under Alpine's name so DT_NEEDED reads
# libc.musl-<apkarch>.so.1; musl's loader treats any libc.* as itself.
mkdir "$tmp/link"
cp "$tmp/root/lib/$trip/libc.so" "$tmp/link/libc.musl-$arch.so.1"

# The source is copied so no path of this checkout reaches the binary.
cp "$here/hello.c" "$tmp/hello.c"
cd "$tmp"
clang --target="$target" "${flags[@]}" -O2 -fPIE -fno-ident \
  -nostdinc -isystem "$tmp/root/usr/include/$trip" \
  -ffile-prefix-map="$tmp"=. -DHELLO_ARCH="\"$arch\"" \
  -c hello.c -o hello.o
clang --target="$target" "${flags[@]}" "${linker[@]}" -nostdlib -pie \
  -Wl,--build-id=none -Wl,--strip-all -Wl,--hash-style=both -Wl,-z,relro -Wl,-z,now \
  -Wl,--dynamic-linker="/lib/ld-musl-$ld.so.1" \
  "$lib/Scrt1.o" "$lib/crti.o" hello.o -L"$tmp/link" -l:"libc.musl-$arch.so.1" "$lib/crtn.o" \
  -o hello
mkdir -p "$(dirname "$out")"
cp hello "$tmp/out" && mv "$tmp/out" "$out"
