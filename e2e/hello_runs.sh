# shellcheck shell=bash
# Shared by e2e/run.sh and e2e/demo.sh: run /hello inside each of the eight
# c_hello images. amd64 runs natively in a chroot; the others under
# qemu-user with the image's own loader (-L makes qemu find
# /lib/ld-musl-*.so.1 inside the unpacked image). 386 too: a chroot exec of
# a 32-bit binary fails on hosts whose binfmt_misc hands i386 to a qemu that
# is not inside the chroot. arm/v6 runs on an emulated ARM1176 (ARMv6), so
# an ARMv7 instruction in musl or hello would stop it (PLATFORM_QEMU_CPU).
# The platforms, their apk arch, emulator and CPU: the platform table.
source e2e/platforms.sh

# run_hellos LAYOUT: unpacks each platform of the c_hello index LAYOUT, runs
# /hello, prints "<platform>: <output> (<how>)" per platform and fails
# unless each printed exactly "hello from musl-dynamic (<apkarch>)".
run_hellos() {
  local layout=$1 p root want got how ran=0
  for p in "${PLATFORMS[@]}"; do
    root="$E2E_WORK/rootfs/$p"
    rm -rf "$root" && mkdir -p "$root"
    e2e_check --layout "$layout" --unpack "$p" --into "$root"
    want="hello from musl-dynamic (${PLATFORM_APKARCH[$p]})"
    if [ "$p" = linux-amd64 ]; then
      how="chroot"
      got=$(chroot "$root" /hello) || fail "$p: chroot $root /hello failed"
    else
      how="${PLATFORM_QEMU[$p]}${PLATFORM_QEMU_CPU[$p]:+ -cpu ${PLATFORM_QEMU_CPU[$p]}}"
      # shellcheck disable=SC2086 # the emulator and its -cpu flag
      got=$($how -L "$root" "$root/hello") || fail "$p: $how -L $root $root/hello failed"
    fi
    [ "$got" = "$want" ] || fail "$p: /hello printed '$got', want '$want'"
    echo "  $p: $got ($how)"
    ran=$((ran + 1))
  done
  [ "$ran" = "${#PLATFORMS[@]}" ] || fail "$ran of ${#PLATFORMS[@]} platforms ran /hello"
}
