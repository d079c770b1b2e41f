"""The table linking Bazel platforms, apk architectures and OCI platforms."""

# One row per supported platform. `platform` is the name of the platform()
# and of its config_setting in //platforms; `apk_arch` names Alpine's
# directory and package arch; os/architecture/variant are the OCI platform.
PLATFORMS = [
    struct(platform = "linux_386", apk_arch = "x86", os = "linux", architecture = "386", variant = ""),
    struct(platform = "linux_amd64", apk_arch = "x86_64", os = "linux", architecture = "amd64", variant = ""),
    struct(platform = "linux_arm64", apk_arch = "aarch64", os = "linux", architecture = "arm64", variant = ""),
    struct(platform = "linux_arm_v6", apk_arch = "armhf", os = "linux", architecture = "arm", variant = "v6"),
    struct(platform = "linux_arm_v7", apk_arch = "armv7", os = "linux", architecture = "arm", variant = "v7"),
    struct(platform = "linux_ppc64le", apk_arch = "ppc64le", os = "linux", architecture = "ppc64le", variant = ""),
    struct(platform = "linux_riscv64", apk_arch = "riscv64", os = "linux", architecture = "riscv64", variant = ""),
    struct(platform = "linux_s390x", apk_arch = "s390x", os = "linux", architecture = "s390x", variant = ""),
]

APK_ARCHES = [p.apk_arch for p in PLATFORMS]

def platform_for_apk_arch(apk_arch):
    """Returns the PLATFORMS row of an apk architecture, or None.

    Args:
      apk_arch: an apk architecture such as `armv7`.

    Returns:
      A struct(platform, apk_arch, os, architecture, variant) or None.
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
      A struct(platform, apk_arch, os, architecture, variant) or None.
    """
    for p in PLATFORMS:
        if p.platform == name:
            return p
    return None
