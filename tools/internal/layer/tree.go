package layer

import (
	"archive/tar"
	"crypto/sha1"
	"fmt"
)

// meta is what a tar header says about an entry besides its name and type.
type meta struct {
	mode     int64 // permission bits with setuid, setgid and sticky
	uid, gid int
	xattrs   map[string]string // full PAX keys, SCHILY.xattr.*
}

// inode is the content and metadata of a regular file; hardlinked names
// share one.
type inode struct {
	meta
	off, size int64  // content in the spool
	extra     []byte // appended after the spooled bytes (generated content)
	shared    bool   // a hardlink of the packages points at it
}

// entry is one name of the merged tree. It is kept small: a layer may hold
// a hundred thousand of them (see BENCHMARKS.md).
type entry struct {
	key  string   // its key in tree.entries
	node *inode   // regular files
	meta          // for everything but regular files
	x    *special // symlinks and devices
	// sum is the SHA-1 the installed database records: of the content the
	// package installed, or of a symlink's target.
	sum      [sha1.Size]byte
	owner    int32 // index of the installing package, -1 for generated entries
	typ      byte  // tar.TypeReg, TypeDir, TypeSymlink, TypeChar, TypeBlock, TypeFifo
	implicit bool  // a parent directory no package shipped (yet)
	hasSum   bool
}

// special is what only symlinks and devices have.
type special struct {
	linkname           string // symlink target
	devmajor, devminor int64
}

// linkname is the symlink target, "" for other types.
func (e *entry) linkname() string {
	if e.x == nil {
		return ""
	}
	return e.x.linkname
}

func (e *entry) attrs() *meta {
	if e.node != nil {
		return &e.node.meta
	}
	return &e.meta
}

// tree is the merged root file system, keyed by cleaned relative path.
type tree struct {
	pkgs       []Package
	entries    map[string]*entry
	maxEntries int
	// dirs[i] are the directories package i ships, with the metadata it
	// ships them with: the installed database lists them with the parents
	// of the package's files, and gives each package its own directory
	// metadata (apk's diri->acl), not the merged one the layer holds.
	dirs []map[string]meta
	base *baseDB // the database of the image this layer is stacked on
}

func newTree(pkgs []Package, maxEntries int) *tree {
	t := &tree{pkgs: pkgs, entries: map[string]*entry{}, maxEntries: maxEntries}
	t.dirs = make([]map[string]meta, len(pkgs))
	for i := range t.dirs {
		t.dirs[i] = map[string]meta{}
	}
	return t
}

// label names an owner in messages.
func (t *tree) label(owner int32) string {
	if owner < 0 {
		return generated
	}
	return t.pkgs[owner].Info.Name + "-" + t.pkgs[owner].Info.Version
}

func (t *tree) add(key string, e *entry) error {
	if len(t.entries) >= t.maxEntries {
		return fmt.Errorf("layer: the layer has more than %d entries (at /%s from %s); raise Options.MaxEntries if that many files are expected",
			t.maxEntries, key, t.label(e.owner))
	}
	e.key = key
	t.entries[key] = e
	return nil
}

// parents makes sure every ancestor of key is a directory, creating missing
// ones 0755 root:root. name is the entry's name for messages.
func (t *tree) parents(key, name string, owner int32) error {
	for i := 0; i < len(key); i++ {
		if key[i] != '/' {
			continue
		}
		dir := key[:i]
		e := t.entries[dir]
		switch {
		case e == nil:
			d := &entry{typ: tar.TypeDir, meta: meta{mode: 0o755}, owner: owner, implicit: true}
			if err := t.add(dir, d); err != nil {
				return err
			}
		case e.typ == tar.TypeSymlink && owner < 0:
			return fmt.Errorf("layer: cannot write /%s: /%s is a symlink to %s from %s, and the layer never writes through symlinks; change the configuration or drop the package",
				key, dir, e.linkname(), t.label(e.owner))
		case e.typ == tar.TypeSymlink:
			return &UnsafePathError{Package: t.label(owner), Path: name,
				Reason: fmt.Sprintf("would be written through the symlink /%s -> %s", dir, e.linkname())}
		case e.typ != tar.TypeDir:
			return &ConflictError{Path: dir, First: t.label(e.owner), Second: t.label(owner), DirVsFile: true}
		}
	}
	return nil
}

// put adds e at key for package e.owner, applying the conflict rules.
func (t *tree) put(key, name string, e *entry) error {
	if err := t.parents(key, name, e.owner); err != nil {
		return err
	}
	if e.typ == tar.TypeDir && e.owner >= 0 {
		t.dirs[e.owner][key] = e.meta
	}
	old := t.entries[key]
	if old == nil && e.owner >= 0 && e.typ != tar.TypeDir {
		// A file the base image's packages own is decided as apk decides
		// against an installed package.
		switch o, owner := t.base.overlap(key, t.pkgs[e.owner].Info, t.pkgs[e.owner].Checksum); o {
		case keepOld:
			return nil
		case conflict:
			return &ConflictError{Path: key, First: owner + " (in the base image)", Second: t.label(e.owner)}
		}
	}
	if old == nil {
		return t.add(key, e)
	}
	switch {
	case old.typ == tar.TypeDir && e.typ == tar.TypeDir:
		// Shared directories are normal; shipped metadata replaces implied
		// metadata, and two packages' are merged as apk 2.14 merges them.
		switch {
		case e.implicit:
		case old.implicit:
			old.meta, old.implicit = e.meta, false
		default:
			dirMeta(&old.meta, e.meta)
		}
		return nil
	case old.typ == tar.TypeDir || e.typ == tar.TypeDir:
		return &ConflictError{Path: key, First: t.label(old.owner), Second: t.label(e.owner), DirVsFile: true}
	case old.owner == e.owner:
		return &UnsafePathError{Package: t.label(e.owner), Path: name, Reason: "is in the package twice"}
	case old.owner >= 0 && e.owner >= 0:
		switch replacesFile(t.pkgs[old.owner].Info, t.pkgs[old.owner].Checksum, t.pkgs[e.owner].Info, t.pkgs[e.owner].Checksum) {
		case keepOld:
			return nil
		case takeNew:
			e.key = key
			t.entries[key] = e
			return nil
		}
	}
	return &ConflictError{Path: key, First: t.label(old.owner), Second: t.label(e.owner)}
}

// setFile writes a generated file at key. A package's file there is
// replaced but stays the package's in the installed database.
func (t *tree) setFile(key string, data []byte, m meta) error {
	if err := t.parents(key, key, -1); err != nil {
		return err
	}
	node := &inode{meta: m, extra: data}
	old := t.entries[key]
	if old == nil {
		return t.add(key, &entry{typ: tar.TypeReg, node: node, owner: -1})
	}
	if old.typ == tar.TypeDir {
		return &ConflictError{Path: key, First: t.label(old.owner), Second: generated, DirVsFile: true}
	}
	old.typ, old.node, old.x = tar.TypeReg, node, nil
	return nil
}

// ensureDir creates the directory key with m unless something is there.
func (t *tree) ensureDir(key string, m meta) error {
	if err := t.parents(key, key, -1); err != nil {
		return err
	}
	old := t.entries[key]
	if old == nil {
		return t.add(key, &entry{typ: tar.TypeDir, meta: m, owner: -1})
	}
	if old.typ != tar.TypeDir {
		return &ConflictError{Path: key, First: t.label(old.owner), Second: generated, DirVsFile: true}
	}
	return nil
}
