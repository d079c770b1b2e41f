// Command docgen writes docs/rules.md, the reference of the public Starlark
// API, from the docstrings of the .bzl files.
//
//	go run ./tools/cmd/docgen --out docs/rules.md
//
// It parses rules/defs.bzl, rules/repositories.bzl, rules/extensions.bzl
// and platforms/defs.bzl, follows their loads into rules/private, and
// documents every public name: rules and repository rules (doc and each
// attribute's type, default, whether it is mandatory, doc), providers (doc
// and fields), macros (docstring, Args, Returns), the module extension (its
// tag classes) and constants. It reads the files with a Starlark parser and
// never runs Bazel. With --check it compares instead of writing.
//
// The package's tests also check the Starlark sources: the generated file
// is current, every .bzl file opens with a docstring, every attribute has
// a doc, rules/private is closed by visibility, and the Bzlmod files agree
// with the WORKSPACE rules.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/atomicfile"
)

// publicFiles are the files users load, in the order they are documented.
var publicFiles = []publicFile{
	{path: "rules/defs.bzl"},
	{path: "rules/repositories.bzl"},
	{path: "rules/extensions.bzl"},
	{path: "platforms/defs.bzl"},
}

// repoName is the name users give this repository (@musl_dynamic).
const repoName = "musl_dynamic"

// fixCommand regenerates the reference; error messages print it.
const fixCommand = "go run ./tools/cmd/docgen --out docs/rules.md   (or: make docs)"

type generator struct {
	w  *workspace
	ev *evaluator
}

// generate returns the Markdown reference of the tree at root.
func generate(root string) ([]byte, error) {
	w := newWorkspace(root, repoName)
	g := &generator{w: w, ev: newEvaluator(w)}
	var files []fileDoc
	for _, pf := range publicFiles {
		m, ents, err := g.extractFile(pf.path)
		if err != nil {
			return nil, err
		}
		files = append(files, fileDoc{file: pf, mod: m, entities: ents})
	}
	return []byte(g.render(files)), nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("docgen", flag.ContinueOnError)
	root := fs.String("root", "", "the source tree (default: the nearest directory above the working directory holding rules/defs.bzl)")
	out := fs.String("out", "-", "file to write, - for stdout")
	check := fs.Bool("check", false, "compare with --out instead of writing; fail when it differs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *root == "" {
		r, err := findRoot()
		if err != nil {
			return err
		}
		*root = r
	}
	doc, err := generate(*root)
	if err != nil {
		return err
	}
	if *check {
		if *out == "-" {
			return errors.New("--check needs --out FILE")
		}
		have, err := os.ReadFile(*out)
		if err != nil {
			return fmt.Errorf("%v; create it with: %s", err, fixCommand)
		}
		if !bytes.Equal(have, doc) {
			return fmt.Errorf("%s is stale (%s); regenerate it with: %s", *out, firstDiff(have, doc), fixCommand)
		}
		return nil
	}
	if *out == "-" {
		_, err := os.Stdout.Write(doc)
		return err
	}
	return atomicfile.WriteFile(*out, doc, 0o644)
}

// findRoot walks up from the working directory to the tree's root.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "rules", "defs.bzl")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no rules/defs.bzl in the working directory or above it; pass --root")
		}
		dir = parent
	}
}

// firstDiff describes the first line where two texts differ.
func firstDiff(have, want []byte) string {
	h := bytes.Split(have, []byte("\n"))
	w := bytes.Split(want, []byte("\n"))
	for i := 0; i < len(h) || i < len(w); i++ {
		var hl, wl []byte
		if i < len(h) {
			hl = h[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if i >= len(h) || i >= len(w) || !bytes.Equal(hl, wl) {
			return fmt.Sprintf("first difference at line %d: has %q, want %q", i+1, hl, wl)
		}
	}
	return "same lines"
}
