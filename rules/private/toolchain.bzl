"""The toolchain that hands the rules their Go tools (apkimage, apkpush)."""

load(":providers.bzl", "MuslToolsInfo")

# The one toolchain type of the rule set, through Label() so that it names
# this repository whatever the user called it; a string for rule(toolchains)
# (Bazel 4 takes no Label there), the Label to look it up.
_TYPE = Label("//toolchains:tools_toolchain_type")

TOOLS_TOOLCHAIN_TYPE = str(_TYPE)

_DOC = """Declares the `apkimage` and `apkpush` executables for one execution platform.

Wrap it in a `toolchain(toolchain_type = "@musl_dynamic//toolchains:tools_toolchain_type",
exec_compatible_with = [...])` and register that. `musl_dynamic_toolchains()`
in `//rules:repositories.bzl` does all of this for release binaries or for
tools built from source; write your own only for binaries you build another way.
"""

_ATTRS = {
    "apkimage": attr.label(
        doc = "The `apkimage` executable (a prebuilt file or any executable target).",
        mandatory = True,
        executable = True,
        allow_single_file = True,
        cfg = "exec",
    ),
    "apkpush": attr.label(
        doc = "The `apkpush` executable (a prebuilt file or any executable target).",
        mandatory = True,
        executable = True,
        allow_single_file = True,
        cfg = "exec",
    ),
}

def _musl_tools_toolchain_impl(ctx):
    tools = MuslToolsInfo(
        apkimage = ctx.executable.apkimage,
        apkpush = ctx.executable.apkpush,
        apkimage_runfiles = ctx.attr.apkimage[DefaultInfo].default_runfiles,
        apkpush_runfiles = ctx.attr.apkpush[DefaultInfo].default_runfiles,
    )
    return [platform_common.ToolchainInfo(tools = tools)]

musl_tools_toolchain = rule(
    implementation = _musl_tools_toolchain_impl,
    doc = _DOC,
    attrs = _ATTRS,
)

def musl_tools(ctx):
    """Returns the MuslToolsInfo of the toolchain resolved for a rule.

    Args:
      ctx: the rule context of a rule declaring `toolchains = [TOOLS_TOOLCHAIN_TYPE]`.

    Returns:
      MuslToolsInfo.
    """
    toolchain = ctx.toolchains[_TYPE]
    if not toolchain:
        fail("no musl-dynamic tools toolchain for this execution platform: call musl_dynamic_toolchains() in WORKSPACE (or register one with toolchain_type {})".format(TOOLS_TOOLCHAIN_TYPE))
    return toolchain.tools
