package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"testing"
)

// header returns a minimal ELF file: just the header, no sections.
func header(t *testing.T, class elf.Class, data elf.Data, m elf.Machine, typ elf.Type) []byte {
	t.Helper()
	var order binary.ByteOrder = binary.LittleEndian
	if data == elf.ELFDATA2MSB {
		order = binary.BigEndian
	}
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(class), byte(data), byte(elf.EV_CURRENT)}
	var h interface{}
	if class == elf.ELFCLASS64 {
		h = &elf.Header64{Ident: ident, Type: uint16(typ), Machine: uint16(m), Version: uint32(elf.EV_CURRENT), Ehsize: 64}
	} else {
		h = &elf.Header32{Ident: ident, Type: uint16(typ), Machine: uint16(m), Version: uint32(elf.EV_CURRENT), Ehsize: 52}
	}
	var b bytes.Buffer
	if err := binary.Write(&b, order, h); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestELFMatchesEachPlatform(t *testing.T) {
	for p, w := range elfByPlatform {
		for _, typ := range []elf.Type{elf.ET_EXEC, elf.ET_DYN} {
			if _, err := elfMatches(p, header(t, w.class, w.data, w.machine, typ)); err != nil {
				t.Errorf("%s %s: %v", p, typ, err)
			}
		}
	}
}

func TestELFMismatches(t *testing.T) {
	for _, tc := range []struct {
		name, platform string
		data           []byte
	}{
		{"amd64 binary in the arm64 image", "linux-arm64", header(t, elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_X86_64, elf.ET_EXEC)},
		{"big-endian ppc64 in the ppc64le image", "linux-ppc64le", header(t, elf.ELFCLASS64, elf.ELFDATA2MSB, elf.EM_PPC64, elf.ET_EXEC)},
		{"64-bit x86 in the 386 image", "linux-386", header(t, elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_X86_64, elf.ET_EXEC)},
		{"object file, not an executable", "linux-s390x", header(t, elf.ELFCLASS64, elf.ELFDATA2MSB, elf.EM_S390, elf.ET_REL)},
		{"unknown platform", "linux-mips", header(t, elf.ELFCLASS32, elf.ELFDATA2MSB, elf.EM_MIPS, elf.ET_EXEC)},
		{"a script", "linux-amd64", []byte("#!/bin/sh\necho hi\n")},
	} {
		if got, err := elfMatches(tc.platform, tc.data); err == nil {
			t.Errorf("%s: accepted as %q", tc.name, got)
		}
	}
}
