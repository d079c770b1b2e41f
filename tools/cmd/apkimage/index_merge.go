package main

import (
	"flag"
	"fmt"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// indexMergeMain merges single-platform layouts into one OCI index layout:
// apkimage index --out DIR [--digest-out FILE] LAYOUT...
func indexMergeMain(args []string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	out := fs.String("out", "", "output OCI layout `DIR` holding the image index (replaced atomically)")
	digestOut := fs.String("digest-out", "", "also write the index digest (sha256:..., no newline) to `FILE`")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage index --out DIR LAYOUT...\n\nMerges single-platform OCI layouts into one image index; its manifests carry\nplatform {os, architecture, variant} and are sorted by platform.\n(Without --out, index verifies and lists an APKINDEX: apkimage index --keyring DIR FILE.tar.gz.)\n\nflags:")
		fs.PrintDefaults()
	}
	// Flags may come after the layouts too; collect positionals until done.
	var layouts []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		layouts = append(layouts, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *out == "" || len(layouts) == 0 {
		return imgUsageError(fs, "--out and at least one LAYOUT are required")
	}
	res, err := image.MergeIndex(*out, layouts)
	if err != nil {
		return err
	}
	if *digestOut != "" {
		return imgWriteFile(*digestOut, []byte(res.ManifestDigest.String()))
	}
	return nil
}
