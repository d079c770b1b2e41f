// Command platgen writes the Starlark and shell copies of the platform
// table (tools/internal/platform) and, with --check, fails when a copy on
// disk differs from what the table generates.
//
//	go run ./tools/cmd/platgen            (or: make gen)
//	go run ./tools/cmd/platgen --check
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/platform"
)

func main() {
	if err := run(os.Args[1:], platform.All); err != nil {
		fmt.Fprintln(os.Stderr, "platgen:", err)
		os.Exit(1)
	}
}

func run(args []string, rows []platform.Platform) error {
	fs := flag.NewFlagSet("platgen", flag.ContinueOnError)
	root := fs.String("root", ".", "the repository root the copies are written under")
	check := fs.Bool("check", false, "compare the copies instead of writing them; fail when one differs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	files, err := platform.Files(rows)
	if err != nil {
		return err
	}
	if *check {
		return stale(*root, files)
	}
	for _, f := range files {
		if err := replaceFile(filepath.Join(*root, filepath.FromSlash(f.Path)), f.Data); err != nil {
			return err
		}
	}
	return nil
}

// stale names every copy that differs from the table, and the fix.
func stale(root string, files []platform.File) error {
	var bad []string
	for _, f := range files {
		have, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
		if err != nil {
			bad = append(bad, err.Error())
		} else if !bytes.Equal(have, f.Data) {
			bad = append(bad, f.Path+" is stale")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s: the copies must match tools/internal/platform/table.go; regenerate them with: %s",
			strings.Join(bad, "; "), platform.Regenerate)
	}
	return nil
}

// replaceFile writes through a temporary file, so that a failed run leaves
// the old copy whole.
func replaceFile(path string, data []byte) error {
	tmp := path + ".platgen-tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
