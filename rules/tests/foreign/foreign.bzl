"""A single-platform OCI layout written by another tool, for the foreign-base test."""

_DOC = """Writes an OCI image layout with go-containerregistry (see layout.go).

It stands for a base this rule set did not build: rules_oci's `oci_image`
(`nested = False`) or `crane pull --format=oci` (`nested = True`).
"""

def _foreign_layout_impl(ctx):
    out = ctx.actions.declare_directory(ctx.label.name)
    args = ["--out", out.path, "--platform", ctx.attr.platform]
    if ctx.attr.nested:
        args.append("--nested")
    ctx.actions.run(
        executable = ctx.executable._tool,
        arguments = args,
        outputs = [out],
        mnemonic = "ForeignLayout",
        progress_message = "Writing the foreign OCI layout %s" % ctx.label,
    )
    return [DefaultInfo(files = depset([out]))]

foreign_layout = rule(
    implementation = _foreign_layout_impl,
    doc = _DOC,
    attrs = {
        "platform": attr.string(doc = "The image's `OS/ARCH`.", default = "linux/arm64"),
        "nested": attr.bool(doc = "index.json lists an image index of one image (crane pull), not the image (oci_image)."),
        "_tool": attr.label(
            doc = "The layout writer.",
            default = ":layout",
            executable = True,
            cfg = "exec",
        ),
    },
)
