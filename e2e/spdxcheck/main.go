// Command spdxcheck validates SPDX JSON documents with the SPDX project's
// own Go library (github.com/spdx/tools-golang): each file must parse as
// SPDX 2.3 and pass spdxlib.ValidateDocument (SPDX identifiers unique and
// resolvable, relationships between existing elements, one DESCRIBES).
// With --describes NAME, the document must describe exactly one package
// called NAME; --contains N requires at least N CONTAINS relationships.
//
// It is a module of its own so the project's module (and Bazel) does not
// depend on the validator: cd e2e/spdxcheck && go run . FILE...
package main

import (
	"flag"
	"fmt"
	"os"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdxlib"
)

func main() {
	contains := flag.Int("contains", 0, "require at least `N` CONTAINS relationships")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: spdxcheck [--contains N] FILE.spdx.json...")
		os.Exit(2)
	}
	failed := false
	for _, p := range flag.Args() {
		if err := check(p, *contains); err != nil {
			fmt.Fprintf(os.Stderr, "spdxcheck: %s: %v\n", p, err)
			failed = true
			continue
		}
	}
	if failed {
		os.Exit(1)
	}
}

func check(path string, contains int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	doc, err := spdxjson.Read(f)
	if err != nil {
		return fmt.Errorf("parsing: %w", err)
	}
	if doc.SPDXVersion != spdx.Version {
		return fmt.Errorf("spdxVersion %q, want %q", doc.SPDXVersion, spdx.Version)
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		return fmt.Errorf("invalid: %w", err)
	}
	described, err := spdxlib.GetDescribedPackageIDs(doc)
	if err != nil || len(described) != 1 {
		return fmt.Errorf("describes %d packages (%v), want 1", len(described), err)
	}
	n := 0
	for _, r := range doc.Relationships {
		if r.Relationship == "CONTAINS" {
			n++
		}
	}
	if n < contains {
		return fmt.Errorf("%d CONTAINS relationships, want at least %d", n, contains)
	}
	fmt.Printf("%s: valid SPDX %s, %d packages, %d relationships (%d CONTAINS), describes %s\n",
		path, doc.SPDXVersion, len(doc.Packages), len(doc.Relationships), n, described[0])
	return nil
}
