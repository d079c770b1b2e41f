"""The cosign toolchain: which cosign binary oci_sign and oci_attest run."""

# A Label, so it resolves to this rule set whatever the user calls it.
COSIGN_TOOLCHAIN_TYPE = Label("//toolchains/cosign:toolchain_type")

_DOC = """Declares a cosign binary as a toolchain of type `//toolchains/cosign:toolchain_type`.

`musl_dynamic_cosign_toolchain` (WORKSPACE) or the `cosign` module extension
declare one for the host: a pinned release binary, or a local cosign named by
`--repo_env=MUSL_DYNAMIC_COSIGN=/path/to/cosign`.
"""

_ATTRS = {
    "cosign": attr.label(
        doc = "The cosign executable.",
        mandatory = True,
        allow_single_file = True,
        executable = True,
        cfg = "exec",
    ),
    "version": attr.string(
        doc = "The cosign version, for messages (e.g. `v2.6.5`).",
    ),
}

def _cosign_toolchain_impl(ctx):
    return [platform_common.ToolchainInfo(
        cosign = ctx.executable.cosign,
        runfiles = ctx.attr.cosign[DefaultInfo].default_runfiles,
        version = ctx.attr.version,
    )]

cosign_toolchain = rule(
    implementation = _cosign_toolchain_impl,
    doc = _DOC,
    attrs = _ATTRS,
)
