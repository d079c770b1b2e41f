package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// repoRoot is the source tree the tests check (the working directory of a
// Go test is the package directory).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// writeTree writes files (slash paths relative to a new temporary
// directory) and returns the directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// copyFiles reads files of the real tree, for tests that change them.
func copyFiles(t *testing.T, names ...string) map[string]string {
	t.Helper()
	root := repoRoot(t)
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(n)))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// replace changes one file of a tree; the old text must be there.
func replace(t *testing.T, files map[string]string, name, old, new string) {
	t.Helper()
	if !strings.Contains(files[name], old) {
		t.Fatalf("%s does not contain %q; update the test", name, old)
	}
	files[name] = strings.Replace(files[name], old, new, 1)
}

// wantProblems checks that each wanted substring is in some problem.
func wantProblems(t *testing.T, problems []string, want ...string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, p := range problems {
			if strings.Contains(p, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem mentions %q; problems:\n  %s", w, strings.Join(problems, "\n  "))
		}
	}
}

// reportProblems fails the test with every problem, sorted.
func reportProblems(t *testing.T, what string, problems []string) {
	t.Helper()
	if len(problems) == 0 {
		return
	}
	sort.Strings(problems)
	t.Errorf("%s:\n  %s", what, strings.Join(problems, "\n  "))
}
