// Package layerstep is the layer verb's pipeline: it opens the locked
// packages and checks each against the lock, verifies them, checks their
// install order, reads the base's apk database when the layer is stacked,
// merges them (package layer) and writes the layer and its META.json.
// cmd/apkimage parses the flags and calls Run.
package layerstep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/baseimage"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/busybox"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/resolve"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

// Options are the layer verb's inputs, as its flags give them.
type Options struct {
	Lock       string   // LOCK.json
	Arch       string   // apk architecture, a key of the lock's architectures
	KeyFiles   []string // trusted key files (or KeyDir)
	KeyDir     string   // directory of trusted *.pub keys (or KeyFiles)
	Files      []string // the lock's package files for Arch, in its order
	MTime      time.Time
	Accounts   []layer.Account
	MaxLayers  int    // > 1: Out is a directory of layer-NN.tar.gz
	NoBusybox  bool   // no busybox applet links
	Out        string // LAYER.tar.gz (or directory) to write
	Meta       string // META.json to write
	BaseLayer  string // the base's newest apk layer, if stacked
	BaseLayout string // the base as an OCI layout (instead of BaseLayer)
	BaseMeta   string // the base layer's META.json
}

// MaxLayers bounds Options.MaxLayers: the layers are named layer-NN.tar.gz
// and read back in name order (a base's apk database is in its last one),
// so two digits must do; container runtimes refuse images of much more
// than a hundred layers anyway.
const MaxLayers = 99

// Run checks the package files against the lock, verifies them and writes
// the layer and its META.json; on failure neither output is written.
func Run(o Options) error {
	if o.MaxLayers < 1 || o.MaxLayers > MaxLayers {
		return fmt.Errorf("max layers %d is outside 1..%d: give max_layers (--max-layers) from 1 to %d", o.MaxLayers, MaxLayers, MaxLayers)
	}
	l, err := lock.Read(o.Lock)
	if err != nil {
		return err
	}
	locked, ok := l.Architectures[o.Arch]
	if !ok {
		return fmt.Errorf("lock file %s has no architecture %s (it has %s): add it to the configuration and re-lock",
			o.Lock, o.Arch, strings.Join(l.Config.Architectures, ", "))
	}
	kr, err := lockedKeyring(l, o.KeyFiles, o.KeyDir)
	if err != nil {
		return err
	}
	files := o.Files
	if len(files) != len(locked.Packages) {
		return fmt.Errorf("got %d package files for %s, the lock has %d (%s): pass the lock's packages for %s in its order",
			len(files), o.Arch, len(locked.Packages), PackageNames(locked.Packages), o.Arch)
	}
	pkgs := make([]layer.Package, len(files))
	for i, path := range files {
		p, closer, err := openLocked(path, o.Arch, locked.Packages[i], kr)
		if err != nil {
			return err
		}
		defer closer.Close()
		pkgs[i] = p
	}
	if err := checkInstallOrder(o.Lock, o.Arch, pkgs); err != nil {
		return err
	}
	var keys []layer.Key
	for _, k := range l.Keyring {
		keys = append(keys, layer.Key{Name: k.Name, PEM: []byte(k.PEM)})
	}
	opt := layer.Options{
		MTime:        o.MTime,
		Arch:         o.Arch,
		World:        l.Config.Packages,
		Repositories: l.RepositoryURLs(),
		Keys:         keys,
		Accounts:     o.Accounts,
	}
	if o.BaseLayer != "" {
		if opt.Base, err = readBaseLayer(o.BaseLayer); err != nil {
			return err
		}
	}
	var bl baseLayers
	if o.BaseMeta != "" {
		bm, err := sbom.ReadMeta(o.BaseMeta)
		if err != nil {
			return err
		}
		bl = baseLayers{of: bm.LayerOf(), os: bm.OSRelease, from: "the base's META.json", fix: "pass the META.json of the base's apk layer"}
	}
	if o.BaseLayout != "" {
		im, err := baseimage.Read(o.BaseLayout)
		if err != nil {
			return err
		}
		opt.Base = im.DB
		bl = baseLayers{of: im.LayerOf(), os: im.OSRelease, from: "the base's layers", fix: "rebuild the base image"}
	}
	if !o.NoBusybox {
		opt.Busybox = busybox.Links
	}
	return writeLayer(o.Out, o.Meta, o.Arch, pkgs, locked.Packages, opt, o.MaxLayers, bl)
}

// lockedKeyring reads the key files and accepts each only if the lock holds
// a key of that name with the same sha256 (and so the same PEM, which the
// lock's validation ties to its sha256).
func lockedKeyring(l *lock.Lock, keyFiles []string, keyDir string) (*keyring.Keyring, error) {
	paths := keyFiles
	if keyDir != "" {
		matches, err := filepath.Glob(filepath.Join(keyDir, "*.pub"))
		if err != nil || len(matches) == 0 {
			return nil, fmt.Errorf("keyring directory %s holds no *.pub key files: pass the lock's keys", keyDir)
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

// PackageNames lists the packages' file names, space-separated, as the
// error for a wrong number of package files names them.
func PackageNames(ps []lock.Package) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.FileName()
	}
	return strings.Join(names, " ")
}
