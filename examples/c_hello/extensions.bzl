"""Bzlmod extension declaring the c_hello example's @musl_cross (dev only). UNTESTED: Bazel 4.2 cannot run it."""

load(":musl_cross.bzl", _musl_cross = "musl_cross")

def _impl(_mctx):
    _musl_cross(name = "musl_cross")

musl_cross = module_extension(
    implementation = _impl,
    doc = "Declares `@musl_cross` for //examples/c_hello.",
)
