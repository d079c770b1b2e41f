"""WORKSPACE macros of musl-dynamic: apk repositories, the Go and cosign toolchains.

Load this file after declaring `io_bazel_rules_go` (see WORKSPACE.bazel).
"""

load("@bazel_tools//tools/build_defs/repo:utils.bzl", "maybe")
load("@io_bazel_rules_go//go:deps.bzl", "go_local_sdk", "go_register_toolchains")
load("//rules/private:apk_repository.bzl", _apk_repository = "apk_repository")
load("//rules/private:cosign_repository.bzl", "cosign_repository")
load("//rules/private:go_sdk_config.bzl", "go_sdk_config")

# The Go release downloaded on connected machines; offline machines use a
# local Go 1.19 instead (rules_go 0.34 needs a precompiled std, <= 1.19).
GO_VERSION = "1.19.13"

apk_repository = _apk_repository

def musl_dynamic_go_sdk_config(name = "musl_dynamic_go_config"):
    """Declares the repository whose `config.bzl` exports `GO_SDK_PATH`.

    Load `GO_SDK_PATH` from `@<name>//:config.bzl` and pass it to
    `musl_dynamic_go_toolchains`.

    Args:
      name: repository name.
    """
    maybe(go_sdk_config, name = name)

def musl_dynamic_go_toolchains(local_sdk = ""):
    """Registers the Go SDK that builds `apkimage`.

    Args:
      local_sdk: path of a local Go installation (GOROOT) to use as `@go_sdk`;
        empty downloads Go `GO_VERSION`.
    """
    if local_sdk:
        go_local_sdk(name = "go_sdk", path = local_sdk)
        go_register_toolchains()
    else:
        go_register_toolchains(version = GO_VERSION)

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
