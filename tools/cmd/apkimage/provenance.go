package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/provenance"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/stablejson"
)

// provenanceMain writes SLSA provenance for an image or index built from a
// lock, on a base, or both:
//
//	apkimage provenance [--lock ARCH=FILE ...] [--lock-name ARCH=NAME ...]
//	  [--base ARCH=DIR ... --base-name ARCH=NAME ...]
//	  --target LABEL --version V --predicate OUT [--layout DIR --statement OUT]
func provenanceMain(args []string) error {
	fs := flag.NewFlagSet("provenance", flag.ContinueOnError)
	locks, names := imgKV{name: "lock"}, imgKV{name: "lock-name"}
	bases, baseNames := imgKV{name: "base"}, imgKV{name: "base-name"}
	fs.Var(&locks, "lock", "`ARCH=FILE`: the lock that arch's packages came from; repeat per arch of an index")
	fs.Var(&names, "lock-name", "`ARCH=NAME`: the lock's name as the user knows it, e.g. a label (default: FILE)")
	fs.Var(&bases, "base", "`ARCH=DIR`: the OCI layout of the image that arch's image is built on; repeat per arch of an index")
	fs.Var(&baseNames, "base-name", "`ARCH=NAME`: that base's name, e.g. its label (required with --base)")
	target := fs.String("target", "", "Bazel `LABEL` of the image or index")
	version := fs.String("version", "", "the rule set's `VERSION`")
	layout := fs.String("layout", "", "OCI layout `DIR` whose one manifest is the statement's subject")
	predicateOut := fs.String("predicate", "", "output `FILE`: the SLSA v1 predicate (what cosign attest takes)")
	statementOut := fs.String("statement", "", "output `FILE`: the whole in-toto statement (needs --layout)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage provenance [--lock ARCH=FILE...] [--base ARCH=DIR... --base-name ARCH=NAME...] --target LABEL --version V --predicate OUT [--layout DIR --statement OUT]\n\nWrites in-toto SLSA v1 provenance listing the bases by manifest digest and the locks' packages with their sha256.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return imgUsageError(fs, "unexpected arguments %q", fs.Args())
	}
	if len(locks.list)+len(bases.list) == 0 || *target == "" || *version == "" || *predicateOut == "" {
		return imgUsageError(fs, "--lock or --base, --target, --version and --predicate are required")
	}
	if (*statementOut == "") != (*layout == "") {
		return imgUsageError(fs, "--statement and --layout go together")
	}
	nameOf := map[string]string{}
	for _, kv := range names.list {
		a, n, _ := strings.Cut(kv, "=")
		nameOf[a] = n
	}
	in := provenance.Input{Target: *target, Version: *version}
	baseNameOf := map[string]string{}
	for _, kv := range baseNames.list {
		a, n, _ := strings.Cut(kv, "=")
		baseNameOf[a] = n
	}
	for _, kv := range bases.list {
		a, dir, _ := strings.Cut(kv, "=")
		if baseNameOf[a] == "" {
			return imgUsageError(fs, "--base %s needs --base-name %s=NAME", kv, a)
		}
		d, err := image.ImageDigest(dir)
		if err != nil {
			return fmt.Errorf("the base of %s (%s): %w", a, baseNameOf[a], err)
		}
		in.Bases = append(in.Bases, provenance.Base{Arch: a, Name: baseNameOf[a], Digest: d.String()})
	}
	for _, kv := range locks.list {
		a, file, _ := strings.Cut(kv, "=")
		raw, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("reading the lock of %s: %w", a, err)
		}
		name := nameOf[a]
		if name == "" {
			name = file
		}
		in.Locks = append(in.Locks, provenance.Lock{Arch: a, Name: name, Bytes: raw})
	}
	p, err := provenance.Build(in)
	if err != nil {
		return err
	}
	b, err := stablejson.Marshal(p)
	if err != nil {
		return err
	}
	if err := imgWriteFile(*predicateOut, b); err != nil {
		return err
	}
	if *statementOut == "" {
		return nil
	}
	digest, err := layoutDigest(*layout)
	if err != nil {
		return err
	}
	st, err := provenance.NewStatement(p, []provenance.Subject{{
		Name: *target, Digest: map[string]string{"sha256": strings.TrimPrefix(digest, "sha256:")},
	}})
	if err != nil {
		return fmt.Errorf("%s: %w", *layout, err)
	}
	if b, err = stablejson.Marshal(st); err != nil {
		return err
	}
	return imgWriteFile(*statementOut, b)
}

// layoutDigest returns the digest of the one manifest an OCI layout's
// index.json lists.
func layoutDigest(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return "", fmt.Errorf("reading the layout's index.json: %w", err)
	}
	var idx struct {
		Manifests []struct {
			Digest string `json:"digest"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		return "", fmt.Errorf("%s/index.json: %w", dir, err)
	}
	if len(idx.Manifests) != 1 || !strings.HasPrefix(idx.Manifests[0].Digest, "sha256:") {
		return "", fmt.Errorf("%s/index.json lists %d manifests: want exactly one, by sha256 (an image or index built by these rules)", dir, len(idx.Manifests))
	}
	return idx.Manifests[0].Digest, nil
}
