"""Unit tests of the lock-JSON helpers and the platform table."""

load("@bazel_skylib//lib:unittest.bzl", "asserts", "unittest")
load("//rules/private:arch.bzl", "APK_ARCHES", "PLATFORMS", "platform_for_apk_arch", "platform_for_name")
load("//rules/private:lock.bzl", "LOCK_VERSION", "apk_file_name", "lock_problem", "package_urls")

_PKG = {
    "name": "musl",
    "version": "1.2.5-r0",
    "arch": "x86_64",
    "repository": "https://example.org/alpine/edge/main",
    "url": "https://example.org/alpine/edge/main/x86_64/musl-1.2.5-r0.apk",
    "checksum": "Q1abc=",
    "sha256": "00",
    "size": 1,
}

def _lock(**overrides):
    lock = {
        "version": LOCK_VERSION,
        "config": {"packages": ["musl", "busybox"], "architectures": ["x86_64"]},
        "repositories": [{"url": "https://example.org/alpine/edge/main/", "mirrors": ["http://m1/alpine/edge/main", "http://m2/a/"]}],
        "keyring": [],
        "architectures": {"x86_64": {"packages": [_PKG]}},
    }
    lock.update(overrides)
    return lock

def _lock_problem_test(ctx):
    env = unittest.begin(ctx)

    # (lock, packages, architectures, substring of the problem; "" = fits)
    cases = [
        (_lock(), ["busybox", "musl"], ["x86_64"], ""),
        (_lock(), ["musl", "musl", "busybox"], ["x86_64"], ""),
        ([], ["musl"], ["x86_64"], "not a JSON object"),
        ({"version": 1, "placeholder": "run it"}, ["musl"], ["x86_64"], "placeholder"),
        (_lock(version = 2), ["musl", "busybox"], ["x86_64"], "schema version is 2"),
        (_lock(config = None), ["musl", "busybox"], ["x86_64"], "no \"config\""),
        (_lock(), ["musl"], ["x86_64"], "locked for packages [\"busybox\", \"musl\"]"),
        (_lock(), ["musl", "busybox"], ["x86_64", "s390x"], "locked for architectures"),
        (
            _lock(config = {"packages": ["musl", "busybox"], "architectures": ["x86_64", "s390x"]}),
            ["musl", "busybox"],
            ["x86_64", "s390x"],
            "no packages for architecture s390x",
        ),
    ]
    for lock, packages, arches, want in cases:
        got = lock_problem(lock, packages, arches)
        if not want:
            asserts.equals(env, "", got, "lock_problem({}, {}, {})".format(lock, packages, arches))
        else:
            asserts.true(env, want in got, "lock_problem: want {} in {}".format(repr(want), repr(got)))

    # (repositories, mirrors, keyring, substring of the problem; "" = fits)
    main = "https://example.org/alpine/edge/main"
    mirrors = {main: ["http://m1/alpine/edge/main", "http://m2/a"]}
    key = "https://example.org/k.rsa.pub"
    repo_cases = [
        ([main], mirrors, [key], ""),
        ([main + "/"], {main + "/": ["http://m1/alpine/edge/main/", "http://m2/a/"]}, [key], ""),
        ([main, "https://other"], mirrors, [key], "locked for repositories"),
        ([main], {}, [key], "locked for repositories"),
        ([main], mirrors, [], "locked with the keyring"),
        ([main], mirrors, [key, "https://x/y.pub"], "locked with the keyring"),
    ]
    for repos, mirs, keys, want in repo_cases:
        lock = _lock(keyring = [{"name": "k.rsa.pub", "url": key, "sha256": "00"}])
        got = lock_problem(lock, ["musl", "busybox"], ["x86_64"], repos, mirs, keys)
        if not want:
            asserts.equals(env, "", got, "lock_problem(repositories = {}, {}, {})".format(repos, mirs, keys))
        else:
            asserts.true(env, want in got, "lock_problem: want {} in {}".format(repr(want), repr(got)))
    return unittest.end(env)

lock_problem_test = unittest.make(_lock_problem_test)

def _package_urls_test(ctx):
    env = unittest.begin(ctx)
    asserts.equals(env, [
        "https://example.org/alpine/edge/main/x86_64/musl-1.2.5-r0.apk",
        "http://m1/alpine/edge/main/x86_64/musl-1.2.5-r0.apk",
        "http://m2/a/x86_64/musl-1.2.5-r0.apk",
    ], package_urls(_lock(), _PKG))

    # A package from a repository without mirrors has only its own URL.
    asserts.equals(env, [_PKG["url"]], package_urls(_lock(repositories = [{"url": "https://other/"}]), _PKG))
    asserts.equals(env, "musl-1.2.5-r0.apk", apk_file_name(_PKG))
    return unittest.end(env)

package_urls_test = unittest.make(_package_urls_test)

def _platform_table_test(ctx):
    env = unittest.begin(ctx)

    # Rows whose names do not follow from one another (the table itself is
    # generated from tools/internal/platform and checked there).
    spot = {
        "linux_386": ("x86", "386", "", "@platforms//cpu:x86_32"),
        "linux_arm_v6": ("armhf", "arm", "v6", "@platforms//cpu:arm"),
        "linux_arm_v7": ("armv7", "arm", "v7", "@platforms//cpu:armv7"),
        "linux_riscv64": ("riscv64", "riscv64", "", ""),
    }
    for name, want in spot.items():
        row = platform_for_name(name)
        asserts.equals(env, want, (row.apk_arch, row.architecture, row.variant, row.cpu), name)

    # Every row: the Bazel name is the OCI platform's, lookups find it back,
    # and the cpu value is an @platforms one or absent.
    for p in PLATFORMS:
        asserts.equals(env, "_".join([x for x in [p.os, p.architecture, p.variant] if x]), p.platform)
        asserts.equals(env, p, platform_for_name(p.platform))
        asserts.equals(env, p, platform_for_apk_arch(p.apk_arch))
        asserts.true(env, p.cpu == "" or p.cpu.startswith("@platforms//cpu:"), p.cpu)
    asserts.equals(env, len(PLATFORMS), len({a: None for a in APK_ARCHES}), "apk arches are unique")
    asserts.equals(env, len(PLATFORMS), len({p.platform: None for p in PLATFORMS}), "platforms are unique")
    asserts.equals(env, None, platform_for_apk_arch("mips64"))
    asserts.equals(env, None, platform_for_name("linux_mips64"))
    return unittest.end(env)

platform_table_test = unittest.make(_platform_table_test)

def lock_test_suite(name):
    """Declares the lock-helper and platform-table unit tests.

    Args:
      name: name of the test_suite.
    """
    unittest.suite(
        name,
        lock_problem_test,
        package_urls_test,
        platform_table_test,
    )
