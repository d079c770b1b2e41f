package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/paths"
)

// pathsMain writes a deterministic tar of declared paths:
// apkimage paths --spec SPEC.json [--mtime SECONDS] --out OUT.tar
func pathsMain(args []string) error {
	fs := flag.NewFlagSet("paths", flag.ContinueOnError)
	spec := fs.String("spec", "", "`SPEC.json`: {\"directories\", \"files\", \"symlinks\", \"hardlinks\"}, each {\"/abs/path\": \"...\"}")
	mtime := mtimeFlag(fs, "every entry's mtime")
	out := fs.String("out", "", "output `TAR` (written atomically)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage paths --spec SPEC.json [--mtime SECONDS] --out OUT.tar\n\nWrites a tar of directories, empty files, symlinks and hard links, sorted, with\nfixed metadata. Directories and files take \"[MODE] [UID:GID]\" (defaults 0755\nand 0644, root); symlinks and hard links take their target.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *spec == "" || *out == "" {
		return imgUsageError(fs, "--spec and --out are required, and nothing else")
	}
	when, err := mtimeValue(fs, *mtime)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(*spec)
	if err != nil {
		return fmt.Errorf("reading the paths spec: %w", err)
	}
	s, err := paths.ParseSpec(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", *spec, err)
	}
	entries, err := s.Entries()
	if err != nil {
		return fmt.Errorf("%s: %w", *spec, err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := paths.Write(tw, entries, when, nil); err != nil {
		return fmt.Errorf("%s: %w", *spec, err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	return imgWriteFile(*out, buf.Bytes())
}
