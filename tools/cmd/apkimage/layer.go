package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/busybox"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/resolve"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

const layerUsage = `usage: apkimage layer --lock LOCK.json --apk-arch ARCH (--key FILE ... | --keyring DIR)
                      [--mtime SECONDS] [--account NAME:UID:GID[:HOME[:SHELL]] ...]
                      [--base-layer BASE_LAYER.tar.gz [--base-meta BASE_META.json] | --base-layout DIR]
                      [--no-busybox-links] [--max-layers N]
                      --out LAYER.tar.gz --meta META.json APK...

Checks each APK against the lock (the lock's packages for the apk architecture, in order:
size, sha256, Q1, name, version, arch), verifies it in full, and writes one
reproducible layer of the merged root plus its metadata. With --base-layer
(the newest apk layer of the image this one is stacked on) the installed
database, world, scripts and triggers list the base's packages and the
new ones, as apk add on the base would. --base-layout takes the base as
any single-platform OCI layout instead and reads the database from its
newest layer holding /lib/apk/db/installed (none: a fresh database).
With --base-meta (the base layer's META.json), META.json names the base
layer holding each of the base's packages.

flags:`

// accountList is a repeatable --account flag.
type accountList []layer.Account

func (l *accountList) String() string { return fmt.Sprint(len(*l), " accounts") }

// Set parses NAME:UID:GID[:HOME[:SHELL]]; home defaults to /home/NAME and
// shell to /sbin/nologin.
func (l *accountList) Set(s string) error {
	f := strings.Split(s, ":")
	if len(f) < 3 || len(f) > 5 || f[0] == "" {
		return fmt.Errorf("account %q: want NAME:UID:GID[:HOME[:SHELL]]", s)
	}
	uid, err1 := strconv.Atoi(f[1])
	gid, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || uid < 0 || gid < 0 {
		return fmt.Errorf("account %q: UID and GID must be non-negative numbers", s)
	}
	a := layer.Account{Name: f[0], UID: uid, GID: gid, Home: "/home/" + f[0], Shell: "/sbin/nologin"}
	if len(f) > 3 && f[3] != "" {
		a.Home = f[3]
	}
	if len(f) > 4 && f[4] != "" {
		a.Shell = f[4]
	}
	*l = append(*l, a)
	return nil
}

// layerMemoryLimit is the layer verb's soft memory limit. Contents are
// spooled to disk, so the live heap is the merged tree's metadata plus the
// compressor's blocks: about 55 MB for 2 GB of input (87,000 entries).
// Without a limit the collector lets the heap grow to twice the live heap;
// with it, peak memory stays near 100 MB for any realistic input. It is
// soft: a larger live heap makes the collector run more often, not fail.
// GOMEMLIMIT in the environment takes precedence.
const layerMemoryLimit = 100 << 20

// layerMain implements the layer verb; see layerUsage.
func layerMain(args []string) error {
	fs := flag.NewFlagSet("layer", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	lockPath := fs.String("lock", "", "`LOCK.json` written by apkimage lock")
	arch := fs.String("apk-arch", "", "apk `ARCH`itecture of the layer, e.g. x86_64 or armv7 (a key of the lock's architectures)")
	kf := addKeyringFlags(fs)
	mtime := mtimeFlag(fs, "every entry's mtime")
	var accounts accountList
	fs.Var(&accounts, "account", "add a user and group `NAME:UID:GID[:HOME[:SHELL]]` (repeatable)")
	maxLayers := fs.Int("max-layers", 1, "split the packages into at most `N` layers grouped by origin; N > 1 makes --out a directory of layer-NN.tar.gz")
	noBusybox := fs.Bool("no-busybox-links", false, "do not create busybox's applet links when /bin/busybox is installed")
	out := fs.String("out", "", "layer `LAYER.tar.gz` to write")
	meta := fs.String("meta", "", "layer metadata `META.json` to write")
	baseLayer := fs.String("base-layer", "", "the newest apk `LAYER.tar.gz` of the image this layer is stacked on")
	baseLayout := fs.String("base-layout", "", "the image this layer is stacked on, as an OCI layout `DIR` of any writer (instead of --base-layer)")
	baseMeta := fs.String("base-meta", "", "that layer's `META.json`, for the layer of each base package in this META.json")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), layerUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *lockPath == "" || *arch == "" || *out == "" || *meta == "":
		return &exitError{2, errors.New("--lock, --apk-arch, --out and --meta are required")}
	case (kf.dir == "") == (len(kf.keys) == 0):
		return &exitError{2, errors.New("give either --keyring DIR or one or more --key FILE")}
	case *baseLayer != "" && *baseLayout != "":
		return &exitError{2, errors.New("give --base-layer or --base-layout, not both")}
	}
	when, err := mtimeValue(fs, *mtime)
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(layerMemoryLimit)
	}
	l, err := lock.Read(*lockPath)
	if err != nil {
		return err
	}
	locked, ok := l.Architectures[*arch]
	if !ok {
		return fmt.Errorf("lock file %s has no architecture %s (it has %s): add it to the configuration and re-lock",
			*lockPath, *arch, strings.Join(l.Config.Architectures, ", "))
	}
	kr, err := lockedKeyring(l, kf)
	if err != nil {
		return err
	}
	files := fs.Args()
	if len(files) != len(locked.Packages) {
		return fmt.Errorf("got %d package files for %s, the lock has %d (%s): pass the lock's packages for %s in its order",
			len(files), *arch, len(locked.Packages), packageNames(locked.Packages), *arch)
	}
	pkgs := make([]layer.Package, len(files))
	for i, path := range files {
		p, closer, err := openLocked(path, *arch, locked.Packages[i], kr)
		if err != nil {
			return err
		}
		defer closer.Close()
		pkgs[i] = p
	}
	if err := checkInstallOrder(*lockPath, *arch, pkgs); err != nil {
		return err
	}
	var keys []layer.Key
	for _, k := range l.Keyring {
		keys = append(keys, layer.Key{Name: k.Name, PEM: []byte(k.PEM)})
	}
	opt := layer.Options{
		MTime:        when,
		Arch:         *arch,
		World:        l.Config.Packages,
		Repositories: l.RepositoryURLs(),
		Keys:         keys,
		Accounts:     accounts,
	}
	if *baseLayer != "" {
		if opt.Base, err = readBaseLayer(*baseLayer); err != nil {
			return err
		}
	}
	var bm *sbom.Meta
	if *baseMeta != "" {
		if bm, err = sbom.ReadMeta(*baseMeta); err != nil {
			return err
		}
	}
	if *baseLayout != "" {
		if opt.Base, err = readBaseLayout(*baseLayout); err != nil {
			return err
		}
	}
	if !*noBusybox {
		opt.Busybox = busybox.Links
	}
	return writeLayer(*out, *meta, *arch, pkgs, locked.Packages, opt, *maxLayers, bm)
}

// lockedKeyring reads the key files and accepts each only if the lock holds
// a key of that name with the same sha256 (and so the same PEM, which the
// lock's validation ties to its sha256).
func lockedKeyring(l *lock.Lock, kf *keyringFlags) (*keyring.Keyring, error) {
	paths := kf.keys
	if kf.dir != "" {
		matches, err := filepath.Glob(filepath.Join(kf.dir, "*.pub"))
		if err != nil || len(matches) == 0 {
			return nil, fmt.Errorf("keyring directory %s holds no *.pub key files: pass the lock's keys", kf.dir)
		}
		paths = matches
	}
	byName := map[string]lock.Key{}
	for _, k := range l.Keyring {
		byName[k.Name] = k
	}
	pems := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading key file: %w", err)
		}
		name := filepath.Base(p)
		k, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("key file %s: the lock's keyring has no key %s: pass only the lock's keys, or add the key's URL to the configuration and re-lock", p, name)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != k.SHA256 {
			return nil, fmt.Errorf("key file %s: sha256 %s differs from the lock's %s for %s (from %s): re-fetch the key or re-lock", p, got, k.SHA256, name, k.URL)
		}
		if _, dup := pems[name]; dup {
			return nil, fmt.Errorf("key file %s: another key file is also named %s", p, name)
		}
		pems[name] = b
	}
	return keyring.FromPEM(pems)
}

// openLocked checks the file against its lock entry (size, sha256), opens
// it with signature verification and checks Q1, name, version and arch,
// then closes it. The data member is read, and verified, when the layer
// reaches the package (lazyData).
func openLocked(path, arch string, want lock.Package, kr *keyring.Keyring) (layer.Package, io.Closer, error) {
	id := fmt.Sprintf("%s-%s (%s)", want.Name, want.Version, arch)
	fail := func(format string, a ...interface{}) (layer.Package, io.Closer, error) {
		return layer.Package{}, nil, fmt.Errorf("package file %s for %s: %s; re-fetch the package or re-lock",
			path, id, fmt.Sprintf(format, a...))
	}
	f, err := os.Open(path)
	if err != nil {
		return fail("%v", err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		f.Close()
		return fail("reading: %v", err)
	}
	if n != want.Size {
		f.Close()
		return fail("size %d differs from the lock's %d", n, want.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 {
		f.Close()
		return fail("sha256 %s differs from the lock's %s", got, want.SHA256)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return fail("%v", err)
	}
	p, err := apkfile.Open(f, path, kr, apkfile.Options{})
	f.Close()
	if err != nil {
		return fail("%v", err)
	}
	p.Close()
	for _, c := range []struct{ what, got, want string }{
		{"checksum", p.Checksum, want.Checksum},
		{"name", p.Info.Name, want.Name},
		{"version", p.Info.Version, want.Version},
		{"arch", p.Info.Arch, want.Arch},
	} {
		if c.got != c.want {
			return fail("%s %q differs from the lock's %q", c.what, c.got, c.want)
		}
	}
	var scripts []layer.Script
	for _, s := range p.Scripts {
		scripts = append(scripts, layer.Script{Name: s.Name, Body: s.Body})
	}
	d := &lazyData{path: path, id: id, checksum: p.Checksum, kr: kr}
	return layer.Package{Info: p.Info, Checksum: p.Checksum, Size: want.Size, Scripts: scripts, Data: d}, d, nil
}

// checkInstallOrder refuses packages that cannot be installed in the
// lock's order: the lock records no dependencies, the packages do, so a
// lock reordered or cut short by hand is caught here.
func checkInstallOrder(lockPath, arch string, pkgs []layer.Package) error {
	recs := make([]apkindex.Record, len(pkgs))
	for i, p := range pkgs {
		recs[i] = apkindex.Record{Name: p.Info.Name, Version: p.Info.Version, Checksum: p.Checksum,
			Depends: p.Info.Depends, Provides: p.Info.Provides}
	}
	if err := resolve.CheckOrder(recs); err != nil {
		return fmt.Errorf("lock file %s, architecture %s: %w; the lock was edited or damaged: re-lock", lockPath, arch, err)
	}
	return nil
}

func packageNames(ps []lock.Package) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.FileName()
	}
	return strings.Join(names, " ")
}
