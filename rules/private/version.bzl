"""The rule set's version, recorded as the builder of provenance statements."""

# Keep equal to module(version = ...) in MODULE.bazel (tools/cmd/docgen tests it).
VERSION = "0.0.0"
