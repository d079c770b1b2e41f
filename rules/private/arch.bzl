"""The table linking Bazel platforms, apk architectures and OCI platforms."""

load(":platform_table.bzl", "PLATFORM_ROWS")

# One row per supported platform, generated from the Go table
# (tools/internal/platform): `platform` is the name of the platform() and of
# its config_setting in //platforms; `apk_arch` names Alpine's directory and
# package arch; os/architecture/variant are the OCI platform; `cpu` is the
# @platforms//cpu value the platform carries, or "".
PLATFORMS = PLATFORM_ROWS

APK_ARCHES = [p.apk_arch for p in PLATFORMS]

def platform_for_apk_arch(apk_arch):
    """Returns the PLATFORMS row of an apk architecture, or None.

    Args:
      apk_arch: an apk architecture such as `armv7`.

    Returns:
      A struct(platform, apk_arch, os, architecture, variant, cpu) or None.
    """
    for p in PLATFORMS:
        if p.apk_arch == apk_arch:
            return p
    return None

def platform_for_name(name):
    """Returns the PLATFORMS row of a platform name such as `linux_arm_v7`, or None.

    Args:
      name: a platform name (the target name in //platforms).

    Returns:
      A struct(platform, apk_arch, os, architecture, variant, cpu) or None.
    """
    for p in PLATFORMS:
        if p.platform == name:
            return p
    return None
