package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// The provenance statements name the rule set's version from
// rules/private/version.bzl; it must be the module's version.
func TestVersionBzlMatchesModule(t *testing.T) {
	root := repoRoot(t)
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	mod := regexp.MustCompile(`(?s)module\(.*?version = "([^"]+)"`).FindStringSubmatch(read("MODULE.bazel"))
	bzl := regexp.MustCompile(`(?m)^VERSION = "([^"]+)"$`).FindStringSubmatch(read("rules/private/version.bzl"))
	if mod == nil || bzl == nil {
		t.Fatalf("no version found: MODULE.bazel %v, rules/private/version.bzl %v", mod, bzl)
	}
	if mod[1] != bzl[1] {
		t.Errorf("rules/private/version.bzl says %s, MODULE.bazel's module() %s: keep them equal", bzl[1], mod[1])
	}
}
