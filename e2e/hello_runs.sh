# shellcheck shell=bash
# Shared by e2e/run.sh and e2e/demo.sh: run /hello inside each of the eight
# c_hello images. amd64 runs natively in a chroot; the others under
# qemu-user with the image's own loader (-L makes qemu find
# /lib/ld-musl-*.so.1 inside the unpacked image). 386 too: a chroot exec of
# a 32-bit binary fails on hosts whose binfmt_misc hands i386 to a qemu that
# is not inside the chroot. arm/v6 runs on an emulated ARM1176 (ARMv6), so
# an ARMv7 instruction in musl or hello would stop it.
declare -A HELLO_QEMU=([linux-386]=qemu-i386-static [linux-arm64]=qemu-aarch64-static [linux-arm-v6]="qemu-arm-static -cpu arm1176"
  [linux-arm-v7]=qemu-arm-static [linux-ppc64le]=qemu-ppc64le-static [linux-riscv64]=qemu-riscv64-static
  [linux-s390x]=qemu-s390x-static)
declare -A HELLO_APKARCH=([linux-amd64]=x86_64 [linux-386]=x86 [linux-arm64]=aarch64 [linux-arm-v6]=armhf
  [linux-arm-v7]=armv7 [linux-ppc64le]=ppc64le [linux-riscv64]=riscv64 [linux-s390x]=s390x)
HELLO_PLATFORMS=(linux-amd64 linux-386 linux-arm64 linux-arm-v6 linux-arm-v7 linux-ppc64le linux-riscv64 linux-s390x)

# run_hellos LAYOUT: unpacks each platform of the c_hello index LAYOUT, runs
# /hello, prints "<platform>: <output> (<how>)" per platform and fails
# unless each printed exactly "hello from musl-dynamic (<apkarch>)".
run_hellos() {
  local layout=$1 p root want got how ran=0
  for p in "${HELLO_PLATFORMS[@]}"; do
    root="$E2E_WORK/rootfs/$p"
    rm -rf "$root" && mkdir -p "$root"
    go run ./e2e/check --layout "$layout" --unpack "$p" --into "$root"
    want="hello from musl-dynamic (${HELLO_APKARCH[$p]})"
    if [ "$p" = linux-amd64 ]; then
      how="chroot"
      got=$(chroot "$root" /hello) || { echo "FAIL: $p: chroot $root /hello failed" >&2; return 1; }
    else
      how=${HELLO_QEMU[$p]}
      # shellcheck disable=SC2086 # the emulator and its -cpu flag
      got=$($how -L "$root" "$root/hello") || { echo "FAIL: $p: $how -L $root $root/hello failed" >&2; return 1; }
    fi
    if [ "$got" != "$want" ]; then
      echo "FAIL: $p: /hello printed '$got', want '$want'" >&2
      return 1
    fi
    echo "  $p: $got ($how)"
    ran=$((ran + 1))
  done
  [ "$ran" = 8 ] || { echo "FAIL: $ran of 8 platforms ran /hello" >&2; return 1; }
}
