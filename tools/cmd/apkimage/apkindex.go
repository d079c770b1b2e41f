package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// apkindexMain implements "apkindex (--keyring DIR | --key FILE...)
// APKINDEX.tar.gz...": it verifies each index and prints
// "name version arch Q1checksum" per package, in index order.
func apkindexMain(args []string) error {
	fs := flag.NewFlagSet("apkindex", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	kf := addKeyringFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage apkindex (--keyring DIR | --key FILE...) APKINDEX.tar.gz...\n\nVerifies each APKINDEX.tar.gz's signature and prints one line per package,\nin index order: name version arch Q1checksum.\n(To merge image layouts into an OCI index: apkimage index.)\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &exitError{2, errors.New("no index given: name one or more APKINDEX.tar.gz files after the flags")}
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
