package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// indexMain dispatches: with --out it merges image layouts (indexMergeMain),
// otherwise it verifies and lists an APKINDEX.tar.gz.
func indexMain(args []string) error {
	for _, a := range args {
		if a == "--out" || a == "-out" || len(a) > 6 && (a[:6] == "--out=" || a[:5] == "-out=") {
			return indexMergeMain(args)
		}
	}
	return indexListMain(args)
}

// indexListMain implements "index (--keyring DIR | --key FILE...)
// FILE.tar.gz...": it verifies each APKINDEX.tar.gz and prints
// "name version arch Q1checksum" per package, in index order.
func indexListMain(args []string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	kf := addKeyringFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage index (--keyring DIR | --key FILE...) APKINDEX.tar.gz...\n       apkimage index --out DIR LAYOUT...")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &exitError{2, errors.New("no index given: name an APKINDEX.tar.gz (or use --out DIR LAYOUT... to merge image layouts)")}
	}
	kr, err := kf.load()
	if err != nil {
		return err
	}
	for _, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("opening index: %w", err)
		}
		idx, err := apkindex.Read(f, path, kr)
		f.Close()
		if err != nil {
			return err
		}
		for _, r := range idx.Records {
			if _, err := fmt.Fprintf(stdout, "%s %s %s %s\n", r.Name, r.Version, r.Arch, r.Checksum); err != nil {
				return err
			}
		}
	}
	return nil
}
