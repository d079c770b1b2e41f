package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// defaultDebDir is where tools/setup.sh downloads Debian's musl .debs.
func defaultDebDir() string {
	if c := os.Getenv("MUSL_DYNAMIC_CACHE"); c != "" {
		return filepath.Join(c, "musl-debs")
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "musl-dynamic", "musl-debs")
}

// debFile is the musl .deb for a Debian arch in dir and its Debian version.
// With several versions present the last in sort order wins, so the choice
// does not depend on directory order.
func debFile(dir, debArch string) (file, version string, err error) {
	matches, err := filepath.Glob(filepath.Join(dir, "musl_*_"+debArch+".deb"))
	if err != nil || len(matches) == 0 {
		return "", "", fmt.Errorf("no musl_*_%s.deb in %s: run tools/setup.sh (it downloads Debian's musl for every architecture) or pass --debs", debArch, dir)
	}
	sort.Strings(matches)
	file = matches[len(matches)-1]
	version = strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "musl_"), "_"+debArch+".deb")
	return file, version, nil
}

// extractLoader returns the content of /lib/ld-musl-<name>.so.1 from a
// musl .deb. Debian ships it as a symlink to /lib/<triplet>/libc.so; the
// link is followed inside the package, never on the host.
func extractLoader(debPath, loader string) ([]byte, error) {
	// Go has no xz reader; dpkg-deb unpacks data.tar.xz for us.
	cmd := exec.Command("dpkg-deb", "--fsys-tarfile", debPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("dpkg-deb --fsys-tarfile %s: %v: %s (is dpkg-deb installed?)", debPath, err, strings.TrimSpace(stderr.String()))
	}
	type entry struct {
		link string
		body []byte
		reg  bool
	}
	entries := map[string]entry{}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the file tree of %s: %w", debPath, err)
		}
		name := path.Clean("/" + h.Name)
		switch h.Typeflag {
		case tar.TypeSymlink:
			entries[name] = entry{link: h.Linkname}
		case tar.TypeReg:
			body, err := io.ReadAll(tr)
			if err != nil {
				return nil, fmt.Errorf("reading %s in %s: %w", name, debPath, err)
			}
			entries[name] = entry{body: body, reg: true}
		}
	}
	name := "/lib/ld-musl-" + loader + ".so.1"
	for hops := 0; hops < 8; hops++ {
		e, ok := entries[name]
		if !ok {
			return nil, fmt.Errorf("%s has no %s: is it Debian's musl package?", debPath, name)
		}
		if e.reg {
			return e.body, nil
		}
		if path.IsAbs(e.link) {
			name = path.Clean(e.link)
		} else {
			name = path.Join(path.Dir(name), e.link)
		}
	}
	return nil, fmt.Errorf("%s: too many symlinks resolving the loader /lib/ld-musl-%s.so.1", debPath, loader)
}
