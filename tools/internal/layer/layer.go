package layer

import (
	"archive/tar"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// EntryReader streams the data member of one package. *apkfile.Package
// satisfies it: Next returns the next tar header and io.EOF at the end (after
// the package's integrity checks passed); Read reads the current entry.
type EntryReader interface {
	Next() (*tar.Header, error)
	Read(p []byte) (int, error)
}

// Script is one control script of a package.
type Script struct {
	Name string // action: "pre-install", "post-install", ..., "trigger"
	Body []byte
}

// Package is one verified package to install.
type Package struct {
	Info     *pkginfo.Info
	Checksum string // "Q1..." identity of the package (C: in the database)
	Size     int64  // size of the .apk file (S: in the database); from the lock
	Scripts  []Script
	Data     EntryReader
}

// Account is a user (and group of the same name, unless the gid already
// has a group) added to /etc/passwd and /etc/group.
type Account struct {
	Name     string
	UID, GID int
	Home     string // absolute; default /home/<Name>
	Shell    string // default /sbin/nologin
}

// Key is a trusted public key written to /etc/apk/keys/<Name>.
type Key struct {
	Name string
	PEM  []byte
}

// DefaultMaxEntries caps the entries of a layer when Options.MaxEntries is
// zero; it bounds the per-entry metadata held in memory.
const DefaultMaxEntries = 1 << 20

// Options configure Write. The zero value is usable.
type Options struct {
	MTime        time.Time // every entry's mtime, whole seconds; zero means the Unix epoch
	Arch         string    // written to /etc/apk/arch when not empty
	World        []string  // /etc/apk/world, written sorted and deduplicated
	Repositories []string  // /etc/apk/repositories, one a line, in order
	Keys         []Key     // /etc/apk/keys/<name>, 0644
	Accounts     []Account // appended to /etc/passwd and /etc/group
	// Busybox gives busybox's applet links when a package installs
	// /bin/busybox and no /etc/busybox-paths.d/busybox list; nil creates
	// no applet links at all.
	Busybox    BusyboxLinks
	TempDir    string // directory of the content spool (over 1 MiB of contents); "" means os.TempDir()
	Base       *Base  // the apk database of the image this layer is stacked on
	MaxEntries int    // 0 means DefaultMaxEntries
}

// Result describes a written layer.
type Result struct {
	Files    int             // tar entries written, of every type
	Size     int64           // bytes of the uncompressed tar stream
	Packages []*pkginfo.Info // the installed packages, in install order
	// Base lists the base image's packages that the layer's installed
	// database keeps (those not upgraded by Packages), in their order.
	Base []apkindex.Record
	// CABundle is CABundle when a CA bundle is installed there, else "".
	CABundle string
	// OSRelease holds /etc/os-release's KEY=VALUE pairs (nil without it).
	OSRelease map[string]string
	// Groups are the layers written, in order (one for Write).
	Groups []Group
}

// Write merges pkgs, given in install order, and writes the layer to w as
// an uncompressed tar. On error the output is incomplete: discard it.
func Write(w io.Writer, pkgs []Package, opt Options) (res *Result, err error) {
	return writeLayers(pkgs, opt, 1, func(_ int, _ Group, writeTo func(io.Writer) error) error { return writeTo(w) })
}

func writeLayers(pkgs []Package, opt Options, maxLayers int, emit EmitFunc) (res *Result, err error) {
	if err := checkOptions(&opt); err != nil {
		return nil, err
	}
	if len(pkgs) > math.MaxInt32 {
		return nil, fmt.Errorf("layer: %d packages are more than one layer can hold (%d)", len(pkgs), math.MaxInt32)
	}
	for i := range pkgs {
		if err := checkPackage(&pkgs[i], i); err != nil {
			return nil, err
		}
	}
	maxEntries := opt.MaxEntries
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	sp, err := newFileSpool(opt.TempDir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := sp.close(); cerr != nil && err == nil {
			res, err = nil, cerr
		}
	}()

	t := newTree(pkgs, maxEntries)
	if opt.Base != nil {
		if t.base, err = parseBase(opt.Base, pkgs); err != nil {
			return nil, err
		}
	}
	for i := range pkgs {
		if err := t.addPackage(int32(i), sp); err != nil {
			return nil, err
		}
	}
	if err := t.checkSymlinks(); err != nil {
		return nil, err
	}
	if err := sp.finish(); err != nil {
		return nil, err
	}
	if err := addBusyboxLinks(t, sp, opt.Busybox); err != nil {
		return nil, err
	}
	if err := addAccounts(t, sp, opt.Accounts); err != nil {
		return nil, err
	}
	if err := addSystemFiles(t, pkgs, &opt); err != nil {
		return nil, err
	}
	res = &Result{}
	if err := describeRoot(t, sp, res); err != nil {
		return nil, err
	}
	groups, keeps := splitByOrigin(t, maxLayers)
	for i, g := range groups {
		err := emit(i, g, func(w io.Writer) error {
			cw := &countingWriter{w: w}
			files, err := writeTar(cw, t, sp, time.Unix(opt.MTime.Unix(), 0), keeps[i])
			res.Files += files
			res.Size += cw.n
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	res.Groups, res.Base = groups, t.base.kept()
	for i := range pkgs {
		res.Packages = append(res.Packages, pkgs[i].Info)
	}
	return res, nil
}

func checkOptions(opt *Options) error {
	if opt.MTime.IsZero() {
		opt.MTime = time.Unix(0, 0)
	}
	if bad(opt.Arch) {
		return fmt.Errorf("layer: architecture %q contains whitespace or '/'; pass an apk arch such as x86_64", opt.Arch)
	}
	for _, s := range opt.World {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			return fmt.Errorf("layer: world entry %q is empty or contains whitespace; pass one dependency atom per entry", s)
		}
	}
	for _, s := range opt.Repositories {
		if s == "" || strings.ContainsAny(s, "\r\n") {
			return fmt.Errorf("layer: repository %q is empty or contains a line break; pass one URL per entry", s)
		}
	}
	for _, k := range opt.Keys {
		if k.Name == "" || k.Name == "." || k.Name == ".." || strings.ContainsAny(k.Name, "/\x00") {
			return fmt.Errorf("layer: key name %q is not a plain file name; name keys like alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub", k.Name)
		}
	}
	return nil
}

func checkPackage(p *Package, i int) error {
	if p.Info == nil || p.Data == nil {
		return fmt.Errorf("layer: package #%d has no .PKGINFO or no data reader; pass verified packages only", i+1)
	}
	id := p.Info.Name + "-" + p.Info.Version
	if p.Info.Name == "" || p.Info.Version == "" || bad(p.Info.Name) || bad(p.Info.Version) {
		return fmt.Errorf("layer: package #%d has an invalid name or version %q; the package is broken", i+1, id)
	}
	// Q1 checksums are standard base64 and may contain '/': apk puts them
	// into scripts.tar names as they are.
	if p.Checksum == "" || strings.ContainsAny(p.Checksum, " \t\r\n\x00") {
		return fmt.Errorf("layer: package %s has an invalid checksum %q; pass its Q1 checksum", id, p.Checksum)
	}
	for _, s := range p.Scripts {
		n := strings.TrimPrefix(s.Name, ".")
		if n == "" || bad(n) {
			return fmt.Errorf("layer: package %s has a script named %q; the package is broken", id, s.Name)
		}
	}
	return nil
}

// bad reports whether s cannot be one token of a database line or file name.
func bad(s string) bool { return strings.ContainsAny(s, " \t\r\n/\x00") }

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
