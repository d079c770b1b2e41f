package main

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.starlark.net/syntax"
)

// starlarkDirs hold the rule set's own .bzl files.
var starlarkDirs = []string{"rules", "platforms", "toolchains"}

// bzlFiles lists the .bzl files under dirs, as slash paths relative to root.
func bzlFiles(root string, dirs []string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && strings.HasSuffix(p, ".bzl") {
				rel, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// docCalls are the calls that must have a doc argument.
var docCalls = map[string]bool{
	"rule": true, "repository_rule": true, "provider": true, "aspect": true,
	"module_extension": true, "tag_class": true,
}

// starlarkProblems checks every .bzl file under dirs: it opens with a
// docstring; every attr.<type>(...) has a non-empty doc; every rule,
// repository_rule, provider, aspect, module_extension and tag_class has a
// doc; providers document their fields in a dict.
func starlarkProblems(root string, dirs []string) []string {
	files, err := bzlFiles(root, dirs)
	if err != nil {
		return []string{err.Error()}
	}
	w := newWorkspace(root, repoName)
	var problems []string
	for _, rel := range files {
		m, err := w.load(rel)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if !hasDocstring(m.file) {
			problems = append(problems, fmt.Sprintf("%s: does not start with a docstring (a \"\"\"...\"\"\" string saying what the file holds)", rel))
		}
		syntax.Walk(m.file, func(n syntax.Node) bool {
			call, ok := n.(*syntax.CallExpr)
			if !ok {
				return true
			}
			fn := callName(call)
			line := syntax.Start(call).Line
			isAttr := strings.HasPrefix(fn, "attr.") && attrTypes[strings.TrimPrefix(fn, "attr.")][0] != ""
			if isAttr || docCalls[fn] {
				d := kwarg(call, "doc")
				s, ok := "", false
				if d != nil {
					s, ok = w.stringValue(m, d)
				}
				if !ok || strings.TrimSpace(s) == "" {
					problems = append(problems, fmt.Sprintf("%s:%d: %s(...) has no doc = \"...\"", rel, line, fn))
				}
			}
			if fn == "provider" {
				if f := kwarg(call, "fields"); f != nil {
					entries, err := w.dictValue(m, f)
					if err != nil {
						problems = append(problems, fmt.Sprintf("%s:%d: provider fields must be a dict of name to doc: %v", rel, line, err))
					}
					for _, en := range entries {
						if s, ok := w.stringValue(en.mod, en.value); !ok || strings.TrimSpace(s) == "" {
							problems = append(problems, fmt.Sprintf("%s:%d: provider field %q has no doc", rel, line, en.key))
						}
					}
				}
			}
			return true
		})
	}
	return problems
}

// apiProblems checks what docs/rules.md shows: every public symbol has a
// doc, and every macro documents each parameter under Args:.
func apiProblems(root string) []string {
	w := newWorkspace(root, repoName)
	g := &generator{w: w, ev: newEvaluator(w)}
	var problems []string
	for _, pf := range publicFiles {
		m, ents, err := g.extractFile(pf.path)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if strings.TrimSpace(m.doc) == "" {
			problems = append(problems, pf.path+": no module docstring")
		}
		for _, e := range ents {
			where := fmt.Sprintf("%s: %s %s", pf.path, e.kind, e.name)
			if e.kind != kindExternal && strings.TrimSpace(e.doc) == "" {
				problems = append(problems, where+" has no documentation")
			}
			for _, p := range e.params {
				if strings.TrimSpace(p.doc) == "" {
					problems = append(problems, fmt.Sprintf("%s: parameter %s is not documented under Args:", where, p.name))
				}
			}
			for _, t := range e.tags {
				if strings.TrimSpace(t.doc) == "" {
					problems = append(problems, fmt.Sprintf("%s: tag class %s has no doc", where, t.name))
				}
			}
		}
	}
	return problems
}

// visibilityProblems checks that a BUILD file closes its package: a
// package(default_visibility = ...) that is not public, and no target
// made public.
func visibilityProblems(root, build string) []string {
	w := newWorkspace(root, repoName)
	m, err := w.load(build)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	hasDefault := false
	for _, st := range m.file.Stmts {
		es, ok := st.(*syntax.ExprStmt)
		if !ok {
			continue
		}
		call, ok := es.X.(*syntax.CallExpr)
		if !ok {
			continue
		}
		line := syntax.Start(call).Line
		for _, kw := range []string{"default_visibility", "visibility"} {
			v := kwarg(call, kw)
			if v == nil {
				continue
			}
			if callName(call) == "package" && kw == "default_visibility" {
				hasDefault = true
			}
			_, items, ok := w.listValue(m, v)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s:%d: %s is not a list literal", build, line, kw))
				continue
			}
			for _, it := range items {
				if s, _ := w.stringValue(m, it); s == "//visibility:public" {
					problems = append(problems, fmt.Sprintf("%s:%d: %s(...) is public; rules/private is for //rules only", build, line, callName(call)))
				}
			}
		}
	}
	if !hasDefault {
		problems = append(problems, build+": no package(default_visibility = [...]); without one every target is private to the package by default, but say so explicitly, e.g. [\"//rules:__subpackages__\"]")
	}
	return problems
}

func TestStarlarkFilesAreDocumented(t *testing.T) {
	reportProblems(t, "Starlark files under rules/ and platforms/ lack docs", starlarkProblems(repoRoot(t), starlarkDirs))
}

func TestPublicAPIIsDocumented(t *testing.T) {
	reportProblems(t, "public symbols lack docs", apiProblems(repoRoot(t)))
}

func TestRulesPrivateIsClosed(t *testing.T) {
	reportProblems(t, "rules/private/BUILD.bazel", visibilityProblems(repoRoot(t), "rules/private/BUILD.bazel"))
}

// The checks above find what they are meant to find.
func TestHygieneChecksCatchProblems(t *testing.T) {
	root := writeTree(t, map[string]string{
		"rules/a.bzl": `load(":b.bzl", "DOC")

Info = provider(fields = ["x"])

def _impl(ctx):
    pass

r = rule(
    implementation = _impl,
    doc = DOC,
    attrs = {
        "good": attr.string(doc = DOC),
        "bad": attr.label(),
        "empty": attr.int(doc = ""),
    },
)
`,
		"rules/b.bzl": `"""Docs."""

DOC = "A documented thing."

P = provider(doc = "p", fields = {"f": "field", "g": ""})
`,
		"rules/private/BUILD.bazel": `exports_files(["a.bzl"], visibility = ["//visibility:public"])
`,
	})
	problems := starlarkProblems(root, []string{"rules"})
	wantProblems(t, problems,
		"rules/a.bzl: does not start with a docstring",
		"rules/a.bzl:3: provider(...) has no doc",
		"rules/a.bzl:3: provider fields must be a dict",
		"rules/a.bzl:13: attr.label(...) has no doc",
		"rules/a.bzl:14: attr.int(...) has no doc",
		`rules/b.bzl:5: provider field "g" has no doc`,
	)
	for _, p := range problems {
		if strings.Contains(p, ":8: rule(") || strings.Contains(p, ":12: attr.string") {
			t.Errorf("a doc given through a loaded constant was not followed: %s", p)
		}
	}
	wantProblems(t, visibilityProblems(root, "rules/private/BUILD.bazel"),
		"exports_files(...) is public",
		"no package(default_visibility",
	)
}

func TestAPICheckCatchesUndocumentedMacros(t *testing.T) {
	files := copyFiles(t, "rules/defs.bzl", "rules/repositories.bzl", "rules/extensions.bzl", "platforms/defs.bzl",
		"rules/private/apk_repository.bzl", "rules/private/arch.bzl", "rules/private/lock.bzl", "rules/private/sha256.bzl", "rules/private/labels.bzl",
		"rules/private/tools_repository.bzl", "rules/private/toolchain.bzl", "rules/private/providers.bzl", "toolchains/versions.bzl")
	files["rules/defs.bzl"] = "\"\"\"Defs.\"\"\"\n\ndef m(a, b = 1):\n    \"\"\"Does m.\n\n    Args:\n      a: the a.\n    \"\"\"\n    pass\n\nC = 1\n"
	problems := apiProblems(writeTree(t, files))
	wantProblems(t, problems,
		"rules/defs.bzl: macro m: parameter b is not documented",
		"rules/defs.bzl: constant C has no documentation",
	)
}
