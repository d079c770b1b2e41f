"""The supported platforms and their apk and OCI architectures."""

load("//rules/private:arch.bzl", _PLATFORMS = "PLATFORMS")

PLATFORM_TABLE = _PLATFORMS
"""List of struct(platform, apk_arch, os, architecture, variant), one per platform in //platforms."""

ALL_PLATFORMS = ["@musl_dynamic//platforms:" + p.platform for p in _PLATFORMS]
"""Labels of all eight platforms, e.g. for oci_index(platforms = ALL_PLATFORMS)."""
