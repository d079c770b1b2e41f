"""Analysis tests of oci_index's split transition and the platform config_settings."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:defs.bzl", "MuslImageInfo", "oci_index")
load("//rules/private:arch.bzl", "PLATFORMS", "platform_for_apk_arch")

def _fake_image_impl(ctx):
    # Stands in for musl_base_image: its arch comes from a select() on the
    # platform config_settings, and the layout path names it.
    row = platform_for_apk_arch(ctx.attr.arch)
    layout = ctx.actions.declare_directory("{}/{}/layout".format(ctx.attr.arch, ctx.label.name))
    digest = ctx.actions.declare_file("{}/{}/digest".format(ctx.attr.arch, ctx.label.name))
    ctx.actions.run_shell(outputs = [layout, digest], command = "exit 1")
    return [MuslImageInfo(
        layout = layout,
        manifest_digest_file = digest,
        config = digest,
        layer = None,
        apk_layer = None,
        meta = None,
        sbom = None,
        lock = None,
        base = None,
        arch = row.apk_arch,
        os = row.os,
        architecture = row.architecture,
        variant = row.variant,
    )]

fake_image = rule(
    implementation = _fake_image_impl,
    doc = "A MuslImageInfo without actions that run, for analysis tests.",
    attrs = {"arch": attr.string(doc = "The apk arch the platform selected.")},
)

def _split_test_impl(ctx):
    env = analysistest.begin(ctx)
    actions = [a for a in analysistest.target_actions(env) if a.mnemonic == "OciIndex"]
    asserts.equals(env, 1, len(actions), "one OciIndex action")
    argv = actions[0].argv
    asserts.true(env, "index" in argv and "--out" in argv, "runs `apkimage index --out`: {}".format(argv))
    layouts = [a for a in argv if a.endswith("/layout")]
    arches = sorted([a.split("/")[-3] for a in layouts])
    asserts.equals(env, sorted(ctx.attr.want_arches), arches, "one layout per platform, each its platform's arch")
    return analysistest.end(env)

split_test = analysistest.make(
    _split_test_impl,
    attrs = {"want_arches": attr.string_list(doc = "The apk arches the layouts must be built for.")},
)

def transition_test_suite(name):
    """Declares an oci_index over fake images and the analysis test of its split.

    Args:
      name: name of the test_suite.
    """
    fake_image(
        name = name + "_image",
        arch = select({"//platforms:is_" + p.platform: p.apk_arch for p in PLATFORMS}),
        tags = ["manual"],
    )
    oci_index(
        name = name + "_index",
        image = ":" + name + "_image",
        platforms = [
            "//platforms:linux_amd64",
            "//platforms:linux_arm_v6",
            "//platforms:linux_arm_v7",
            "//platforms:linux_riscv64",
        ],
        tags = ["manual"],
    )
    split_test(
        name = name + "_split_test",
        target_under_test = ":" + name + "_index",
        want_arches = ["x86_64", "armhf", "armv7", "riscv64"],
    )
    native.test_suite(
        name = name,
        tests = [":" + name + "_split_test"],
    )
