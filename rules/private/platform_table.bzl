"""Generated from tools/internal/platform/table.go by tools/cmd/platgen. Do not edit: run `make gen`."""

# One struct per platform, in the order of the image index: `platform` names
# the platform() and config_setting in //platforms, `apk_arch` Alpine's arch,
# os/architecture/variant the OCI platform, `cpu` the @platforms//cpu value
# the platform carries ("" where older @platforms releases have none).
PLATFORM_ROWS = [
    struct(
        platform = "linux_386",
        apk_arch = "x86",
        os = "linux",
        architecture = "386",
        variant = "",
        cpu = "@platforms//cpu:x86_32",
    ),
    struct(
        platform = "linux_amd64",
        apk_arch = "x86_64",
        os = "linux",
        architecture = "amd64",
        variant = "",
        cpu = "@platforms//cpu:x86_64",
    ),
    struct(
        platform = "linux_arm64",
        apk_arch = "aarch64",
        os = "linux",
        architecture = "arm64",
        variant = "",
        cpu = "@platforms//cpu:aarch64",
    ),
    struct(
        platform = "linux_arm_v6",
        apk_arch = "armhf",
        os = "linux",
        architecture = "arm",
        variant = "v6",
        cpu = "@platforms//cpu:arm",
    ),
    struct(
        platform = "linux_arm_v7",
        apk_arch = "armv7",
        os = "linux",
        architecture = "arm",
        variant = "v7",
        cpu = "@platforms//cpu:armv7",
    ),
    struct(
        platform = "linux_ppc64le",
        apk_arch = "ppc64le",
        os = "linux",
        architecture = "ppc64le",
        variant = "",
        cpu = "",
    ),
    struct(
        platform = "linux_riscv64",
        apk_arch = "riscv64",
        os = "linux",
        architecture = "riscv64",
        variant = "",
        cpu = "",
    ),
    struct(
        platform = "linux_s390x",
        apk_arch = "s390x",
        os = "linux",
        architecture = "s390x",
        variant = "",
        cpu = "@platforms//cpu:s390x",
    ),
]
