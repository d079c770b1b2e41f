// Code generated from tools/internal/platform/table.go by tools/cmd/platgen; DO NOT EDIT.
// Run `make gen` to update it.

package main

import "debug/elf"

// elfByPlatform is what an executable for each OCI platform declares in
// its ELF header.
var elfByPlatform = map[string]elfWant{
	"linux-386":     {elf.ELFCLASS32, elf.ELFDATA2LSB, elf.EM_386},
	"linux-amd64":   {elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_X86_64},
	"linux-arm64":   {elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_AARCH64},
	"linux-arm-v6":  {elf.ELFCLASS32, elf.ELFDATA2LSB, elf.EM_ARM},
	"linux-arm-v7":  {elf.ELFCLASS32, elf.ELFDATA2LSB, elf.EM_ARM},
	"linux-ppc64le": {elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_PPC64},
	"linux-riscv64": {elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_RISCV},
	"linux-s390x":   {elf.ELFCLASS64, elf.ELFDATA2MSB, elf.EM_S390},
}
