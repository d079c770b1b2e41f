package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/layer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/layerstep"
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
newest layer holding /lib/apk/db/installed (none: a fresh database), and
META.json names the base layer holding each base package's files.
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
	return layerstep.Run(layerstep.Options{
		Lock:       *lockPath,
		Arch:       *arch,
		KeyFiles:   kf.keys,
		KeyDir:     kf.dir,
		Files:      fs.Args(),
		MTime:      when,
		Accounts:   accounts,
		MaxLayers:  *maxLayers,
		NoBusybox:  *noBusybox,
		Out:        *out,
		Meta:       *meta,
		BaseLayer:  *baseLayer,
		BaseLayout: *baseLayout,
		BaseMeta:   *baseMeta,
	})
}
