"""Unit tests of the lock-JSON helpers and the platform table."""

load("@bazel_skylib//lib:unittest.bzl", "asserts", "unittest")
load("//rules/private:arch.bzl", "APK_ARCHES", "PLATFORMS", "platform_for_apk_arch", "platform_for_name")
load("//rules/private:lock.bzl", "LOCK_VERSION", "apk_file_name", "file_urls", "key_problem", "lock_inputs", "lock_problem", "name_problem", "package_urls")
load("//rules/private:sha256.bzl", "sha256_hex")
load(":lock_vectors.bzl", "LOCK_VECTORS")

_VECTORS = json.decode(LOCK_VECTORS)

_MAIN = "https://example.org/alpine/edge/main"
_MIRRORS = {_MAIN: ["http://m1/alpine/edge/main", "http://m2/a/"]}
_KEY = "https://example.org/k.rsa.pub"

_PKG = {
    "name": "musl",
    "version": "1.2.5-r0",
    "arch": "x86_64",
    "repository": _MAIN,
    "url": _MAIN + "/x86_64/musl-1.2.5-r0.apk",
    "checksum": "Q1abc=",
    "sha256": "00",
    "size": 1,
}

def _digest(packages, architectures, repositories = [_MAIN], mirrors = _MIRRORS, keyring = [_KEY]):
    return sha256_hex(lock_inputs(architectures, keyring, packages, repositories, mirrors))

def _lock(**overrides):
    lock = {
        "version": LOCK_VERSION,
        "config": {"packages": ["musl", "busybox"], "architectures": ["x86_64"]},
        "inputs_sha256": _digest(["musl", "busybox"], ["x86_64"]),
        "repositories": [{"url": _MAIN, "mirrors": _MIRRORS[_MAIN]}],
        "keyring": [{"name": "k.rsa.pub", "url": _KEY, "sha256": "00"}],
        "architectures": {"x86_64": {"packages": [_PKG]}},
    }
    lock.update(overrides)
    return lock

def _lock_problem_test(ctx):
    env = unittest.begin(ctx)

    # (lock, packages, architectures, repositories, mirrors, keyring,
    # substrings of the problem; none = fits)
    m, k = _MIRRORS, [_KEY]
    two = _lock(
        config = {"packages": ["musl", "busybox"], "architectures": ["x86_64", "s390x"]},
        inputs_sha256 = _digest(["musl", "busybox"], ["x86_64", "s390x"]),
    )
    cases = [
        (_lock(), ["busybox", "musl"], ["x86_64"], [_MAIN], m, k, []),
        (_lock(), ["musl", "musl", "busybox"], ["x86_64"], [_MAIN], m, k, []),
        ([], ["musl"], ["x86_64"], [_MAIN], m, k, ["not a JSON object"]),
        ({"version": 1, "placeholder": "run it"}, ["musl"], ["x86_64"], [_MAIN], m, k, ["placeholder"]),
        (_lock(version = 1), ["musl", "busybox"], ["x86_64"], [_MAIN], m, k, ["schema version is 1, this rule set reads version 2"]),
        (_lock(config = None), ["musl", "busybox"], ["x86_64"], [_MAIN], m, k, ["no \"config\""]),
        (_lock(), ["musl", "zlib"], ["x86_64"], [_MAIN], m, k, ["locked for other inputs: packages added: zlib; packages removed: busybox"]),
        (_lock(), ["musl", "busybox"], ["x86_64", "s390x"], [_MAIN], m, k, ["architectures added: s390x"]),
        (two, ["musl", "busybox"], ["x86_64", "s390x"], [_MAIN], m, k, ["no packages for architecture s390x"]),
        (_lock(), ["musl", "busybox"], ["x86_64"], [_MAIN, "https://other"], m, k, [
            "repositories: configuration has [" + _MAIN + " (mirrors http://m1/alpine/edge/main http://m2/a/), https://other], lock has [",
        ]),
        (_lock(), ["musl", "busybox"], ["x86_64"], [_MAIN], {}, k, ["repositories: configuration has [" + _MAIN + "], lock has [" + _MAIN + " (mirrors"]),
        (_lock(), ["musl", "busybox"], ["x86_64"], [_MAIN], {_MAIN: list(reversed(_MIRRORS[_MAIN]))}, k, ["repositories: "]),
        (_lock(), ["musl", "busybox"], ["x86_64"], [_MAIN + "/"], {_MAIN + "/": _MIRRORS[_MAIN]}, k, ["repositories: "]),
        (_lock(), ["musl", "busybox"], ["x86_64"], [_MAIN], m, [], ["keys removed: " + _KEY]),
        (_lock(), ["musl", "busybox"], ["x86_64"], [_MAIN], m, k + ["https://x/y.pub"], ["keys added: https://x/y.pub"]),
        (_lock(inputs_sha256 = "0" * 64), ["musl", "busybox"], ["x86_64"], [_MAIN], m, k, ["inputs_sha256 does not match its own inputs"]),
        (_lock(), ["musl busybox"], ["x86_64"], [_MAIN], m, k, ["packages holds \"musl busybox\": use printable ASCII"]),
    ]
    for lock, packages, arches, repos, mirrors, keyring, want in cases:
        got = lock_problem(lock, packages, arches, repos, mirrors, keyring)
        if not want:
            asserts.equals(env, "", got, "lock_problem({}, {}, {}, {}, {}, {})".format(lock, packages, arches, repos, mirrors, keyring))
        for w in want:
            asserts.true(env, w in got, "lock_problem: want {} in {}".format(repr(w), repr(got)))
    return unittest.end(env)

lock_problem_test = unittest.make(_lock_problem_test)

def _vectors_test(ctx):
    """The cases of tools/internal/lock/testdata/vectors.json, which Go passes too."""
    env = unittest.begin(ctx)
    asserts.true(env, len(_VECTORS["files"]) > 10 and len(_VECTORS["inputs"]) > 3 and len(_VECTORS["sha256"]) > 3, "vectors are missing")
    for v in _VECTORS["files"]:
        problem = name_problem(v["name"], v["version"])
        if "error" in v:
            asserts.true(env, v["error"] in problem, "{}: want {} in {}".format(v["comment"], repr(v["error"]), repr(problem)))
            continue
        asserts.equals(env, "", problem, v["comment"])
        pkg = {"name": v["name"], "version": v["version"], "repository": v["repository"]["url"], "url": v["urls"][0]}
        asserts.equals(env, v["file"], apk_file_name(pkg), v["comment"])
        asserts.equals(env, v["urls"], file_urls(v["repository"]["url"], v["repository"]["mirrors"], v["arch"], v["file"]), v["comment"])
        lock = {"repositories": [{"url": "https://other/main", "mirrors": []}, v["repository"]]}
        asserts.equals(env, v["urls"], package_urls(lock, v["arch"], pkg), v["comment"])
    for v in _VECTORS["inputs"]:
        c = v["config"]
        repos = [r["url"] for r in c["repositories"]]
        mirrors = {r["url"]: r.get("mirrors", []) for r in c["repositories"]}
        text = lock_inputs(c["architectures"], c["keyring"], c["packages"], repos, mirrors)
        asserts.equals(env, v["canonical"], text, v["comment"])
        asserts.equals(env, v["sha256"], sha256_hex(text), v["comment"])
    for v in _VECTORS["sha256"]:
        asserts.equals(env, v["sha256"], sha256_hex(v["text"]), repr(v["text"]))
    return unittest.end(env)

vectors_test = unittest.make(_vectors_test)

def _package_urls_test(ctx):
    env = unittest.begin(ctx)
    asserts.equals(env, [
        _MAIN + "/x86_64/musl-1.2.5-r0.apk",
        "http://m1/alpine/edge/main/x86_64/musl-1.2.5-r0.apk",
        "http://m2/a/x86_64/musl-1.2.5-r0.apk",
    ], package_urls(_lock(), "x86_64", _PKG))

    # A url other than the rule's, or a repository the lock lacks, is refused.
    moved = dict(_PKG, url = "https://evil/x86_64/musl-1.2.5-r0.apk")
    asserts.true(env, "is not " + repr(_PKG["url"]) + ", where its repository keeps it" in package_urls(_lock(), "x86_64", moved))
    asserts.true(env, "is not one of the lock's repositories" in package_urls(_lock(repositories = [{"url": "https://other/"}]), "x86_64", _PKG))
    asserts.equals(env, "musl-1.2.5-r0.apk", apk_file_name(_PKG))
    return unittest.end(env)

package_urls_test = unittest.make(_package_urls_test)

def _key_problem_test(ctx):
    env = unittest.begin(ctx)
    pem = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"
    good = {"name": "k.rsa.pub", "pem": pem, "sha256": sha256_hex(pem), "url": _KEY}
    asserts.equals(env, "", key_problem(good))
    for edit, want in [
        ({"name": "../k"}, "key name \"../k\" is not a plain file name"),
        ({"name": "a/b"}, "is not a plain file name"),
        ({"name": ".."}, "is not a plain file name"),
        ({"pem": pem + "\n"}, "key k.rsa.pub: its pem does not match its sha256"),
        ({"pem": "junk"}, "its pem is not an ASCII PEM block"),
    ]:
        got = key_problem(dict(good, **edit))
        asserts.true(env, want in got, "key_problem({}): want {} in {}".format(edit, repr(want), repr(got)))
    return unittest.end(env)

key_problem_test = unittest.make(_key_problem_test)

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
        vectors_test,
        package_urls_test,
        key_problem_test,
        platform_table_test,
    )
