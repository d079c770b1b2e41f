package main

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/busybox"
)

// The two busybox packages of x86_64 differ only in where their applet
// links come from, so that a build exercises both of the layer's sources:
// r0 ships /bin/busybox alone (the links come from the applet list kept in
// tools/internal/busybox), r1 also ships /etc/busybox-paths.d/busybox, as
// Alpine's busybox does since 3.19.
const (
	busyboxUpstream   = "1.35.0" // the upstream version of Debian's build; a kept applet list exists for it
	busyboxKeptList   = busyboxUpstream + "-r0"
	busyboxPathsDList = busyboxUpstream + "-r1"
	// busyboxArch is the only arch with busybox: the binary is Debian's
	// static amd64 build, which the machine runs natively.
	busyboxArch = "x86_64"
)

// defaultBusybox is where tools/setup.sh puts Debian's busybox-static.
func defaultBusybox() string { return filepath.Join(cacheDir(), "busybox-static") }

// readBusybox returns DIR/bin/busybox and DIR/ORIGIN's one line, checking
// that the binary is a static x86-64 executable: a dynamic one would not
// run in an image without its C library.
func readBusybox(dir string) (bin []byte, origin string, err error) {
	p := filepath.Join(dir, "bin", "busybox")
	bin, err = os.ReadFile(p)
	if err != nil {
		return nil, "", fmt.Errorf("no busybox for the x86_64 busybox packages: %v: run tools/setup.sh (it puts Debian's busybox-static in %s), pass --busybox DIR, or --busybox none to leave busybox out", err, dir)
	}
	if origin, err = readOrigin(dir); err != nil {
		return nil, "", err
	}
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return nil, "", fmt.Errorf("%s is not an ELF file: %v", p, err)
	}
	if f.Machine != elf.EM_X86_64 || f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return nil, "", fmt.Errorf("%s is a %v %v, want an x86-64 executable: re-run tools/setup.sh", p, f.Machine, f.Type)
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			return nil, "", fmt.Errorf("%s is dynamically linked, want a static build (Debian's busybox-static): re-run tools/setup.sh", p)
		}
	}
	return bin, origin, nil
}

// busyboxSpecs returns busybox r0 (links from the kept list) and r1 (its
// own /etc/busybox-paths.d/busybox).
func busyboxSpecs(a arch, bin []byte, origin string) ([]apkbuild.Spec, error) {
	paths, err := pathsDList()
	if err != nil {
		return nil, err
	}
	desc := "Size optimized toolbox of many common UNIX utilities: " + origin
	files := []apkbuild.File{dir("bin", 0o755), file("bin/busybox", 0o755, bin)}
	r0 := info(a, "busybox", busyboxKeptList, "busybox", "GPL-2.0-only", desc)
	r1 := info(a, "busybox", busyboxPathsDList, "busybox", "GPL-2.0-only", desc)
	return []apkbuild.Spec{
		{Info: r0, Files: files},
		{Info: r1, Files: append(files[:2:2],
			dir("etc", 0o755),
			dir("etc/busybox-paths.d", 0o755),
			file("etc/busybox-paths.d/busybox", 0o644, paths))},
	}, nil
}

// pathsDList is r1's /etc/busybox-paths.d/busybox: the kept list's applets
// under bin/ and usr/bin/ only (no sbin/, usr/sbin/ or linuxrc), one
// relative path a line as `busybox --list-full` writes them. It differs
// from the kept list on purpose: an image shows which list its links came
// from.
func pathsDList() ([]byte, error) {
	links, err := busybox.Links(busyboxUpstream)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for _, l := range links {
		if strings.HasPrefix(l, "bin/") || strings.HasPrefix(l, "usr/bin/") {
			b.WriteString(l + "\n")
		}
	}
	return b.Bytes(), nil
}
