package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/provenance"
)

// provenanceMain writes SLSA provenance for an image or index built from a
// lock:
//
//	apkimage provenance --lock L --lock-name NAME --target LABEL --version V
//	  --arch A [--arch B ...] --predicate OUT [--layout DIR --statement OUT]
func provenanceMain(args []string) error {
	fs := flag.NewFlagSet("provenance", flag.ContinueOnError)
	lockPath := fs.String("lock", "", "the lock `FILE` the image's packages came from")
	lockName := fs.String("lock-name", "", "the lock's `NAME` as the user knows it (default: --lock)")
	target := fs.String("target", "", "Bazel `LABEL` of the image or index")
	version := fs.String("version", "", "the rule set's `VERSION`")
	var arches multiFlag
	fs.Var(&arches, "arch", "apk `ARCH` the image covers (repeat for an index)")
	layout := fs.String("layout", "", "OCI layout `DIR` whose one manifest is the statement's subject")
	predicateOut := fs.String("predicate", "", "output `FILE`: the SLSA v1 predicate (what cosign attest takes)")
	statementOut := fs.String("statement", "", "output `FILE`: the whole in-toto statement (needs --layout)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage provenance --lock L --target LABEL --version V --arch A... --predicate OUT [--layout DIR --statement OUT]\n\nWrites in-toto SLSA v1 provenance listing the lock's packages with their sha256.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return imgUsageError(fs, "unexpected arguments %q", fs.Args())
	}
	if *lockPath == "" || *target == "" || *version == "" || *predicateOut == "" || len(arches) == 0 {
		return imgUsageError(fs, "--lock, --target, --version, --arch and --predicate are required")
	}
	if (*statementOut == "") != (*layout == "") {
		return imgUsageError(fs, "--statement and --layout go together")
	}
	if *lockName == "" {
		*lockName = *lockPath
	}
	raw, err := os.ReadFile(*lockPath)
	if err != nil {
		return fmt.Errorf("reading the lock: %w", err)
	}
	p, err := provenance.Build(provenance.Input{
		Target: *target, Version: *version, Arches: arches, Lock: raw, LockName: *lockName,
	})
	if err != nil {
		return err
	}
	b, err := provenance.Marshal(p)
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
	if b, err = provenance.Marshal(st); err != nil {
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

// multiFlag collects a repeated string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }

func (m *multiFlag) Set(s string) error {
	*m = append(*m, s)
	return nil
}
