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
// the installed busybox package version; it is used when the busybox
// package ships no /etc/busybox-paths.d list.
type BusyboxLinks func(version string) ([]string, error)

// addBusyboxLinks creates applet symlinks as the install scripts of
// busybox and its siblings would (`/bin/<binary> --install -s`). A list
// /etc/busybox-paths.d/<name> links to /bin/<name> when that is a regular
// file (Alpine's busybox-extras ships /bin/busybox-extras and its own
// list), otherwise to /bin/busybox when the same package installs it.
// busybox's own links come from links(version) when its package ships no
// list. busybox's links are made first, then the others by list name; a
// path already in the tree, or linked before, is left alone, as
// `--install -s` leaves existing files.
func addBusyboxLinks(t *tree, sp spool, links BusyboxLinks) error {
	bb := t.entries[busyboxKey]
	if links == nil {
		return nil
	}
	type list struct{ key, target string }
	var lists []list
	for k, e := range t.entries {
		if !strings.HasPrefix(k, busyboxPaths) || e.typ != tar.TypeReg {
			continue
		}
		target := "bin/" + path.Base(k)
		if b := t.entries[target]; b == nil || b.typ != tar.TypeReg {
			if bb == nil || bb.typ != tar.TypeReg || bb.owner != e.owner {
				continue // nothing of its package to link to
			}
			target = busyboxKey
		}
		lists = append(lists, list{k, target})
	}
	sort.Slice(lists, func(i, j int) bool {
		if bi, bj := lists[i].target == busyboxKey, lists[j].target == busyboxKey; bi != bj {
			return bi
		}
		return lists[i].key < lists[j].key
	})
	own := len(lists) > 0 && lists[0].target == busyboxKey
	if !own && bb != nil && bb.typ == tar.TypeReg && bb.owner >= 0 {
		info := t.pkgs[bb.owner].Info
		paths, err := links(info.Version)
		if err != nil {
			return fmt.Errorf("layer: busybox links for %s-%s: %w", info.Name, info.Version, err)
		}
		if err := t.addLinks(paths, busyboxKey); err != nil {
			return err
		}
	}
	for _, l := range lists {
		b, err := t.readSmall(l.key, sp)
		if err != nil {
			return err
		}
		var paths []string
		for i, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			p, reason := cleanName(strings.TrimPrefix(line, "/"))
			if reason != "" || p == "" {
				return fmt.Errorf("layer: /%s of %s, line %d: %q is not a clean path; the package is broken", l.key, t.label(t.entries[l.key].owner), i+1, line)
			}
			paths = append(paths, p)
		}
		if err := t.addLinks(paths, l.target); err != nil {
			return err
		}
	}
	return nil
}

// addLinks adds symlinks to /target at paths (relative, clean) that are
// not in the tree yet, in sorted order.
func (t *tree) addLinks(paths []string, target string) error {
	sort.Strings(paths)
	for i, p := range paths {
		if p == target || i > 0 && p == paths[i-1] || t.entries[p] != nil {
			continue
		}
		if err := t.parents(p, p, -1); err != nil {
			return fmt.Errorf("%w (applet link /%s to /%s)", err, p, target)
		}
		e := &entry{typ: tar.TypeSymlink, meta: meta{mode: 0o777}, x: &special{linkname: "/" + target}, owner: -1}
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
		res.OSRelease = ParseOSRelease(b)
		break
	}
	return nil
}

// ParseOSRelease reads os-release's KEY=VALUE lines, unquoting simple
// quoted values.
func ParseOSRelease(b []byte) map[string]string {
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
