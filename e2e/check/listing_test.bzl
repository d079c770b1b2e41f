"""A test rule comparing an OCI layout with golden listings (e2e/check)."""

_DOC = """Checks an OCI layout against expected listings, one file per platform.

`e2e/check` reads `layout` (an `oci_index` or a `musl_base_image`) and, for
each image, compares the config (platform, created, env, user, workdir,
entrypoint, cmd, labels) and every layer's entries (type, mode, owner, size,
path, link target, owner names, mtime, diff_id) with `expected`, after
checking each blob's digest and each layer's diff_id. A platform built but
not expected, or expected but not built, fails too.

The test prints the difference and the command that rewrites the listings
when a change is intended.
"""

_ATTRS = {
    "layout": attr.label(
        doc = "The image to check: a target whose default output is one OCI layout directory (`oci_index`, `musl_base_image`).",
        mandatory = True,
    ),
    "expected": attr.label_list(
        doc = "The expected listings, `<os>-<arch>[-<variant>].txt`, all in one directory (e.g. `glob([\"expected/*.txt\"])`).",
        allow_files = [".txt"],
        mandatory = True,
    ),
    "_check": attr.label(
        doc = "The listing tool.",
        default = "//e2e/check",
        executable = True,
        cfg = "target",
    ),
}

def _listing_test_impl(ctx):
    layouts = ctx.attr.layout[DefaultInfo].files.to_list()
    if len(layouts) != 1 or not layouts[0].is_directory:
        fail("layout: {} gives {}; want one OCI layout directory (an oci_index or musl_base_image)".format(
            ctx.attr.layout.label,
            ", ".join([f.short_path for f in layouts]) or "no files",
        ))
    layout = layouts[0]
    dirs = {f.dirname: f.short_path.rsplit("/", 1)[0] for f in ctx.files.expected}
    if len(dirs) != 1:
        fail("expected: the listings must be in one directory, they are in {}".format(", ".join(sorted(dirs.values()))))
    expected = dirs.values()[0]
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        output = script,
        content = "\n".join([
            "#!/bin/sh",
            "# Written by listing_test (e2e/check/listing_test.bzl) for {}.".format(ctx.label),
            "if \"{}\" --layout \"{}\" --expected \"{}\"; then exit 0; fi".format(
                ctx.executable._check.short_path,
                layout.short_path,
                expected,
            ),
            "echo 'If the change is intended, rewrite the listings and review the diff:' >&2",
            "echo '  bazel build {} && go run ./e2e/check --layout \"$(bazel info bazel-bin)/{}\" --expected {} --update' >&2".format(
                ctx.attr.layout.label,
                layout.short_path,
                expected,
            ),
            "exit 1",
            "",
        ]),
        is_executable = True,
    )
    runfiles = ctx.runfiles(files = [layout] + ctx.files.expected)
    runfiles = runfiles.merge(ctx.attr._check[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

listing_test = rule(
    implementation = _listing_test_impl,
    doc = _DOC,
    attrs = _ATTRS,
    test = True,
)
