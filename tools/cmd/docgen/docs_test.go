package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesMarkdownIsCurrent fails when docs/rules.md is not what the
// docstrings generate.
func TestRulesMarkdownIsCurrent(t *testing.T) {
	root := repoRoot(t)
	want, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(filepath.Join(root, "docs", "rules.md"))
	if err != nil {
		t.Fatalf("%v\ncreate it with: %s", err, fixCommand)
	}
	if string(have) != string(want) {
		t.Fatalf("docs/rules.md is stale: %s\nregenerate it with: %s", firstDiff(have, want), fixCommand)
	}
}

// The --check mode fails on a stale file and names the fix.
func TestCheckFailsWhenStale(t *testing.T) {
	files := copyFiles(t, "rules/defs.bzl", "rules/repositories.bzl", "rules/extensions.bzl", "platforms/defs.bzl",
		"rules/private/apk_repository.bzl", "rules/private/arch.bzl", "rules/private/platform_table.bzl", "rules/private/lock.bzl", "rules/private/sha256.bzl", "rules/private/labels.bzl",
		"rules/private/tools_repository.bzl", "rules/private/toolchain.bzl", "rules/private/providers.bzl", "toolchains/versions.bzl")
	files["rules/defs.bzl"] = `"""Defs."""

load("//rules/private:providers.bzl", _MuslImageInfo = "MuslImageInfo")

MuslImageInfo = _MuslImageInfo
`
	root := writeTree(t, files)
	out := filepath.Join(root, "rules.md")
	if err := run([]string{"--root", root, "--out", out}); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"--root", root, "--check", "--out", out}); err != nil {
		t.Fatalf("fresh output reported stale: %v", err)
	}
	// A doc changes in a private file: the reference is stale.
	p := filepath.Join(root, "rules", "private", "providers.bzl")
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), "OCI os (always `linux`).", "OCI os.", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"--root", root, "--check", "--out", out})
	if err == nil || !strings.Contains(err.Error(), "stale") || !strings.Contains(err.Error(), "make docs") {
		t.Fatalf("stale file: got %v, want an error saying it is stale and how to fix it", err)
	}
}

func TestGenerateDocumentsEveryKind(t *testing.T) {
	root := writeTree(t, map[string]string{
		"rules/defs.bzl": `"""The public API."""

load("//rules/private:r.bzl", _Info = "Info", _my_macro = "my_macro", _my_rule = "my_rule")

my_rule = _my_rule
my_macro = _my_macro
Info = _Info
`,
		"rules/private/r.bzl": `"""A rule."""

load(":consts.bzl", "KINDS")

Info = provider(doc = "What my_rule returns.", fields = {"out": "File: the output.", "kind": "one of KINDS."})

_ATTRS = {
    "src": attr.label(doc = "The input | with a pipe.", allow_single_file = [".txt"], mandatory = True),
    "kind": attr.string(doc = "The kind.", values = KINDS, default = "a"),
    "opts": attr.string_list(doc = "Options,\nover two lines."),
    "_tool": attr.label(doc = "Hidden.", default = "//tools:x"),
}

def _impl(ctx):
    pass

my_rule = rule(
    implementation = _impl,
    doc = """Does the thing.

    More text.
    """,
    attrs = _ATTRS,
    executable = True,
)

def my_macro(name, count = 2, *args, **kwargs):
    """Wraps my_rule.

    Longer description.

    Args:
      name: the name.
      count: how many;
        a second line.
      *args: more.
      **kwargs: passed on.

    Returns:
      Nothing useful.
    """
    my_rule(name = name, **kwargs)
`,
		"rules/private/consts.bzl": `"""Constants."""

KINDS = [k for k in ["a", "b"]]
`,
		"rules/repositories.bzl": `"""Repositories."""

load("@other//:x.bzl", _x = "x")

x = _x

# The version.
VERSION = "1.2"
`,
		"rules/extensions.bzl": `"""Extensions."""

_t = tag_class(doc = "A tag.", attrs = {"name": attr.string(doc = "Its name.", mandatory = True)})

def _impl(mctx):
    pass

e = module_extension(implementation = _impl, doc = "An extension.", tag_classes = {"t": _t})
`,
		"platforms/defs.bzl": `"""Platforms."""

ALL = ["@musl_dynamic//platforms:" + p for p in ["a", "b"]]
"""All of them."""
`,
	})
	out, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(out)
	for _, want := range []string{
		"- [`@musl_dynamic//rules:defs.bzl`](#rules-defs-bzl)",
		"  - [`my_rule`](#my_rule) (rule)",
		"*Rule, defined in [`//rules/private:r.bzl`](../rules/private/r.bzl).*",
		"```starlark\nmy_rule(name, src, kind, opts)\n```\n\nDoes the thing.\n\nMore text.\n",
		"- Executable: `bazel run` it",
		"| `src` | label | yes |  | The input \\| with a pipe.<br>One file: `.txt`. |",
		"| `kind` | string | no | `\"a\"` | The kind.<br>One of `a`, `b`. |",
		"| `opts` | list of strings | no | `[]` | Options, over two lines. |",
		"Info(out = ..., kind = ...)",
		"| `out` | File: the output. |",
		"my_macro(name, count = 2, *args, **kwargs)",
		"| `count` | `2` | how many; a second line. |",
		"| `*args` | required | more. |",
		"**Returns**\n\nNothing useful.",
		"*Re-exported from `@other//:x.bzl%x`; see its own documentation.*",
		"VERSION = \"1.2\"\n```\n\nThe version.",
		"e = use_extension(\"@musl_dynamic//rules:extensions.bzl\", \"e\")\ne.t(name)",
		"#### Tag class `e.t`\n\nA tag.",
		"ALL = [\"@musl_dynamic//platforms:a\", \"@musl_dynamic//platforms:b\"]",
		"All of them.",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(doc, "_tool") || strings.Contains(doc, "Hidden.") {
		t.Error("a private attribute is documented")
	}
	if strings.Contains(doc, "\n\n\n") {
		t.Error("output has runs of blank lines")
	}
	if t.Failed() {
		t.Log(doc)
	}
}

func TestParseDocstring(t *testing.T) {
	d := parseDocstring(`Summary line.

    Body paragraph
    continues.

    Args:
      a: first,
        continued.
      b (int): second.

    Returns:
      A value
      on two lines.
    `)
	if d.body != "Summary line.\n\nBody paragraph\ncontinues." {
		t.Errorf("body = %q", d.body)
	}
	if len(d.args) != 2 || d.args[0] != (docArg{"a", "first, continued."}) || d.args[1] != (docArg{"b", "second."}) {
		t.Errorf("args = %q", d.args)
	}
	if d.returns != "A value on two lines." {
		t.Errorf("returns = %q", d.returns)
	}
}
