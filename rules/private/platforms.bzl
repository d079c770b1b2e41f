"""Macros that declare the target platforms of the platform table and their constraints."""

load(":arch.bzl", "PLATFORMS")

def apk_arch_constraints(name = "apk_arch"):
    """Declares the `apk_arch` constraint_setting and one constraint_value per apk architecture.

    Args:
      name: name of the constraint_setting; the values are named after the
        apk architectures of the platform table (x86, x86_64, ...).
    """
    native.constraint_setting(
        name = name,
        visibility = ["//visibility:public"],
    )
    for p in PLATFORMS:
        native.constraint_value(
            name = p.apk_arch,
            constraint_setting = ":" + name,
            visibility = ["//visibility:public"],
        )

# It declares a fixed set of targets named after the platforms, so it takes
# no name.
def musl_platforms(cpu_package):  # buildifier: disable=unnamed-macro
    """Declares one platform() and one config_setting per supported platform.

    The platform `linux_<x>` carries `@platforms//os:linux`, the matching
    `@platforms//cpu` value where one exists, and `<cpu_package>:<apk arch>`.
    The config_setting `is_linux_<x>` matches on the apk arch constraint
    alone, so a user's own platform matches once it carries that value.

    Args:
      cpu_package: label of the package holding the apk_arch constraint values.
    """
    for p in PLATFORMS:
        constraints = ["@platforms//os:linux", "{}:{}".format(cpu_package, p.apk_arch)]

        # `cpu` is "" where older @platforms releases (Debian's) have no
        # value, as for ppc64le and riscv64.
        if p.cpu:
            constraints.append(p.cpu)
        native.platform(
            name = p.platform,
            constraint_values = constraints,
            visibility = ["//visibility:public"],
        )
        native.config_setting(
            name = "is_" + p.platform,
            constraint_values = ["{}:{}".format(cpu_package, p.apk_arch)],
            visibility = ["//visibility:public"],
        )
