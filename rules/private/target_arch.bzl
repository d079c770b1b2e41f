"""The apk architecture of the target platform, for rules that have no packages to ask."""

load(":arch.bzl", "PLATFORMS")

TargetApkArchInfo = provider(
    doc = "The target platform's apk architecture.",
    fields = {"arch": "apk architecture (e.g. armv7), or empty when the target platform is none of the supported ones."},
)

_DOC = """Reports the apk architecture its `arch` select() chose.

musl_base_image reads it (`//rules:target_apk_arch`) through a private attribute, so that an image
built only on a base from another tool (no packages, no MuslImageInfo)
still knows its platform, the way `@<apk_repository>//:packages` does.
"""

def _target_apk_arch_impl(ctx):
    return [TargetApkArchInfo(arch = ctx.attr.arch)]

target_apk_arch = rule(
    implementation = _target_apk_arch_impl,
    doc = _DOC,
    attrs = {
        "arch": attr.string(doc = "The apk architecture; a select() on the platform config_settings."),
    },
)

def target_apk_arch_select():
    """Returns a select() of the apk architecture over the platform config_settings ("" for others).

    Returns:
      A select() for `target_apk_arch`'s `arch`.
    """
    arches = {"//platforms:is_" + p.platform: p.apk_arch for p in PLATFORMS}
    arches["//conditions:default"] = ""
    return select(arches)
