"""Runnable rule pushing an OCI layout (image or index) to a registry."""

load(":toolchain.bzl", "TOOLS_TOOLCHAIN_TYPE", "musl_tools")

_DOC = """Pushes `image` to a registry when run: `bazel run //:push`.

`image` is a `musl_base_image` or an `oci_index` (any target whose output is
one OCI layout directory whose index.json lists one image or index). The push
uses go-containerregistry's remote package (`//tools/cmd/apkpush`): blobs the
registry already has are skipped, and the digest pushed is the layout's own,
so `REPO@DIGEST` printed at the end names exactly what Bazel built.

Arguments after `--` are passed on: `--repository HOST[:PORT]/REPO[:TAG]`
overrides the `repository` attribute, `--tag T` adds tags, `--insecure`
allows plain HTTP to a registry that is not on loopback (loopback registries,
such as one started for a test on 127.0.0.1, may always use plain HTTP).
Credentials come from the Docker config (`~/.docker/config.json`).
"""

_ATTRS = {
    "image": attr.label(
        doc = "The `musl_base_image` or `oci_index` to push.",
        mandatory = True,
        allow_files = True,
    ),
    "repository": attr.string(
        doc = "Default destination `HOST[:PORT]/REPO[:TAG]` (tag `latest` when absent); `--repository` on the command line overrides it. Empty: the command line must give one.",
    ),
    "remote_tags": attr.string_list(
        doc = "More tags to point at the pushed digest (besides the repository's tag).",
    ),
}

_SCRIPT = """#!/usr/bin/env bash
# Written by oci_push for {label}.
set -euo pipefail
# bazel run starts here in the runfiles tree; a direct run does not.
if [[ -d "$0.runfiles/{workspace}" ]]; then cd "$0.runfiles/{workspace}"; fi
exec {tool} --layout {layout} {defaults} "$@"
"""

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def _oci_push_impl(ctx):
    dirs = ctx.files.image
    if len(dirs) != 1 or not dirs[0].is_directory:
        fail("image {} must produce exactly one OCI layout directory (a musl_base_image or an oci_index)".format(ctx.attr.image.label))
    layout = dirs[0]
    tools = musl_tools(ctx)
    defaults = []
    if ctx.attr.repository:
        defaults += ["--repository", ctx.attr.repository]
    for t in ctx.attr.remote_tags:
        defaults += ["--tag", t]
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        output = script,
        is_executable = True,
        content = _SCRIPT.format(
            label = ctx.label,
            workspace = ctx.workspace_name,
            tool = _shell_quote(tools.apkpush.short_path),
            layout = _shell_quote(layout.short_path),
            defaults = " ".join([_shell_quote(a) for a in defaults]),
        ),
    )
    runfiles = ctx.runfiles(files = [layout, tools.apkpush]).merge(tools.apkpush_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

oci_push = rule(
    implementation = _oci_push_impl,
    doc = _DOC,
    attrs = _ATTRS,
    toolchains = [TOOLS_TOOLCHAIN_TYPE],
    executable = True,
)
