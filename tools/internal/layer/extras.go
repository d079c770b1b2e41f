package layer

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// CABundle is where Alpine's ca-certificates-bundle installs the bundle;
// SSL_CERT_FILE points there when it is installed.
const CABundle = "/etc/ssl/certs/ca-certificates.crt"

const (
	busyboxKey   = "bin/busybox"
	busyboxPaths = "etc/busybox-paths.d/"
	// maxSmallFile bounds files read back from the tree (os-release,
	// busybox-paths.d lists).
	maxSmallFile = 1 << 20
)

// BusyboxLinks returns busybox's applet links (relative, clean paths) for
// the installed busybox package version; it is used when no package ships
// /etc/busybox-paths.d.
type BusyboxLinks func(version string) ([]string, error)

// addBusyboxLinks creates busybox's applet symlinks to /bin/busybox, as
// its install script would: from the /etc/busybox-paths.d lists when a
// package ships them, otherwise from links(version). Paths a package
// already installed are left alone.
func addBusyboxLinks(t *tree, sp spool, links BusyboxLinks) error {
	bb := t.entries[busyboxKey]
	if links == nil || bb == nil || bb.typ != tar.TypeReg {
		return nil
	}
	var lists []string
	for k, e := range t.entries {
		if strings.HasPrefix(k, busyboxPaths) && e.typ == tar.TypeReg {
			lists = append(lists, k)
		}
	}
	sort.Strings(lists)
	var paths []string
	for _, k := range lists {
		b, err := t.readSmall(k, sp)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			p, reason := cleanName(strings.TrimPrefix(line, "/"))
			if reason != "" || p == "" {
				return fmt.Errorf("layer: /%s of %s, line %d: %q is not a clean path; the package is broken", k, t.label(t.entries[k].owner), i+1, line)
			}
			paths = append(paths, p)
		}
	}
	if len(lists) == 0 {
		if bb.owner < 0 {
			return nil
		}
		info := t.pkgs[bb.owner].Info
		var err error
		if paths, err = links(info.Version); err != nil {
			return fmt.Errorf("layer: busybox links for %s-%s: %w", info.Name, info.Version, err)
		}
	}
	sort.Strings(paths)
	for i, p := range paths {
		if p == busyboxKey || i > 0 && p == paths[i-1] || t.entries[p] != nil {
			continue
		}
		if err := t.parents(p, p, -1); err != nil {
			return fmt.Errorf("%w (busybox applet link /%s)", err, p)
		}
		e := &entry{typ: tar.TypeSymlink, meta: meta{mode: 0o777}, x: &special{linkname: "/" + busyboxKey}, owner: -1}
		if err := t.add(p, e); err != nil {
			return err
		}
	}
	return nil
}

// readSmall returns the content of the regular file at key.
func (t *tree) readSmall(key string, sp spool) ([]byte, error) {
	e := t.entries[key]
	if e == nil || e.typ != tar.TypeReg {
		return nil, fmt.Errorf("layer: /%s is not a regular file", key)
	}
	if e.node.size+int64(len(e.node.extra)) > maxSmallFile {
		return nil, fmt.Errorf("layer: /%s of %s is larger than %d bytes", key, t.label(e.owner), maxSmallFile)
	}
	return io.ReadAll(io.MultiReader(sp.section(e.node.off, e.node.size), bytes.NewReader(e.node.extra)))
}

// followLinks follows symlinks (at most a few) from key inside the tree.
func (t *tree) followLinks(key string) (string, *entry) {
	for i := 0; i < 8; i++ {
		e := t.entries[key]
		if e == nil || e.typ != tar.TypeSymlink {
			return key, e
		}
		target := e.linkname()
		if !strings.HasPrefix(target, "/") {
			target = path.Join("/", path.Dir(key), target)
		}
		key = strings.TrimPrefix(path.Clean(target), "/")
	}
	return key, nil
}

// describeRoot fills what the SBOM and the config defaults need to know
// about the merged tree: the CA bundle and /etc/os-release.
func describeRoot(t *tree, sp spool, res *Result) error {
	if _, e := t.followLinks(CABundle[1:]); e != nil && e.typ == tar.TypeReg {
		res.CABundle = CABundle
	}
	for _, k := range []string{"etc/os-release", "usr/lib/os-release"} {
		key, e := t.followLinks(k)
		if e == nil || e.typ != tar.TypeReg {
			continue
		}
		b, err := t.readSmall(key, sp)
		if err != nil {
			return err
		}
		res.OSRelease = parseOSRelease(b)
		break
	}
	return nil
}

// parseOSRelease reads KEY=VALUE lines, unquoting simple quoted values.
func parseOSRelease(b []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || k == "" || strings.HasPrefix(k, "#") {
			continue
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		m[k] = v
	}
	return m
}
