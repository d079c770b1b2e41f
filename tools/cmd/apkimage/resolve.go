package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/resolve"
)

// resolveFiles is a repeatable string flag (--index, --key).
type resolveFiles []string

func (f *resolveFiles) String() string     { return strings.Join(*f, ",") }
func (f *resolveFiles) Set(s string) error { *f = append(*f, s); return nil }

// resolveMain implements "resolve --keyring DIR --apkindex FILE... PKG...":
// it verifies each APKINDEX.tar.gz, resolves the packages against them
// (repositories in the order given, each named by its file path) and
// prints name-version per line in install order.
func resolveMain(args []string) error {
	fs := flag.NewFlagSet("resolve", flag.ContinueOnError)
	kf := addKeyringFlags(fs)
	var indexes resolveFiles
	fs.Var(&indexes, "apkindex", "`APKINDEX.tar.gz` to resolve against (repeatable, in priority order)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage resolve (--keyring DIR | --key FILE...) --apkindex FILE [--apkindex FILE...] PKG...\n\nPrints name-version of the packages apk would install for PKG..., in install\norder.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	indexGC()
	world := fs.Args()
	switch {
	case len(indexes) == 0:
		return &exitError{2, errors.New("no --apkindex given: pass at least one APKINDEX.tar.gz")}
	case len(world) == 0:
		return &exitError{2, errors.New("no packages given: name the packages to resolve after the flags")}
	}
	kr, err := kf.load()
	if err != nil {
		return err
	}
	repos := make([]resolve.Repository, 0, len(indexes))
	for _, path := range indexes {
		records, err := readIndexFile(path, kr)
		if err != nil {
			return err
		}
		repos = append(repos, resolve.Repository{URL: path, Packages: records})
	}
	sel, err := resolve.Resolve(world, repos)
	if err != nil {
		return err
	}
	for _, s := range sel {
		if _, err := fmt.Fprintf(stdout, "%s-%s\n", s.Record.Name, s.Record.Version); err != nil {
			return err
		}
	}
	return nil
}

// readIndexFile verifies and parses one APKINDEX.tar.gz.
func readIndexFile(path string, kr *keyring.Keyring) ([]apkindex.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening index: %w", err)
	}
	defer f.Close()
	idx, err := apkindex.Read(f, path, kr)
	if err != nil {
		return nil, err
	}
	return idx.Records, nil
}
