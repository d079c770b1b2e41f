"""Bzlmod (Bazel 7+) module extensions: apk repositories and the tools toolchain. UNTESTED: Bazel 4.2 cannot run them.

    apk = use_extension("@musl_dynamic//rules:extensions.bzl", "apk")
    apk.repository(
        name = "my_apks",
        lock = "//:my.lock.json",   # bazel run @my_apks//:lock
        repositories = ["https://dl-cdn.alpinelinux.org/alpine/edge/main"],
        keyring = ["https://alpinelinux.org/keys/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub"],
        packages = ["musl"],
    )
    use_repo(apk, "my_apks")

Each tag becomes one `apk_repository` with the same attributes; WORKSPACE
users call `apk_repository` from //rules:repositories.bzl instead.
"""

load("//rules/private:apk_repository.bzl", "apk_repository")
load("//rules/private:arch.bzl", "APK_ARCHES")
load("//rules/private:cosign_repository.bzl", "COSIGN_VERSION", "cosign_repository")
load("//rules/private:tools_repository.bzl", "musl_tools_hub", "musl_tools_release", "musl_tools_source", "release_urls")
load("//toolchains:versions.bzl", "SOURCE", "TOOLS", "URLS", "VERSION")

_repository = tag_class(
    doc = "One apk_repository: what to lock, and the packages and keys its lock file names, per architecture.",
    attrs = {
        "name": attr.string(
            doc = "Name of the repository (pass it to use_repo).",
            mandatory = True,
        ),
        "lock": attr.label(
            doc = "The lock JSON file in the main workspace (`bazel run @<name>//:lock` writes it; create it empty or as `{}` the first time).",
            mandatory = True,
        ),
        "repositories": attr.string_list(
            doc = "Base URLs of apk repositories (the folder holding `<arch>/APKINDEX.tar.gz`), in priority order.",
            mandatory = True,
        ),
        "mirrors": attr.string_list_dict(
            doc = "Optional mirrors per repository URL: `{repository: [mirror base URL, ...]}`.",
        ),
        "keyring": attr.string_list(
            doc = "URLs of the trusted RSA public keys.",
            mandatory = True,
        ),
        "packages": attr.string_list(
            doc = "The world: package names or apk dependency atoms.",
            mandatory = True,
        ),
        "architectures": attr.string_list(
            doc = "The apk architectures to lock and download; default all eight.",
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
                repositories = tag.repositories,
                mirrors = tag.mirrors,
                keyring = tag.keyring,
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

_from_source = tag_class(
    doc = "Build the tools from source with a Go SDK of the host instead of downloading the release binaries (root module only).",
    attrs = {
        "go_sdk": attr.string(doc = "GOROOT of the Go SDK; empty: `MUSL_DYNAMIC_GO_SDK` or `go` on PATH."),
    },
)

def _tools_impl(mctx):
    source = None
    for mod in mctx.modules:
        if mod.is_root:
            for tag in mod.tags.from_source:
                source = tag
    if source or not TOOLS:
        kwargs = {}
        if SOURCE:
            kwargs = dict(urls = release_urls(URLS, VERSION, SOURCE["file"]), sha256 = SOURCE["sha256"])
        musl_tools_source(name = "musl_dynamic_tools", go_sdk = source.go_sdk if source else "", **kwargs)
        return
    for platform, sha256s in TOOLS.items():
        musl_tools_release(
            name = "musl_dynamic_tools_" + platform,
            platform = platform,
            version = VERSION,
            sha256s = sha256s,
            urls = URLS,
        )
    musl_tools_hub(name = "musl_dynamic_tools", platforms = TOOLS.keys(), prefix = "musl_dynamic_tools_")

tools = module_extension(
    implementation = _tools_impl,
    doc = "Declares `@musl_dynamic_tools`, whose toolchains this module registers: the release binaries, or the tools built from source (`tools.from_source()`).",
    tag_classes = {"from_source": _from_source},
)
