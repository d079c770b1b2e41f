"""go_cross: a go_binary built for the target platform of //platforms."""

load("//platforms:defs.bzl", "PLATFORM_TABLE")

_DOC = """Builds `binary` (a pure `go_binary`) for the current //platforms platform.

rules_go 0.34 finds its toolchain by `@platforms//cpu` values, which the
project's platforms cannot all carry: older `@platforms` have no ppc64le or
riscv64, and arm/v7 is `armv7` there, not `arm`. This rule moves `binary`
to rules_go's own platform for the same GOOS/GOARCH
(`@io_bazel_rules_go//go/toolchain:linux_<goarch>`), where a toolchain
matches. Under other platforms it changes nothing (a host build).
The output is the binary's executable.
"""

_GO_PLATFORM = {
    p.platform: "@io_bazel_rules_go//go/toolchain:{}_{}".format(p.os, p.architecture)
    for p in PLATFORM_TABLE
}

def _to_go_platform_impl(settings, _attr):
    current = settings["//command_line_option:platforms"]

    # One platform is set under oci_index; the name (after ":") is a
    # //platforms target name such as linux_arm_v7.
    if len(current) == 1:
        name = str(current[0]).rpartition(":")[2]
        if name in _GO_PLATFORM:
            return {"//command_line_option:platforms": _GO_PLATFORM[name]}
    return {"//command_line_option:platforms": current}

_to_go_platform = transition(
    implementation = _to_go_platform_impl,
    inputs = ["//command_line_option:platforms"],
    outputs = ["//command_line_option:platforms"],
)

def _go_cross_impl(ctx):
    binary = ctx.attr.binary

    # Older Bazel passes a transitioned label attribute as a list.
    if type(binary) == "list":
        binary = binary[0]
    exe = binary[DefaultInfo].files_to_run.executable
    return [DefaultInfo(files = depset([exe]))]

go_cross = rule(
    implementation = _go_cross_impl,
    doc = _DOC,
    attrs = {
        "binary": attr.label(
            doc = "A `go_binary` with `pure = \"on\"` (no C toolchain is needed to cross-compile it).",
            cfg = _to_go_platform,
            mandatory = True,
        ),
        "_allowlist_function_transition": attr.label(
            doc = "Needed by Bazel 4.2 for Starlark transitions.",
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)
