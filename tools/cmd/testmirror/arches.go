package main

import "debug/elf"

// arch describes one Alpine architecture of the mirror.
type arch struct {
	APK     string      // Alpine arch: directory name and package arch
	Loader  string      // <name> in /lib/ld-musl-<name>.so.1
	Machine elf.Machine // ELF machine of the loader, checked when read
	QEMU    string      // qemu-user binary that runs it on another host
	// QEMUCPU is the CPU model qemu emulates for it, when the default
	// would hide code too new for the arch (armhf is ARMv6).
	QEMUCPU string
}

// arches are the eight architectures of the published image, in the order
// of the apk-format table. Each one's musl comes from its sysroot
// (tools/musl_sysroots.sh): Debian's binary packages for six, Debian's
// source cross-compiled for riscv64 and for armhf (ARMv6 hard-float, as
// Alpine's; Debian's own armhf musl is ARMv7 and serves armv7).
var arches = []arch{
	{APK: "x86", Loader: "i386", Machine: elf.EM_386, QEMU: "qemu-i386-static"},
	{APK: "x86_64", Loader: "x86_64", Machine: elf.EM_X86_64, QEMU: "qemu-x86_64-static"},
	{APK: "aarch64", Loader: "aarch64", Machine: elf.EM_AARCH64, QEMU: "qemu-aarch64-static"},
	{APK: "armhf", Loader: "armhf", Machine: elf.EM_ARM, QEMU: "qemu-arm-static", QEMUCPU: "arm1176"},
	{APK: "armv7", Loader: "armhf", Machine: elf.EM_ARM, QEMU: "qemu-arm-static"},
	{APK: "ppc64le", Loader: "powerpc64le", Machine: elf.EM_PPC64, QEMU: "qemu-ppc64le-static"},
	{APK: "riscv64", Loader: "riscv64", Machine: elf.EM_RISCV, QEMU: "qemu-riscv64-static"},
	{APK: "s390x", Loader: "s390x", Machine: elf.EM_S390, QEMU: "qemu-s390x-static"},
}

// archByName returns the arch named by its Alpine name.
func archByName(name string) (arch, bool) {
	for _, a := range arches {
		if a.APK == name {
			return a, true
		}
	}
	return arch{}, false
}
