// Command apkimage builds minimal container images from Alpine APK packages.
// Each verb is a function taking its arguments; flags live only here in
// cmd/, the work in tools/internal.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
)

// verb is one sub-command: its arguments after the verb name.
type verb struct {
	run     func(args []string) error
	summary string
}

var verbs = map[string]verb{
	"vercmp":     {vercmpMain, "compare two apk versions"},
	"apkindex":   {apkindexMain, "verify and list the packages of APKINDEX.tar.gz files"},
	"index":      {indexMain, "merge single-platform image layouts into an OCI image index"},
	"verify":     {verifyMain, "verify .apk files against a keyring"},
	"resolve":    {resolveMain, "resolve packages against APKINDEX files"},
	"lock":       {lockMain, "resolve, fetch and verify packages and write a lock file"},
	"layer":      {layerMain, "write a reproducible layer from verified packages"},
	"image":      {imageMain, "write a single-platform OCI image layout"},
	"sbom":       {sbomMain, "write an SPDX 2.3 SBOM for the packages of an image"},
	"provenance": {provenanceMain, "write in-toto SLSA provenance of an image from its lock"},
	"paths":      {pathsMain, "write a tar of declared directories, files, symlinks and hard links"},
}

// exitError carries a specific exit status (vercmp --test uses 1 and 2).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	v, ok := verbs[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "apkimage: unknown verb %q\n\n", args[0])
		usage()
		return 2
	}
	if err := v.run(args[1:]); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil {
				fmt.Fprintf(stderr, "apkimage %s: %v\n", args[0], ee.err)
			}
			return ee.code
		}
		fmt.Fprintf(stderr, "apkimage %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// parseFlags parses a verb's flags: --help ends the verb with status 0, any
// other flag error (already printed by the flag package) with status 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &exitError{code: 0}
		}
		return &exitError{code: 2}
	}
	return nil
}

func usage() {
	fmt.Fprintln(stderr, "usage: apkimage VERB [flags] [args]\n\nverbs:")
	names := make([]string, 0, len(verbs))
	for n := range verbs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(stderr, "  %-8s %s\n", n, verbs[n].summary)
	}
	fmt.Fprintln(stderr, "\n'apkimage VERB --help' shows a verb's flags.")
}
