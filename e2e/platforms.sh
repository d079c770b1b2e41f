# Generated from tools/internal/platform/table.go by tools/cmd/platgen. Do not edit: run `make gen`.
# shellcheck shell=bash disable=SC2034
# PLATFORMS lists the OCI platforms (linux-arm-v7) in index order; the
# associative arrays map each to a column of the table. PLATFORM_ELF is
# readelf -h's "machine/class/data" of its executables. Sourced by the
# e2e scripts (SC2034: each uses some of the arrays).
PLATFORMS=(linux-386 linux-amd64 linux-arm64 linux-arm-v6 linux-arm-v7 linux-ppc64le linux-riscv64 linux-s390x)
declare -gA PLATFORM_BAZEL=(
  [linux-386]="linux_386"
  [linux-amd64]="linux_amd64"
  [linux-arm64]="linux_arm64"
  [linux-arm-v6]="linux_arm_v6"
  [linux-arm-v7]="linux_arm_v7"
  [linux-ppc64le]="linux_ppc64le"
  [linux-riscv64]="linux_riscv64"
  [linux-s390x]="linux_s390x"
)
declare -gA PLATFORM_APKARCH=(
  [linux-386]="x86"
  [linux-amd64]="x86_64"
  [linux-arm64]="aarch64"
  [linux-arm-v6]="armhf"
  [linux-arm-v7]="armv7"
  [linux-ppc64le]="ppc64le"
  [linux-riscv64]="riscv64"
  [linux-s390x]="s390x"
)
declare -gA PLATFORM_GOARCH=(
  [linux-386]="386"
  [linux-amd64]="amd64"
  [linux-arm64]="arm64"
  [linux-arm-v6]="arm"
  [linux-arm-v7]="arm"
  [linux-ppc64le]="ppc64le"
  [linux-riscv64]="riscv64"
  [linux-s390x]="s390x"
)
declare -gA PLATFORM_LOADER=(
  [linux-386]="i386"
  [linux-amd64]="x86_64"
  [linux-arm64]="aarch64"
  [linux-arm-v6]="armhf"
  [linux-arm-v7]="armhf"
  [linux-ppc64le]="powerpc64le"
  [linux-riscv64]="riscv64"
  [linux-s390x]="s390x"
)
declare -gA PLATFORM_ELF=(
  [linux-386]="Intel 80386/ELF32/little"
  [linux-amd64]="Advanced Micro Devices X86-64/ELF64/little"
  [linux-arm64]="AArch64/ELF64/little"
  [linux-arm-v6]="ARM/ELF32/little"
  [linux-arm-v7]="ARM/ELF32/little"
  [linux-ppc64le]="PowerPC64/ELF64/little"
  [linux-riscv64]="RISC-V/ELF64/little"
  [linux-s390x]="IBM S/390/ELF64/big"
)
declare -gA PLATFORM_QEMU=(
  [linux-386]="qemu-i386-static"
  [linux-amd64]="qemu-x86_64-static"
  [linux-arm64]="qemu-aarch64-static"
  [linux-arm-v6]="qemu-arm-static"
  [linux-arm-v7]="qemu-arm-static"
  [linux-ppc64le]="qemu-ppc64le-static"
  [linux-riscv64]="qemu-riscv64-static"
  [linux-s390x]="qemu-s390x-static"
)
declare -gA PLATFORM_QEMU_CPU=(
  [linux-386]=""
  [linux-amd64]=""
  [linux-arm64]=""
  [linux-arm-v6]="arm1176"
  [linux-arm-v7]="cortex-a7"
  [linux-ppc64le]=""
  [linux-riscv64]=""
  [linux-s390x]=""
)
declare -gA PLATFORM_CLANG_TARGET=(
  [linux-386]="i686-linux-musl"
  [linux-amd64]="x86_64-linux-musl"
  [linux-arm64]="aarch64-linux-musl"
  [linux-arm-v6]="armv6kz-linux-musleabihf"
  [linux-arm-v7]="armv7-linux-musleabihf"
  [linux-ppc64le]="powerpc64le-linux-musl"
  [linux-riscv64]="riscv64-linux-musl"
  [linux-s390x]="s390x-linux-musl"
)
declare -gA PLATFORM_CLANG_FLAGS=(
  [linux-386]=""
  [linux-amd64]=""
  [linux-arm64]=""
  [linux-arm-v6]="-mfloat-abi=hard -mfpu=vfp -marm"
  [linux-arm-v7]="-mfloat-abi=hard -mfpu=vfpv3-d16"
  [linux-ppc64le]=""
  [linux-riscv64]="-march=rv64gc -mabi=lp64d -mno-relax"
  [linux-s390x]=""
)
