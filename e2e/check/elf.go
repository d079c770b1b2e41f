package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

// elfWant is what an executable for an OCI platform must declare in its
// ELF header: a binary for another architecture would not run there.
// elfByPlatform (platforms.go) is generated from the platform table.
type elfWant struct {
	class   elf.Class
	data    elf.Data
	machine elf.Machine
}

// checkELF checks that file (e.g. /app) in every platform's image of the
// layout is an ELF executable for that platform, and prints one line each.
func checkELF(layoutDir, file string) error {
	imgs, err := images(layoutDir)
	if err != nil {
		return err
	}
	var lines, problems []string
	for _, d := range imgs {
		name, data, err := imageFile(layoutDir, d, file)
		if err != nil {
			return err
		}
		line, err := elfMatches(name, data)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s %s: %v", name, file, err))
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %s: %s", name, file, line))
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// imageFile returns the platform name of the image d and the content of
// file as its topmost layer holding it has it.
func imageFile(dir string, d descriptor, file string) (string, []byte, error) {
	var m manifest
	if err := readBlobJSON(dir, d, &m); err != nil {
		return "", nil, err
	}
	var c config
	if err := readBlobJSON(dir, m.Config, &c); err != nil {
		return "", nil, err
	}
	name := c.OS + "-" + c.Architecture
	if c.Variant != "" {
		name += "-" + c.Variant
	}
	want := strings.TrimPrefix(filepath.Clean("/"+file), "/")
	var found []byte
	for i, l := range m.Layers {
		data, ok, err := layerFile(dir, l, want)
		if err != nil {
			return "", nil, fmt.Errorf("%s layer %d: %w", name, i, err)
		}
		if ok {
			found = data
		}
	}
	if found == nil {
		return "", nil, fmt.Errorf("%s: no regular file %s in any layer", name, file)
	}
	return name, found, nil
}

func layerFile(dir string, d descriptor, want string) ([]byte, bool, error) {
	blob, err := readBlob(dir, d)
	if err != nil {
		return nil, false, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, false, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if strings.TrimPrefix(filepath.Clean("/"+h.Name), "/") != want {
			continue
		}
		if h.Typeflag != tar.TypeReg {
			return nil, false, fmt.Errorf("%s is not a regular file (type %q)", h.Name, h.Typeflag)
		}
		data, err := io.ReadAll(tr)
		return data, true, err
	}
}

// elfMatches describes the ELF header of data, or says how it differs from
// what the platform needs.
func elfMatches(platform string, data []byte) (string, error) {
	want, ok := elfByPlatform[platform]
	if !ok {
		return "", fmt.Errorf("no expected ELF machine for platform %s", platform)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("not an ELF file: %w", err)
	}
	got := fmt.Sprintf("%s %s %s %s", f.Class, f.Data, f.Machine, f.Type)
	// ET_DYN is a position-independent executable (or a shared object).
	if f.Class != want.class || f.Data != want.data || f.Machine != want.machine || (f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN) {
		return "", fmt.Errorf("ELF header says %s, want %s %s %s and ET_EXEC or ET_DYN", got, want.class, want.data, want.machine)
	}
	return got, nil
}
