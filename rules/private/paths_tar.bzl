"""Rule writing a tar layer of declared directories, files, symlinks and hard links."""

load(":toolchain.bzl", "TOOLS_TOOLCHAIN_TYPE", "musl_tools")

_DOC = """Writes a deterministic tar of declared paths, for `musl_base_image(tars = ...)`.

What apko's `paths` does, as a layer of its own: directories and empty
files with a mode and owner, symlinks and hard links. Missing parent
directories are added 0755 root:root; entries are sorted, with mtime
`mtime` and no user or group names. Mode and owner changes of paths that
come from packages or a base are `musl_base_image(permissions = ...)`.

```starlark
paths_tar(
    name = "app_paths",
    directories = {"/var/lib/app": "0750 65532:65532"},
    files = {"/var/lib/app/.keep": "0640 65532:65532"},
    symlinks = {"/usr/bin/app": "/opt/app/bin/app"},
)
```

Output: `<name>.tar` (mnemonic `PathsTar`).
"""

_ATTRS = {
    "directories": attr.string_dict(
        doc = "Absolute path → `\"[MODE] [UID:GID]\"` (default `0755 0:0`).",
    ),
    "files": attr.string_dict(
        doc = "Empty regular files: absolute path → `\"[MODE] [UID:GID]\"` (default `0644 0:0`). Files with content come from `tars` (e.g. `pkg_tar`).",
    ),
    "symlinks": attr.string_dict(
        doc = "Absolute path → link target (kept as written, absolute or relative).",
    ),
    "hardlinks": attr.string_dict(
        doc = "Absolute path → absolute path of one of `files`: the same inode, its mode and owner.",
    ),
    "mtime": attr.int(
        doc = "Seconds since the epoch for every entry's mtime.",
        default = 0,
    ),
}

def _paths_tar_impl(ctx):
    spec = ctx.actions.declare_file(ctx.label.name + ".paths.json")
    ctx.actions.write(spec, json.encode(struct(
        directories = ctx.attr.directories,
        files = ctx.attr.files,
        symlinks = ctx.attr.symlinks,
        hardlinks = ctx.attr.hardlinks,
    )))
    out = ctx.actions.declare_file(ctx.label.name + ".tar")
    args = ctx.actions.args()
    args.add("paths")
    args.add("--spec", spec)
    args.add("--mtime", str(ctx.attr.mtime))
    args.add("--out", out)
    ctx.actions.run(
        executable = musl_tools(ctx).apkimage,
        arguments = [args],
        inputs = [spec],
        outputs = [out],
        mnemonic = "PathsTar",
        progress_message = "Writing the paths tar %s" % ctx.label,
    )
    return [DefaultInfo(files = depset([out]))]

paths_tar = rule(
    implementation = _paths_tar_impl,
    doc = _DOC,
    attrs = _ATTRS,
    toolchains = [TOOLS_TOOLCHAIN_TYPE],
)
