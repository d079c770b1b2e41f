package platform

import (
	"debug/elf"
	"sort"
	"strings"
)

// Platform is one row of the table.
type Platform struct {
	APKArch string // Alpine's arch: repository directory and package arch
	// OS, Architecture and Variant are the OCI platform; GOARCH equals
	// Architecture for every row.
	OS, Architecture, Variant string
	// CPU is the @platforms//cpu constraint value the Bazel platform
	// carries, or "" where older @platforms releases define none (the
	// platform then matches on its apk arch constraint alone).
	CPU    string
	Loader string // <x> in /lib/ld-musl-<x>.so.1
	// ELFClass, ELFData and ELFMachine are what the loader's and an
	// executable's ELF header say; Readelf is `readelf -h`'s name for the
	// machine, which the shell suites compare.
	ELFClass   elf.Class
	ELFData    elf.Data
	ELFMachine elf.Machine
	Readelf    string
	QEMU       string // qemu-user binary that runs its executables elsewhere
	// QEMUCPU is the CPU qemu emulates for it, where the default would
	// accept instructions too new for the arch (arm/v6 is an ARM1176).
	QEMUCPU string
	// ClangTarget and ClangFlags cross-compile C for it against its musl
	// sysroot (e2e/hello/build.sh): Alpine's armhf is ARMv6 + VFP, hard
	// float, ARM mode; lld 14 implements no RISC-V linker relaxation.
	ClangTarget, ClangFlags string
}

// All are the platforms of the published image, in the order of its index.
var All = []Platform{
	{APKArch: "x86", OS: "linux", Architecture: "386", CPU: "@platforms//cpu:x86_32", Loader: "i386",
		ELFClass: elf.ELFCLASS32, ELFData: elf.ELFDATA2LSB, ELFMachine: elf.EM_386, Readelf: "Intel 80386",
		QEMU:        "qemu-i386-static",
		ClangTarget: "i686-linux-musl"},
	{APKArch: "x86_64", OS: "linux", Architecture: "amd64", CPU: "@platforms//cpu:x86_64", Loader: "x86_64",
		ELFClass: elf.ELFCLASS64, ELFData: elf.ELFDATA2LSB, ELFMachine: elf.EM_X86_64, Readelf: "Advanced Micro Devices X86-64",
		QEMU:        "qemu-x86_64-static",
		ClangTarget: "x86_64-linux-musl"},
	{APKArch: "aarch64", OS: "linux", Architecture: "arm64", CPU: "@platforms//cpu:aarch64", Loader: "aarch64",
		ELFClass: elf.ELFCLASS64, ELFData: elf.ELFDATA2LSB, ELFMachine: elf.EM_AARCH64, Readelf: "AArch64",
		QEMU:        "qemu-aarch64-static",
		ClangTarget: "aarch64-linux-musl"},
	{APKArch: "armhf", OS: "linux", Architecture: "arm", Variant: "v6", CPU: "@platforms//cpu:arm", Loader: "armhf",
		ELFClass: elf.ELFCLASS32, ELFData: elf.ELFDATA2LSB, ELFMachine: elf.EM_ARM, Readelf: "ARM",
		QEMU: "qemu-arm-static", QEMUCPU: "arm1176",
		ClangTarget: "armv6kz-linux-musleabihf", ClangFlags: "-mfloat-abi=hard -mfpu=vfp -marm"},
	{APKArch: "armv7", OS: "linux", Architecture: "arm", Variant: "v7", CPU: "@platforms//cpu:armv7", Loader: "armhf",
		ELFClass: elf.ELFCLASS32, ELFData: elf.ELFDATA2LSB, ELFMachine: elf.EM_ARM, Readelf: "ARM",
		QEMU: "qemu-arm-static", QEMUCPU: "cortex-a7",
		ClangTarget: "armv7-linux-musleabihf", ClangFlags: "-mfloat-abi=hard -mfpu=vfpv3-d16"},
	{APKArch: "ppc64le", OS: "linux", Architecture: "ppc64le", Loader: "powerpc64le",
		ELFClass: elf.ELFCLASS64, ELFData: elf.ELFDATA2LSB, ELFMachine: elf.EM_PPC64, Readelf: "PowerPC64",
		QEMU:        "qemu-ppc64le-static",
		ClangTarget: "powerpc64le-linux-musl"},
	{APKArch: "riscv64", OS: "linux", Architecture: "riscv64", Loader: "riscv64",
		ELFClass: elf.ELFCLASS64, ELFData: elf.ELFDATA2LSB, ELFMachine: elf.EM_RISCV, Readelf: "RISC-V",
		QEMU:        "qemu-riscv64-static",
		ClangTarget: "riscv64-linux-musl", ClangFlags: "-march=rv64gc -mabi=lp64d -mno-relax"},
	{APKArch: "s390x", OS: "linux", Architecture: "s390x", CPU: "@platforms//cpu:s390x", Loader: "s390x",
		ELFClass: elf.ELFCLASS64, ELFData: elf.ELFDATA2MSB, ELFMachine: elf.EM_S390, Readelf: "IBM S/390",
		QEMU:        "qemu-s390x-static",
		ClangTarget: "s390x-linux-musl"},
}

// Bazel is the platform's target name in //platforms, e.g. linux_arm_v7.
func (p Platform) Bazel() string { return strings.Join(p.parts(), "_") }

// OCI is the platform as the e2e suites and listings name it, e.g.
// linux-arm-v7.
func (p Platform) OCI() string { return strings.Join(p.parts(), "-") }

func (p Platform) parts() []string {
	parts := []string{p.OS, p.Architecture}
	if p.Variant != "" {
		parts = append(parts, p.Variant)
	}
	return parts
}

// LoaderPath is the absolute path of the platform's musl loader.
func (p Platform) LoaderPath() string { return "/lib/ld-musl-" + p.Loader + ".so.1" }

// ByAPKArch returns the row of an apk architecture.
func ByAPKArch(apkArch string) (Platform, bool) {
	for _, p := range All {
		if p.APKArch == apkArch {
			return p, true
		}
	}
	return Platform{}, false
}

// ByOCI returns the row of a platform named like linux-arm-v7.
func ByOCI(name string) (Platform, bool) {
	for _, p := range All {
		if p.OCI() == name {
			return p, true
		}
	}
	return Platform{}, false
}

// APKArches returns the apk architectures of rows, sorted.
func APKArches(rows []Platform) []string {
	out := make([]string, len(rows))
	for i, p := range rows {
		out[i] = p.APKArch
	}
	sort.Strings(out)
	return out
}
