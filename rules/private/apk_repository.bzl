"""Repository rule that downloads the apk files a lock file names."""

load(":arch.bzl", "APK_ARCHES", "platform_for_apk_arch")
load(":labels.bzl", "label_str")
load(":lock.bzl", "apk_file_name", "inputs_problem", "key_problem", "lock_inputs", "lock_problem", "name_problem", "package_urls")
load(":sha256.bzl", "sha256_hex")

_DOC = """Declares what to lock, and downloads the apk files and keys its lock file names.

The attributes are the lock's inputs, written once: the generated
`@<name>//:lock` target resolves them and rewrites the lock file
(`bazel run @<name>//:lock`). Fetching never resolves: it reads the lock and
downloads exactly what it names, each file checked against its sha256 (a
list of URLs per file: the locked one, then the repository's mirrors, so
`--experimental_downloader_config` and mirrors work).

Generated targets, for each locked architecture `<arch>`:

- `@<name>//:lock`: runnable `apk_lock` that rewrites `lock` in the source tree.
- `@<name>//:<arch>`: `apk_packages` (ApkPackagesInfo) with the apks in
  install order, the keys and the lock.
- `@<name>//:packages`: alias selecting `:<arch>` for the target platform
  (`@musl_dynamic//platforms:is_linux_*`); pass it to
  `musl_base_image(packages = ...)` so each platform of an `oci_index`
  gets its own architecture. Another platform fails naming itself.

Keys are written from the PEM the lock holds (checked against its sha256),
not downloaded again.

A missing lock, a placeholder lock, another schema version, or a lock made
for other inputs downloads nothing; building `:packages` then fails saying
what changed and with the command that fixes it, `bazel run @<name>//:lock`.
The lock is stale when its `inputs_sha256` is not the SHA-256 of the
canonical JSON of `packages`, `architectures`, `repositories`, `mirrors` and
`keyring` (tools/DESIGN.md), the rule the Go tools apply too.
"""

_ATTRS = {
    "lock": attr.label(
        doc = "The lock JSON file in the main workspace (`bazel run @<name>//:lock` writes it; create it empty or as `{}` the first time).",
        mandatory = True,
        allow_single_file = [".json"],
    ),
    "repositories": attr.string_list(
        doc = "Base URLs of apk repositories (the folder holding `<arch>/APKINDEX.tar.gz`), in priority order.",
        mandatory = True,
        allow_empty = False,
    ),
    "mirrors": attr.string_list_dict(
        doc = "Optional mirrors per repository URL: `{repository: [mirror base URL, ...]}`; recorded in the lock and tried after the repository, for the index and every package.",
    ),
    "keyring": attr.string_list(
        doc = "URLs of the trusted RSA public keys; each file's base name must be the key name used in signatures.",
        mandatory = True,
        allow_empty = False,
    ),
    "packages": attr.string_list(
        doc = "The world: package names or apk dependency atoms (`musl`, `busybox>=1.36`).",
        mandatory = True,
        allow_empty = False,
    ),
    "architectures": attr.string_list(
        doc = "The apk architectures to lock and download; default all eight.",
        default = APK_ARCHES,
    ),
}

def _lock_path(rctx):
    label = rctx.attr.lock
    if label.workspace_name:
        fail("apk_repository @{}: lock {} must be a file of the main workspace (`bazel run @{}//:lock` writes it there)".format(rctx.attr.name, label, rctx.attr.name))
    return "/".join([x for x in [label.package, label.name] if x])

def _read_lock(rctx):
    # rctx.path(label) also makes Bazel refetch when the lock changes, and
    # when it appears.
    path = rctx.path(rctx.attr.lock)
    if not path.exists:
        return None, "the file does not exist"
    content = rctx.read(path)
    if not content.strip():
        return None, "it is empty"
    if not content.strip().startswith("{"):
        return None, "it is not a JSON object"
    lock = json.decode(content)
    problem = lock_problem(
        lock,
        rctx.attr.packages,
        rctx.attr.architectures,
        rctx.attr.repositories,
        rctx.attr.mirrors,
        rctx.attr.keyring,
    )
    if problem:
        return None, problem
    return (content, lock), ""

def _repo_label(pkg, name):
    # A target of this rule set, spelled so that the generated BUILD file
    # finds it whatever name the rule set's repository has.
    return label_str(Label("//{}:{}".format(pkg, name)))

def _lock_config(rctx):
    # What `apkimage lock --config` reads: the attributes, checked here so
    # that a mistake fails when the repository is fetched.
    for arch in rctx.attr.architectures:
        if arch not in APK_ARCHES:
            fail("apk_repository @{}: unknown apk architecture {}; use some of {}".format(rctx.attr.name, repr(arch), ", ".join(APK_ARCHES)))
    for url in rctx.attr.mirrors:
        if url not in rctx.attr.repositories:
            fail("apk_repository @{}: mirrors: {} is not one of the repositories".format(rctx.attr.name, repr(url)))
    problem = inputs_problem(rctx.attr.architectures, rctx.attr.keyring, rctx.attr.packages, rctx.attr.repositories, rctx.attr.mirrors)
    if problem:
        fail("apk_repository @{}: {}".format(rctx.attr.name, problem))
    repositories = []
    for url in rctx.attr.repositories:
        mirrors = rctx.attr.mirrors.get(url, [])
        repositories.append({"url": url, "mirrors": mirrors} if mirrors else url)
    return json.encode_indent({
        "repositories": repositories,
        "keyring": rctx.attr.keyring,
        "packages": rctx.attr.packages,
        "architectures": rctx.attr.architectures,
    }) + "\n"

def _header(rctx):
    return [
        "# Generated by apk_repository @{} from {}; do not edit.".format(rctx.attr.name, rctx.attr.lock),
        'load("{}", "apk_packages")'.format(_repo_label("rules", "defs.bzl")),
        'load("{}", "apk_lock")'.format(_repo_label("rules/private", "apk_lock.bzl")),
        'load("{}", "apk_unavailable")'.format(_repo_label("rules/private", "apk_unavailable.bzl")),
        "",
        'package(default_visibility = ["//visibility:public"])',
        """
# bazel run @{name}//:lock rewrites {lock} from these inputs.
apk_lock(
    name = "lock",
    lock = {lock},
    config = {config},
)""".format(
            name = rctx.attr.name,
            lock = repr(_lock_path(rctx)),
            config = repr(_lock_config(rctx)),
        ),
    ]

def _unusable_build(rctx, problem):
    message = """apk_repository @{name}: the lock {lock} cannot be used: {problem}.
Create or update it with:

    bazel run @{name}//:lock

(it resolves {packages} for {arches} against {repositories} and rewrites {lock}).""".format(
        name = rctx.attr.name,
        lock = _lock_path(rctx),
        problem = problem,
        packages = ", ".join(rctx.attr.packages),
        arches = ", ".join(rctx.attr.architectures),
        repositories = ", ".join(rctx.attr.repositories),
    )
    build = _header(rctx)
    for name in ["packages"] + rctx.attr.architectures:
        build.append("""
apk_unavailable(
    name = {name},
    message = {message},
    tags = ["manual"],
)""".format(name = repr(name), message = repr(message)))
    return "\n".join(build) + "\n"

def _apk_repository_impl(rctx):
    rctx.file("WORKSPACE", 'workspace(name = "{}")\n'.format(rctx.attr.name))
    found, problem = _read_lock(rctx)
    if problem:
        rctx.file("BUILD.bazel", _unusable_build(rctx, problem))
        return
    content, lock = found
    rctx.file("lock.json", content)

    # The lock holds each key's PEM, checked against its sha256 here and
    # by Go when the lock was written: no second download.
    keys = []
    for key in lock.get("keyring", []):
        problem = key_problem(key)
        if problem:
            fail("apk_repository @{}: lock {}: {}; re-lock with `bazel run @{}//:lock`".format(rctx.attr.name, _lock_path(rctx), problem, rctx.attr.name))
        out = "keys/" + key["name"]
        rctx.file(out, key["pem"], executable = False)
        keys.append(out)

    build = _header(rctx)
    build.append('\nexports_files(["lock.json"])')
    select_arms = []
    for arch in rctx.attr.architectures:
        apks = []
        for i, pkg in enumerate(lock["architectures"][arch]["packages"]):
            # Names become paths here: check them before any download.
            problem = name_problem(pkg.get("name", ""), pkg.get("version", ""))
            urls = package_urls(lock, arch, pkg) if not problem else problem
            if type(urls) == "string":
                fail("apk_repository @{}: lock {}: architecture {}, package {} ({}): {}; re-lock with `bazel run @{}//:lock`".format(
                    rctx.attr.name,
                    _lock_path(rctx),
                    arch,
                    i,
                    repr(pkg.get("name")),
                    urls,
                    rctx.attr.name,
                ))
            out = "{}/{}".format(arch, apk_file_name(pkg))
            rctx.download(
                url = urls,
                sha256 = pkg["sha256"],
                output = out,
            )
            apks.append(out)

        # The lock cut to this architecture: a package change in another
        # architecture then leaves this one's layer action untouched.
        arch_lock = dict(lock)
        arch_lock["architectures"] = {arch: lock["architectures"][arch]}
        arch_lock["config"] = dict(lock["config"])
        arch_lock["config"]["architectures"] = [arch]

        # It answers one architecture's inputs: their digest, as Go checks.
        arch_lock["inputs_sha256"] = sha256_hex(lock_inputs(
            [arch],
            [k["url"] for k in lock["keyring"]],
            lock["config"]["packages"],
            [r["url"] for r in lock["repositories"]],
            {r["url"]: r.get("mirrors", []) for r in lock["repositories"]},
        ))
        rctx.file("{}/lock.json".format(arch), json.encode_indent(arch_lock, indent = "  ") + "\n")
        build.append("""
apk_packages(
    name = {arch},
    arch = {arch},
    apks = {apks},
    keys = {keys},
    lock = {lock},
)""".format(arch = repr(arch), apks = repr(apks), keys = repr(keys), lock = repr(arch + "/lock.json")))
        row = platform_for_apk_arch(arch)
        if row:
            select_arms.append((_repo_label("platforms", "is_" + row.platform), ":" + arch))

    build.append("""
alias(
    name = "packages",
    actual = select({{{arms}
        "//conditions:default": ":unsupported_platform",
    }}),
)

apk_unavailable(
    name = "unsupported_platform",
    message = {message},
    tags = ["manual"],
)
""".format(
        arms = "".join(["\n        {}: {},".format(repr(k), repr(v)) for k, v in select_arms]),
        message = repr(("@{name}//:packages has apks for {arches} only, and the target platform {{platform}} " +
                        "carries none of their apk arch constraints. Build for one of {platforms} " +
                        "(e.g. under oci_index), or add the matching constraint value of {cpu} to your platform.").format(
            name = rctx.attr.name,
            arches = ", ".join(rctx.attr.architectures),
            platforms = ", ".join([_repo_label("platforms", platform_for_apk_arch(a).platform) for a in rctx.attr.architectures if platform_for_apk_arch(a)]),
            cpu = label_str(Label("//platforms/cpu:BUILD.bazel")).rpartition(":")[0],
        )),
    ))
    rctx.file("BUILD.bazel", "\n".join(build))

apk_repository = repository_rule(
    implementation = _apk_repository_impl,
    doc = _DOC,
    attrs = _ATTRS,
)
