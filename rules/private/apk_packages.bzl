"""Rule grouping one architecture's locked apk files, keys and lock."""

load(":arch.bzl", "APK_ARCHES")
load(":providers.bzl", "ApkPackagesInfo")

_DOC = """Groups the apk files of one architecture, in install order, with their keys and lock.

`apk_repository` generates one per locked architecture; write one yourself
to build an image from apks you fetched another way. Nothing is verified
here: `musl_base_image` checks every apk against the lock and the keys.
"""

_ATTRS = {
    "arch": attr.string(
        doc = "The apk architecture of the packages.",
        mandatory = True,
        values = APK_ARCHES,
    ),
    "apks": attr.label_list(
        doc = "The .apk files, in the lock's install order for `arch`.",
        allow_files = [".apk"],
        mandatory = True,
    ),
    "keys": attr.label_list(
        doc = "The trusted RSA public key files, named as in the packages' signatures (e.g. `alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub`).",
        allow_files = True,
        mandatory = True,
    ),
    "lock": attr.label(
        doc = "The lock JSON the apks were downloaded from.",
        allow_single_file = [".json"],
        mandatory = True,
    ),
}

def _apk_packages_impl(ctx):
    return [
        ApkPackagesInfo(
            arch = ctx.attr.arch,
            apks = ctx.files.apks,
            keys = ctx.files.keys,
            lock = ctx.file.lock,
        ),
        DefaultInfo(files = depset(ctx.files.apks)),
    ]

apk_packages = rule(
    implementation = _apk_packages_impl,
    doc = _DOC,
    attrs = _ATTRS,
    provides = [ApkPackagesInfo],
)
