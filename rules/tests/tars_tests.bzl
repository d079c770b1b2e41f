"""Analysis tests of musl_base_image's `tars`: what it accepts and refuses."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("@rules_pkg//pkg:pkg.bzl", "pkg_tar")
load("//rules:defs.bzl", "musl_base_image")
load(":transition_tests.bzl", "fake_image")

def _tars_order_test_impl(ctx):
    env = analysistest.begin(ctx)
    actions = [a for a in analysistest.target_actions(env) if a.mnemonic == "OciImage"]
    asserts.equals(env, 1, len(actions), "one OciImage action")
    argv = actions[0].argv
    tars = [argv[i + 1].rpartition("/")[2] for i in range(len(argv) - 1) if argv[i] == "--tar"]
    asserts.equals(env, ctx.attr.want_tars, tars, "--tar arguments, in the order of `tars`")
    inputs = [f.basename for f in actions[0].inputs.to_list()]
    for t in ctx.attr.want_tars:
        asserts.true(env, t in inputs, "{} is an input of the action".format(t))
    return analysistest.end(env)

_tars_order_test = analysistest.make(
    _tars_order_test_impl,
    attrs = {"want_tars": attr.string_list(doc = "Base names of the --tar files, in order.")},
)

def _tars_refused_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.expect_failure(env, ctx.attr.want_error)
    return analysistest.end(env)

# refused_test: analysis of target_under_test fails with want_error.
refused_test = analysistest.make(
    _tars_refused_test_impl,
    attrs = {"want_error": attr.string(doc = "Text the analysis error must contain.")},
    expect_failure = True,
)

def tars_test_suite(name):
    """Declares pkg_tar layers, images using them, and the tests of `tars`.

    Args:
      name: name of the test_suite.
    """
    fake_image(name = name + "_base", arch = "x86_64", tags = ["manual"])
    pkg_tar(name = name + "_plain", empty_dirs = ["a"], tags = ["manual"])
    pkg_tar(name = name + "_gz", empty_dirs = ["b"], extension = "tar.gz", tags = ["manual"])
    native.filegroup(name = name + "_one", srcs = [":" + name + "_plain"], tags = ["manual"])
    native.filegroup(
        name = name + "_two",
        srcs = [":" + name + "_plain", ":" + name + "_gz"],
        tags = ["manual"],
    )
    musl_base_image(
        name = name + "_image",
        base = ":" + name + "_base",
        tars = [":" + name + "_gz", ":" + name + "_plain", ":" + name + "_one"],
        tags = ["manual"],
    )
    musl_base_image(
        name = name + "_image_two",
        base = ":" + name + "_base",
        tars = [":" + name + "_two"],
        tags = ["manual"],
    )
    _tars_order_test(
        name = name + "_order_test",
        target_under_test = ":" + name + "_image",
        want_tars = [name + "_gz.tar.gz", name + "_plain.tar", name + "_plain.tar"],
    )
    refused_test(
        name = name + "_two_files_test",
        target_under_test = ":" + name + "_image_two",
        want_error = "tars: //rules/tests:{}_two gives 2 files".format(name),
    )
    native.test_suite(
        name = name,
        tests = [
            ":" + name + "_order_test",
            ":" + name + "_two_files_test",
        ],
    )
