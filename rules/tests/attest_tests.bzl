"""Analysis tests of oci_attest: what it attests of an image without packages."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:defs.bzl", "musl_base_image", "oci_attest")
load(":tars_tests.bzl", "refused_test")
load(":transition_tests.bzl", "fake_image")

def _flag_values(argv, flag):
    return [argv[i + 1] for i in range(len(argv) - 1) if argv[i] == flag]

def _attest_base_test_impl(ctx):
    env = analysistest.begin(ctx)
    actions = analysistest.target_actions(env)
    prov = [a for a in actions if a.mnemonic == "ApkProvenance"]
    asserts.equals(env, 1, len(prov), "one ApkProvenance action (one image, no index)")
    argv = prov[0].argv
    asserts.equals(env, [], _flag_values(argv, "--lock"), "no --lock: the image has no packages")
    bases = _flag_values(argv, "--base")
    asserts.equals(env, 1, len(bases), "one --base: {}".format(argv))
    asserts.true(env, bases[0].startswith("x86_64=") and bases[0].endswith("/layout"), "--base x86_64=<the base's layout>: {}".format(bases))
    asserts.equals(env, ["x86_64=" + ctx.attr.want_base], _flag_values(argv, "--base-name"), "--base-name names the base's label")
    inputs = [f.path for f in prov[0].inputs.to_list()]
    asserts.true(env, bases[0][len("x86_64="):] in inputs, "the base's layout is an input")
    copies = [o.basename for a in actions if a.mnemonic == "CopyForAttest" for o in a.outputs.to_list()]
    asserts.true(env, "x86_64.spdx.json" in copies, "the image's SBOM is attested: {}".format(copies))
    return analysistest.end(env)

_attest_base_test = analysistest.make(
    _attest_base_test_impl,
    attrs = {"want_base": attr.string(doc = "The base's label, as --base-name gives it.")},
)

def attest_test_suite(name):
    """Declares images without packages, their oci_attest, and the tests.

    Args:
      name: name of the test_suite.
    """
    fake_image(name = name + "_base", arch = "x86_64", tags = ["manual"])
    musl_base_image(name = name + "_image", base = ":" + name + "_base", tags = ["manual"])
    oci_attest(name = name + "_attest", image = ":" + name + "_image", tags = ["manual"])
    oci_attest(name = name + "_attest_nothing", image = ":" + name + "_base", tags = ["manual"])
    _attest_base_test(
        name = name + "_base_test",
        target_under_test = ":" + name + "_attest",
        want_base = "//rules/tests:{}_base".format(name),
    )
    refused_test(
        name = name + "_nothing_test",
        target_under_test = ":" + name + "_attest_nothing",
        want_error = "the x86_64 image has neither a lock (apk packages) nor a base: nothing to attest",
    )
    native.test_suite(
        name = name,
        tests = [
            ":" + name + "_base_test",
            ":" + name + "_nothing_test",
        ],
    )
