"""Bzlmod (Bazel 7+) module extension declaring apk repositories. UNTESTED: Bazel 4.2 cannot run it.

    apk = use_extension("@musl_dynamic//rules:extensions.bzl", "apk")
    apk.repository(
        name = "my_apks",
        lock = "//:my.lock.json",
        lock_target = "//:my.lock",
        packages = ["musl"],
    )
    use_repo(apk, "my_apks")

Each tag becomes one `apk_repository` with the same attributes; WORKSPACE
users call `apk_repository` from //rules:repositories.bzl instead.
"""

load("//rules/private:apk_repository.bzl", "apk_repository")
load("//rules/private:arch.bzl", "APK_ARCHES")
load("//rules/private:cosign_repository.bzl", "COSIGN_VERSION", "cosign_repository")

_repository = tag_class(
    doc = "One apk_repository: the packages and keys a lock file names, per architecture.",
    attrs = {
        "name": attr.string(
            doc = "Name of the repository (pass it to use_repo).",
            mandatory = True,
        ),
        "lock": attr.label(
            doc = "The lock JSON file, written by `bazel run <lock_target>`.",
            mandatory = True,
        ),
        "lock_target": attr.string(
            doc = "Label of the `apk_lock` target that writes `lock`, printed in error messages.",
            mandatory = True,
        ),
        "packages": attr.string_list(
            doc = "The packages the lock must have been made for.",
            mandatory = True,
        ),
        "architectures": attr.string_list(
            doc = "The apk architectures the lock must have been made for; default all eight.",
            default = APK_ARCHES,
        ),
    },
)

def _apk_impl(mctx):
    seen = {}
    for mod in mctx.modules:
        for tag in mod.tags.repository:
            if tag.name in seen:
                fail("apk.repository: {} is declared twice (modules {} and {})".format(tag.name, seen[tag.name], mod.name))
            seen[tag.name] = mod.name
            apk_repository(
                name = tag.name,
                lock = tag.lock,
                lock_target = tag.lock_target,
                packages = tag.packages,
                architectures = tag.architectures,
            )

apk = module_extension(
    implementation = _apk_impl,
    doc = "Declares apk_repository repositories from `apk.repository` tags.",
    tag_classes = {"repository": _repository},
)

_toolchain = tag_class(
    doc = "cosign for the host, as the repository `name` (register `//toolchains/cosign:host`, which uses `@cosign`).",
    attrs = {
        "name": attr.string(
            doc = "Name of the repository (pass it to use_repo); `//toolchains/cosign:host` uses `cosign`.",
            mandatory = True,
        ),
        "version": attr.string(
            doc = "cosign release to download, e.g. v2.6.5.",
            default = COSIGN_VERSION,
        ),
        "sha256": attr.string_dict(
            doc = "sha256 of the release binary per host `<os>-<arch>`; default the pinned table for the default version.",
        ),
    },
)

def _cosign_impl(mctx):
    seen = {}
    for mod in mctx.modules:
        for tag in mod.tags.toolchain:
            if tag.name in seen:
                continue  # the root module comes first and wins
            seen[tag.name] = True
            cosign_repository(name = tag.name, version = tag.version, sha256 = tag.sha256)

cosign = module_extension(
    implementation = _cosign_impl,
    doc = "Declares cosign repositories from `cosign.toolchain` tags (see MODULE.bazel).",
    tag_classes = {"toolchain": _toolchain},
)
