#!/usr/bin/env bash
# Called by tools/setup.sh: one musl sysroot per Alpine architecture in
# $1 (default $cache/musl-sysroots), the input of the bundled mirror's musl
# packages and of every hello binary (e2e/hello/build.sh, examples/c_hello):
#
#   <apkarch>/lib/libc.so          musl's libc, which is also its loader
#   <apkarch>/lib/{Scrt1,crti,crtn}.o
#   <apkarch>/include/             musl's headers
#   <apkarch>/ORIGIN               one line: where these bytes come from (the
#                                  bundled mirror's musl description ends so)
#
# Six come unchanged from Debian's musl and musl-dev .debs (in $2, default
# $cache/musl-debs). Two Debian does not have are built here from Debian's
# musl source package with Debian's cross compilers:
#   riscv64  riscv64-linux-gnu-gcc (Debian ships no riscv64 musl)
#   armhf    arm-linux-gnueabihf-gcc for ARMv6 + VFP, hard float, ARM mode,
#            as Alpine's armhf (Debian's own armhf musl is ARMv7 code). The
#            compiler's own libgcc is ARMv7/Thumb-2 code, so libc.so takes
#            its division and conversion helpers from Debian's armel libgcc
#            (ARMv5TE, ARM mode; libgcc-12-dev-armel-cross, downloaded by
#            setup.sh): those __aeabi_* helpers use the base calling
#            convention in hard- and soft-float code alike, so the float-ABI
#            tag mismatch the linker would report is waived for them.
# The builds are deterministic: fixed flags, the source path mapped to
# musl-<version>, no debug info, no build id, SOURCE_DATE_EPOCH fixed.
# Idempotent: a sysroot is rebuilt only when its recorded recipe changes.
set -euo pipefail

cache=${MUSL_DYNAMIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/musl-dynamic}
out=${1:-$cache/musl-sysroots}
debdir=${2:-$cache/musl-debs}
say() { echo "musl_sysroots: $*" >&2; }
mkdir -p "$out"

# apkarch -> Debian arch and musl triplet (Debian's .deb layout).
declare -A DEB=([x86]=i386 [x86_64]=amd64 [aarch64]=arm64 [armv7]=armhf [ppc64le]=ppc64el [s390x]=s390x)
declare -A TRIP=([i386]=i386-linux-musl [amd64]=x86_64-linux-musl [arm64]=aarch64-linux-musl
  [armhf]=arm-linux-musleabihf [ppc64el]=powerpc64le-linux-musl [s390x]=s390x-linux-musl)

# last_file DIR GLOB: the last match in sort order (the newest version), or "".
last_file() { find "$1" -maxdepth 1 -name "$2" 2>/dev/null | sort | tail -1 || true; }

# install_tree SRC_LIBDIR SRC_INCLUDE DEST: copy the parts hello links with.
install_tree() {
  local lib=$1 inc=$2 dest=$3
  mkdir -p "$dest/lib"
  # Debian's libc.so in /lib/<trip> is the real file (the loader links to it).
  cp -L "$lib/libc.so" "$dest/lib/libc.so"
  for o in Scrt1.o crti.o crtn.o; do cp "$lib/$o" "$dest/lib/$o"; done
  cp -r "$inc" "$dest/include"
  chmod 0755 "$dest/lib/libc.so"
}

# --- From Debian's binary packages -----------------------------------------
for a in "${!DEB[@]}"; do
  d=${DEB[$a]} trip=${TRIP[${DEB[$a]}]}
  musl=$(last_file "$debdir" "musl_*_$d.deb")
  dev=$(last_file "$debdir" "musl-dev_*_$d.deb")
  if [ -z "$musl" ] || [ -z "$dev" ]; then say "no musl/musl-dev .deb for $d in $debdir"; exit 1; fi
  version=${musl##*/musl_} version=${version%_"$d".deb}
  origin="taken unchanged from Debian's musl $version ($d)"
  [ "$(cat "$out/$a/ORIGIN" 2>/dev/null)" = "$origin" ] && continue
  say "$a: sysroot from $(basename "$musl") and $(basename "$dev")"
  tmp=$(mktemp -d)
  dpkg-deb -x "$musl" "$tmp/root"
  dpkg-deb -x "$dev" "$tmp/root"
  rm -rf "$out/$a.new" && mkdir -p "$out/$a.new"
  # libc.so is in /lib/<trip>, the crt files in /usr/lib/<trip>.
  cp -L "$tmp/root/lib/$trip/libc.so" "$tmp/root/usr/lib/$trip/libc.so.real"
  mv "$tmp/root/usr/lib/$trip/libc.so.real" "$tmp/root/usr/lib/$trip/libc.so"
  install_tree "$tmp/root/usr/lib/$trip" "$tmp/root/usr/include/$trip" "$out/$a.new"
  echo "$origin" > "$out/$a.new/ORIGIN"
  rm -rf "$tmp" "${out:?}/$a" && mv "$out/$a.new" "$out/$a"
done

# --- From Debian's source package, cross-compiled ---------------------------
# apkarch -> cross compiler prefix, extra CFLAGS.
declare -A CROSS=([riscv64]=riscv64-linux-gnu [armhf]=arm-linux-gnueabihf)
declare -A CPUFLAGS=([riscv64]="" [armhf]="-march=armv6kz -mfpu=vfp -mfloat-abi=hard -marm")
srcdir=$cache/musl-source
dsc=$(last_file "$srcdir" "musl_*.dsc")
[ -n "$dsc" ] || { say "no musl source package in $srcdir (tools/setup.sh downloads it)"; exit 1; }
srcver=${dsc##*/musl_} srcver=${srcver%.dsc}
upstream=${srcver%-*}
epoch=1733356800 # 2024-12-05, the bundled mirror's build date
armel_deb=$(last_file "$srcdir" "libgcc-*-dev-armel-cross_*.deb")
[ -n "$armel_deb" ] || { say "no libgcc-*-dev-armel-cross .deb in $srcdir (tools/setup.sh downloads it)"; exit 1; }
for a in riscv64 armhf; do
  cc=${CROSS[$a]}-gcc
  command -v "$cc" >/dev/null || { say "$cc is missing (tools/setup.sh installs gcc-${CROSS[$a]})"; exit 1; }
  ccver=$("$cc" -dumpfullversion)
  cflags="-O2 -g0 -pipe${CPUFLAGS[$a]:+ ${CPUFLAGS[$a]}}"
  origin="built from Debian's musl $srcver source with ${CROSS[$a]}-gcc $ccver ($cflags)"
  libcc=() ldflags="-Wl,--build-id=none"
  if [ "$a" = armhf ]; then
    origin="$origin and $(basename "$armel_deb" .deb)'s libgcc"
    ldflags="$ldflags -Wl,--no-warn-mismatch"
  fi
  [ "$(cat "$out/$a/ORIGIN" 2>/dev/null)" = "$origin" ] && continue
  say "$a: building musl $srcver with $cc $ccver"
  # A fixed build path keeps the bytes independent of the cache location
  # even where a path escapes the prefix map.
  build=/tmp/musl-dynamic-musl-build-$a
  rm -rf "$build" && mkdir -p "$build"
  (cd "$build" && dpkg-source --no-check -x "$dsc" "musl-$upstream" >/dev/null)
  if [ "$a" = armhf ]; then
    dpkg-deb -x "$armel_deb" "$build/armel"
    libcc=("LIBCC=$(find "$build/armel" -name libgcc.a | head -1)")
  fi
  (
    cd "$build/musl-$upstream"
    export SOURCE_DATE_EPOCH=$epoch LC_ALL=C TZ=UTC
    ./configure --target="${CROSS[$a]}" --prefix=/usr --syslibdir=/lib \
      CC="$cc" CROSS_COMPILE="${CROSS[$a]}-" \
      CFLAGS="$cflags -ffile-prefix-map=$build/musl-$upstream=musl-$upstream" \
      LDFLAGS="$ldflags" "${libcc[@]}" >"$build/configure.log"
    make -j"$(nproc)" >"$build/make.log" 2>&1 || { tail -20 "$build/make.log" >&2; exit 1; }
    make install DESTDIR="$build/root" >>"$build/make.log" 2>&1
  )
  rm -rf "$out/$a.new" && mkdir -p "$out/$a.new"
  install_tree "$build/root/usr/lib" "$build/root/usr/include" "$out/$a.new"
  echo "$origin" > "$out/$a.new/ORIGIN"
  rm -rf "${out:?}/$a" && mv "$out/$a.new" "$out/$a"
  rm -rf "$build"
done
