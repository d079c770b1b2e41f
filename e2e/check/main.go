// Command check compares an OCI image index layout built by the rules with
// expected listings: per platform, the image config and every layer's
// entries (path, type, mode, owner, size, link target). It also checks the
// layout's own integrity: each blob's digest, each layer's diff_id, and that
// every descriptor's platform matches its config. With --update it rewrites
// the expected files instead, so a change in output shows as a diff in review.
// With --tree it compares a directory another tool unpacked with a listing.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	layoutDir := flag.String("layout", "", "OCI layout directory (an index of images, or one image)")
	expected := flag.String("expected", "", "directory of expected listings, one file per platform")
	update := flag.Bool("update", false, "rewrite the expected listings from the layout")
	platform := flag.String("unpack", "", "instead of checking, unpack this platform's image (e.g. linux-amd64) into --into")
	into := flag.String("into", "", "directory to unpack into (with --unpack)")
	elfFile := flag.String("elf", "", "instead of checking, require this file (e.g. /app) to be an ELF executable for each image's platform")
	tree := flag.String("tree", "", "instead of checking a layout, compare this unpacked directory with --listing")
	listing := flag.String("listing", "", "an expected listing of a one-layer image (with --tree)")
	flag.Parse()
	var err error
	switch {
	case *tree != "" && *listing != "":
		err = checkTree(*tree, *listing)
	case *layoutDir != "" && *platform != "" && *into != "":
		err = unpack(*layoutDir, *platform, *into)
	case *layoutDir != "" && *elfFile != "":
		err = checkELF(*layoutDir, *elfFile)
	case *layoutDir != "" && *expected != "":
		err = run(*layoutDir, *expected, *update)
	default:
		fmt.Fprintln(os.Stderr, "usage: check --layout DIR (--expected DIR [--update] | --unpack PLATFORM --into DIR | --elf FILE)\n       check --tree DIR --listing FILE")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "check: %v\n", err)
		os.Exit(1)
	}
}
