package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

// sbomMeta is the part of the layer verb's META.json that the SBOM needs.
type sbomMeta struct {
	Packages []sbom.Package `json:"packages"`
}

// sbomMain writes an SPDX 2.3 SBOM from a layer's META.json:
// apkimage sbom --meta META.json --name NAME [--created SECONDS] --out FILE
func sbomMain(args []string) error {
	fs := flag.NewFlagSet("sbom", flag.ContinueOnError)
	meta := fs.String("meta", "", "`META.json` written by apkimage layer")
	name := fs.String("name", "", "image `NAME` for the document and its root package")
	created := fs.Int64("created", 0, "creation time in `SECONDS` since the Unix epoch")
	out := fs.String("out", "", "output SPDX JSON `FILE` (written atomically)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage sbom --meta META.json --name NAME [--created SECONDS] --out SBOM.spdx.json\n\nWrites an SPDX 2.3 JSON document listing the packages of META.json.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return imgUsageError(fs, "unexpected arguments %q", fs.Args())
	}
	if *meta == "" || *name == "" || *out == "" {
		return imgUsageError(fs, "--meta, --name and --out are required")
	}
	if *created < 0 {
		return imgUsageError(fs, "--created %d is before the Unix epoch", *created)
	}
	raw, err := os.ReadFile(*meta)
	if err != nil {
		return fmt.Errorf("reading layer metadata: %w", err)
	}
	var m sbomMeta
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("parsing %s (expected the META.json of apkimage layer): %w", *meta, err)
	}
	var buf bytes.Buffer
	doc := sbom.Doc{Name: *name, Created: time.Unix(*created, 0).UTC(), Packages: m.Packages}
	if err := sbom.Write(&buf, doc); err != nil {
		return fmt.Errorf("%s: %w", *meta, err)
	}
	return imgWriteFile(*out, buf.Bytes())
}
