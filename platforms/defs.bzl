"""The supported platforms and their apk and OCI architectures."""

# //platforms belongs to this rule set: it shares the table with the rules.
load("//rules/private:arch.bzl", _PLATFORMS = "PLATFORMS")  # buildifier: disable=bzl-visibility
load("//rules/private:labels.bzl", _label_str = "label_str")  # buildifier: disable=bzl-visibility

# List of struct(platform, apk_arch, os, architecture, variant, cpu), one per
# platform in //platforms (`cpu`: its @platforms//cpu value, or "").
PLATFORM_TABLE = _PLATFORMS

# Labels of all eight platforms, e.g. for oci_index(platforms = ALL_PLATFORMS),
# spelled through Label() so that they name this repository under any name.
ALL_PLATFORMS = [_label_str(Label("//platforms:" + p.platform)) for p in _PLATFORMS]
