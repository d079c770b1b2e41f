"""Rule merging one image built for several platforms into an OCI index."""

load(":providers.bzl", "MuslImageInfo", "OciIndexInfo")
load(":stamp.bzl", "STAMP_ATTRS", "stamp_args")
load(":toolchain.bzl", "TOOLS_TOOLCHAIN_TYPE", "musl_tools")

_DOC = """Builds `image` once per platform and merges the results into one OCI index layout.

A 1:N split transition sets `--platforms` to each of `platforms` in turn, so
`musl_base_image(packages = "@<repo>//:packages")` picks that platform's
architecture. `apkimage index --out` (mnemonic `OciIndex`) then writes one
OCI image layout directory whose index.json lists one manifest per platform
with its os/architecture/variant, sorted by platform. The index carries
`annotations` and `org.opencontainers.image.created` (stamped like the
images, see `stamp`).

Output: the layout directory `<name>` (push it with `oci_push`, `skopeo copy
oci:<dir> ...` or `crane push <dir> ...`); provider `OciIndexInfo` (the
platform images, for `oci_sign` and `oci_attest`); output group `sbom`:
`<name>.spdx.json`, an SPDX 2.3 document of the index (its digest, each
platform's image and digest); output group `sboms`: the images' own SBOMs.
"""

def _platforms_transition_impl(settings, attr):
    _ignore = settings  # buildifier: disable=unused-variable
    return {str(p): {"//command_line_option:platforms": str(p)} for p in attr.platforms}

platforms_transition = transition(
    implementation = _platforms_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms"],
)

_ATTRS = dict({
    "image": attr.label(
        doc = "The `musl_base_image` to build for every platform.",
        mandatory = True,
        providers = [MuslImageInfo],
        cfg = platforms_transition,
    ),
    "platforms": attr.label_list(
        doc = "The target platforms, e.g. `@musl_dynamic//platforms:linux_amd64` (see ALL_PLATFORMS in @musl_dynamic//platforms:defs.bzl).",
        mandatory = True,
        allow_empty = False,
    ),
    "annotations": attr.string_dict(
        doc = "Annotations of the image index, e.g. `{\"org.opencontainers.image.source\": \"https://...\"}`; they override the stamped ones.",
    ),
    "mtime": attr.int(
        doc = "Seconds since the epoch for the index's unstamped `org.opencontainers.image.created` annotation.",
        default = 0,
    ),
    "_allowlist_function_transition": attr.label(
        doc = "Required by Bazel < 6 for rules with a Starlark transition.",
        default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
    ),
}, **STAMP_ATTRS)

def _oci_index_impl(ctx):
    images = []
    seen = {}
    for key, target in sorted(ctx.split_attr.image.items()):
        info = target[MuslImageInfo]
        plat = "{}/{}{}".format(info.os, info.architecture, "/" + info.variant if info.variant else "")
        if plat in seen:
            fail("platforms {} and {} both give the OCI platform {}: list each once".format(seen[plat], key, plat))
        seen[plat] = key
        images.append(info)

    out = ctx.actions.declare_directory(ctx.label.name)
    args = ctx.actions.args()
    args.add("index")
    args.add("--out", out.path)
    args.add("--mtime", str(ctx.attr.mtime))
    args.add_all(["%s=%s" % (k, v) for k, v in ctx.attr.annotations.items()], before_each = "--annotation")
    status = stamp_args(ctx, args)
    args.add_all([i.layout.path for i in images])
    ctx.actions.run(
        executable = musl_tools(ctx).apkimage,
        arguments = [args],
        inputs = [i.layout for i in images] + status,
        outputs = [out],
        mnemonic = "OciIndex",
        progress_message = "Merging %d platform images into the OCI index %s" % (len(images), ctx.label),
    )
    sbom = ctx.actions.declare_file(ctx.label.name + ".spdx.json")
    sargs = ctx.actions.args()
    sargs.add("sbom")
    sargs.add("--index", out.path)
    sargs.add("--name", str(ctx.label))
    sargs.add("--mtime", str(ctx.attr.mtime))
    sargs.add("--out", sbom)
    ctx.actions.run(
        executable = musl_tools(ctx).apkimage,
        arguments = [sargs],
        inputs = [out],
        outputs = [sbom],
        mnemonic = "ApkSbom",
        progress_message = "Writing the SPDX SBOM of the index %s" % ctx.label,
    )
    return [
        DefaultInfo(files = depset([out])),
        OutputGroupInfo(
            sbom = depset([sbom]),
            sboms = depset([i.sbom for i in images if i.sbom]),
            layouts = depset([i.layout for i in images]),
        ),
        OciIndexInfo(layout = out, images = images),
    ]

oci_index = rule(
    implementation = _oci_index_impl,
    doc = _DOC,
    attrs = _ATTRS,
    toolchains = [TOOLS_TOOLCHAIN_TYPE],
    provides = [OciIndexInfo],
)
