package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/platform"
)

// repoRoot is the tree holding this package (tools/cmd/platgen).
const repoRoot = "../../.."

// TestCopiesAreCurrent fails when a generated copy of the platform table in
// the repository differs from the table; it prints the command that fixes it.
func TestCopiesAreCurrent(t *testing.T) {
	if err := run([]string{"--root", repoRoot, "--check"}, platform.All); err != nil {
		t.Fatal(err)
	}
}

func TestWriteThenCheck(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"rules/private", "e2e/check"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	err := run([]string{"--root", root, "--check"}, platform.All)
	if err == nil || !strings.Contains(err.Error(), "no such file") || !strings.Contains(err.Error(), platform.Regenerate) {
		t.Fatalf("missing copies: got %v, want an error naming them and %q", err, platform.Regenerate)
	}
	if err := run([]string{"--root", root}, platform.All); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"--root", root, "--check"}, platform.All); err != nil {
		t.Fatalf("fresh copies reported stale: %v", err)
	}
	// A hand edit of one copy is reported, with the fix.
	sh := filepath.Join(root, "e2e", "platforms.sh")
	b, _ := os.ReadFile(sh)
	if err := os.WriteFile(sh, []byte(strings.Replace(string(b), `="x86"`, `="i686"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run([]string{"--root", root, "--check"}, platform.All)
	if err == nil || err.Error() != "e2e/platforms.sh is stale: the copies must match tools/internal/platform/table.go; regenerate them with: make gen" {
		t.Fatalf("edited copy: got %v", err)
	}
	// A table with a new row makes every copy stale until it is written.
	nine := append(append([]platform.Platform{}, platform.All...), platform.All[1])
	nine[8].APKArch, nine[8].Architecture = "x86_64v3", "amd64v3"
	if err := run([]string{"--root", root}, platform.All); err != nil {
		t.Fatal(err)
	}
	err = run([]string{"--root", root, "--check"}, nine)
	for _, p := range []string{"rules/private/platform_table.bzl", "e2e/platforms.sh", "e2e/check/platforms.go"} {
		if err == nil || !strings.Contains(err.Error(), p+" is stale") {
			t.Errorf("nine rows: got %v, want %s reported stale", err, p)
		}
	}
}

func TestInvalidTableWritesNothing(t *testing.T) {
	root := t.TempDir()
	bad := append(append([]platform.Platform{}, platform.All...), platform.All[0])
	err := run([]string{"--root", root}, bad)
	if err == nil || !strings.Contains(err.Error(), "apk arch x86 is already row 1's") {
		t.Fatalf("got %v, want the duplicate named", err)
	}
	if ents, _ := os.ReadDir(root); len(ents) != 0 {
		t.Errorf("an invalid table wrote %d entries", len(ents))
	}
	if err := run([]string{"--root", root, "extra"}, platform.All); err == nil {
		t.Error("an extra argument was accepted")
	}
}
