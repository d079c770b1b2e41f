"""WORKSPACE setup of musl-dynamic: dependencies, the tools toolchain, apk repositories.

    load("@musl_dynamic//rules:repositories.bzl", "apk_repository", "musl_dynamic_dependencies", "musl_dynamic_toolchains")

    musl_dynamic_dependencies()

    musl_dynamic_toolchains()

Nothing here needs Go, rules_go or gazelle.
"""

load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_archive")
load("@bazel_tools//tools/build_defs/repo:utils.bzl", "maybe")
load("//rules/private:apk_repository.bzl", _apk_repository = "apk_repository")
load("//rules/private:cosign_repository.bzl", "cosign_repository")
load("//rules/private:tools_repository.bzl", "musl_tools_hub", "musl_tools_release", "musl_tools_source", "release_urls")
load("//toolchains:versions.bzl", "SOURCE", "TOOLS", "URLS", "VERSION")

apk_repository = _apk_repository

def musl_dynamic_dependencies():
    """Declares the repositories the rules need (`platforms`), unless already declared."""
    maybe(
        http_archive,
        name = "platforms",
        sha256 = "379113459b0feaf6bfbb584a91874c065078aa673222846ac765f86661c27407",
        urls = [
            "https://mirror.bazel.build/github.com/bazelbuild/platforms/releases/download/0.0.5/platforms-0.0.5.tar.gz",
            "https://github.com/bazelbuild/platforms/releases/download/0.0.5/platforms-0.0.5.tar.gz",
        ],
    )

def musl_dynamic_toolchains(name = "musl_dynamic_tools", from_source = False, go_sdk = "", urls = None):
    """Declares and registers the toolchain of the tools `apkimage` and `apkpush`.

    With a released rule set the tools are the release binaries of
    `//toolchains:versions.bzl`, downloaded for the execution platform only.
    With `from_source = True`, or in a source checkout (which has no release
    table), they are built once from source with a Go SDK of the host.

    Args:
      name: name of the toolchains repository (per-platform binaries get `<name>_<goos>_<goarch>`).
      from_source: build the tools from source instead of downloading the release binaries.
      go_sdk: GOROOT of the Go SDK that builds from source; empty:
        `--repo_env=MUSL_DYNAMIC_GO_SDK` or `go` on PATH.
      urls: URL templates (`{version}`, `{file}`) of the release files; default `URLS` of versions.bzl.
    """
    templates = urls or URLS
    if from_source or not TOOLS:
        source = {}
        if SOURCE:
            source = dict(urls = release_urls(templates, VERSION, SOURCE["file"]), sha256 = SOURCE["sha256"])
        musl_tools_source(name = name, go_sdk = go_sdk, **source)
    else:
        for platform, sha256s in TOOLS.items():
            musl_tools_release(
                name = "{}_{}".format(name, platform),
                platform = platform,
                version = VERSION,
                sha256s = sha256s,
                urls = templates,
            )
        musl_tools_hub(name = name, platforms = TOOLS.keys(), prefix = name + "_")
    native.register_toolchains("@{}//:all".format(name))

def musl_dynamic_cosign_toolchain(**kwargs):
    """Declares `@cosign`, cosign for the host, and registers it as the cosign toolchain.

    The release binary pinned in //rules/private:cosign_repository.bzl is
    downloaded, unless `--repo_env=MUSL_DYNAMIC_COSIGN=/path/to/cosign` names a
    local one (what tools/setup.sh does offline).

    Args:
      **kwargs: `version` and `sha256` of cosign_repository.
    """
    maybe(cosign_repository, name = "cosign", **kwargs)
    native.register_toolchains(str(Label("//toolchains/cosign:host")))
