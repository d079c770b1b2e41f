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

// resolveMain implements "resolve --keyring DIR --index FILE... PKG...":
// it verifies each APKINDEX.tar.gz, resolves the packages against them
// (repositories in the order given, each named by its file path) and
// prints name-version per line in install order.
func resolveMain(args []string) error {
	fs := flag.NewFlagSet("resolve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	dir := fs.String("keyring", "", "directory of trusted *.rsa.pub keys")
	var keys, indexes resolveFiles
	fs.Var(&keys, "key", "trusted public key file (repeatable; instead of --keyring)")
	fs.Var(&indexes, "index", "APKINDEX.tar.gz to resolve against (repeatable, in priority order)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage resolve (--keyring DIR | --key FILE...) --index FILE [--index FILE...] PKG...")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	indexGC()
	world := fs.Args()
	switch {
	case len(indexes) == 0:
		return &exitError{2, errors.New("no --index given: pass at least one APKINDEX.tar.gz")}
	case len(world) == 0:
		return &exitError{2, errors.New("no packages given: name the packages to resolve after the flags")}
	case (*dir == "") == (len(keys) == 0):
		return &exitError{2, errors.New("give either --keyring DIR or one or more --key FILE")}
	}
	var kr *keyring.Keyring
	var err error
	if *dir != "" {
		kr, err = keyring.LoadDir(*dir)
	} else {
		kr, err = keyring.FromFiles(keys)
	}
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
