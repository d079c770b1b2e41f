package main

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// defaultSysroots is where tools/setup.sh (tools/musl_sysroots.sh) puts one
// musl sysroot per Alpine arch.
func defaultSysroots() string { return filepath.Join(cacheDir(), "musl-sysroots") }

// cacheDir is tools/setup.sh's cache:
// ${MUSL_DYNAMIC_CACHE:-${XDG_CACHE_HOME:-~/.cache}/musl-dynamic}.
func cacheDir() string {
	if c := os.Getenv("MUSL_DYNAMIC_CACHE"); c != "" {
		return c
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "musl-dynamic")
}

// sysrootLoader returns an arch's musl loader (musl's libc.so is its own
// dynamic loader) and the one-line ORIGIN that says where it came from.
// The ELF machine is checked so that a sysroot of the wrong arch is caught
// here rather than when a binary fails to start.
func sysrootLoader(sysroots string, a arch) (loader []byte, origin string, err error) {
	dir := filepath.Join(sysroots, a.APKArch)
	loader, err = os.ReadFile(filepath.Join(dir, "lib", "libc.so"))
	if err != nil {
		return nil, "", fmt.Errorf("no musl for %s: %v: run tools/setup.sh (it prepares a sysroot per arch in %s) or pass --sysroots", a.APKArch, err, sysroots)
	}
	if origin, err = readOrigin(dir); err != nil {
		return nil, "", err
	}
	f, err := elf.NewFile(bytes.NewReader(loader))
	if err != nil {
		return nil, "", fmt.Errorf("%s/lib/libc.so is not an ELF file: %v", dir, err)
	}
	if f.Machine != a.ELFMachine || f.Type != elf.ET_DYN {
		return nil, "", fmt.Errorf("%s/lib/libc.so is a %v %v, want a %v shared object for %s: rebuild the sysroot (tools/setup.sh)", dir, f.Machine, f.Type, a.ELFMachine, a.APKArch)
	}
	return loader, origin, nil
}

// readOrigin returns DIR/ORIGIN's one line: where a cached input of the
// mirror (a sysroot, busybox) came from, which its package description
// repeats.
func readOrigin(dir string) (string, error) {
	o, err := os.ReadFile(filepath.Join(dir, "ORIGIN"))
	if err != nil {
		return "", fmt.Errorf("%s has no ORIGIN file: re-run tools/setup.sh", dir)
	}
	origin := strings.TrimSpace(string(o))
	if origin == "" || strings.Contains(origin, "\n") {
		return "", fmt.Errorf("%s/ORIGIN must be one non-empty line", dir)
	}
	return origin, nil
}
