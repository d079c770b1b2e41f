"""Rule standing in for apk packages that cannot be built: it fails with a message when analysed."""

load(":providers.bzl", "ApkPackagesInfo")

_DOC = """Fails at analysis with `message`, naming the target platform.

`apk_repository` generates it in place of `:packages` when its lock cannot be
used (the message names the `bazel run` command that fixes the lock), and as
the default arm of `:packages` for a platform with no locked architecture.
Failing at analysis, not while fetching, keeps the repository's `:lock`
target buildable, so the command in the message works.
"""

_ATTRS = {
    "message": attr.string(
        doc = "The error; `{platform}` is replaced by the target platform's label.",
        mandatory = True,
    ),
}

def _apk_unavailable_impl(ctx):
    fail(ctx.attr.message.replace("{platform}", str(ctx.fragments.platform.platform)))

apk_unavailable = rule(
    implementation = _apk_unavailable_impl,
    doc = _DOC,
    attrs = _ATTRS,
    fragments = ["platform"],
    provides = [ApkPackagesInfo],
)
