package main

import (
	"flag"
	"fmt"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// indexMain merges single-platform layouts into one OCI index layout:
// apkimage index --out DIR [--digest-out FILE] LAYOUT...
func indexMain(args []string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	out := fs.String("out", "", "output OCI layout `DIR` holding the image index (replaced atomically)")
	digestOut := fs.String("digest-out", "", "also write the index digest (sha256:..., no newline) to `FILE`")
	mtime := mtimeFlag(fs, "the index's created annotation (without --stamp-status)")
	annots := imgKV{name: "annotation"}
	stampKeys := imgKV{name: "stamp-key"}
	var stampF imgKV
	fs.Var(&annots, "annotation", "index annotation `KEY=VALUE`; repeatable")
	fs.Var(plainList{&stampF}, "stamp-status", "workspace status `FILE` to stamp annotations from; repeatable")
	fs.Var(&stampKeys, "stamp-key", "`ANNOTATION=STATUS_KEY` to stamp (replaces the defaults); repeatable")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage index --out DIR [--mtime SECONDS] [--annotation K=V]... [--stamp-status FILE]... LAYOUT...\n\nMerges single-platform OCI layouts into one image index; its manifests carry\nplatform {os, architecture, variant} and are sorted by platform. Flags may\nalso follow the layouts.\n(To verify and list an APKINDEX.tar.gz: apkimage apkindex.)\n\nflags:")
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
	st, err := stampResult(fs, *mtime, stampF.list, stampKeys)
	if err != nil {
		return err
	}
	for k, v := range imgMap(annots) {
		st.Annotations[k] = v
	}
	res, err := image.MergeIndexAnnotated(*out, layouts, st.Annotations)
	if err != nil {
		return err
	}
	if *digestOut != "" {
		return imgWriteFile(*digestOut, []byte(res.ManifestDigest.String()))
	}
	return nil
}
