package main

import "github.com/musl-dynamic/musl-dynamic/tools/internal/platform"

// arch is one Alpine architecture of the mirror: a row of the platform
// table (its apk arch, loader name, ELF machine and qemu emulator).
type arch = platform.Platform

// arches are the architectures of the published image, in the table's
// order. Each one's musl comes from its sysroot (tools/musl_sysroots.sh):
// Debian's binary packages for six, Debian's source cross-compiled for
// riscv64 and for armhf (ARMv6 hard-float, as Alpine's; Debian's own armhf
// musl is ARMv7 and serves armv7).
var arches = platform.All

// archByName returns the arch named by its Alpine name.
func archByName(name string) (arch, bool) { return platform.ByAPKArch(name) }
