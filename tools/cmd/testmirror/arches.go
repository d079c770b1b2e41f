package main

import "debug/elf"

// arch describes one Alpine architecture of the mirror and where its musl
// comes from in Debian.
type arch struct {
	APK     string      // Alpine arch: directory name and package arch
	Deb     string      // Debian arch whose musl .deb supplies the loader; "" = none
	Loader  string      // <name> in /lib/ld-musl-<name>.so.1
	Machine elf.Machine // ELF machine of the loader, checked after extraction
}

// arches are the eight architectures of the published image, in the order
// of the apk-format table. Alpine's armhf (ARMv6) and armv7 both take
// Debian's armhf musl, which is built for ARMv7: the closest Debian has.
var arches = []arch{
	{APK: "x86", Deb: "i386", Loader: "i386", Machine: elf.EM_386},
	{APK: "x86_64", Deb: "amd64", Loader: "x86_64", Machine: elf.EM_X86_64},
	{APK: "aarch64", Deb: "arm64", Loader: "aarch64", Machine: elf.EM_AARCH64},
	{APK: "armhf", Deb: "armhf", Loader: "armhf", Machine: elf.EM_ARM},
	{APK: "armv7", Deb: "armhf", Loader: "armhf", Machine: elf.EM_ARM},
	{APK: "ppc64le", Deb: "ppc64el", Loader: "powerpc64le", Machine: elf.EM_PPC64},
	// Debian bookworm has no musl for riscv64: the package carries a
	// labelled placeholder instead of a loader.
	{APK: "riscv64", Deb: "", Loader: "riscv64", Machine: elf.EM_RISCV},
	{APK: "s390x", Deb: "s390x", Loader: "s390x", Machine: elf.EM_S390},
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
