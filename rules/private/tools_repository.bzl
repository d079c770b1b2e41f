"""Repository rules that provide the tools toolchain: release binaries, or built from source."""

load(":labels.bzl", "label_str")
load(":toolchain.bzl", "TOOLS_TOOLCHAIN_TYPE")

TOOLS = ["apkimage", "apkpush"]

# GOOS/GOARCH to the @platforms constraint values of an execution platform.
_OS = {"linux": "@platforms//os:linux", "darwin": "@platforms//os:osx", "windows": "@platforms//os:windows"}
_CPU = {
    "amd64": "@platforms//cpu:x86_64",
    "arm64": "@platforms//cpu:aarch64",
    "386": "@platforms//cpu:x86_32",
    "arm": "@platforms//cpu:arm",
    "ppc64le": "@platforms//cpu:ppc",
    "s390x": "@platforms//cpu:s390x",
    "riscv64": "@platforms//cpu:riscv64",
}

GO_SDK_ENV = "MUSL_DYNAMIC_GO_SDK"

def exec_constraints(goos, goarch):
    """Returns the exec_compatible_with list of a GOOS/GOARCH pair.

    Args:
      goos: Go's operating system name (linux, darwin, windows).
      goarch: Go's architecture name (amd64, arm64, ...).

    Returns:
      A list of constraint value label strings, or None when unknown.
    """
    if goos not in _OS or goarch not in _CPU:
        return None
    return [_OS[goos], _CPU[goarch]]

def release_file(tool, platform):
    """Returns the release file name of a tool binary, e.g. `apkimage-linux-amd64`.

    Args:
      tool: `apkimage` or `apkpush`.
      platform: `<goos>_<goarch>`.

    Returns:
      The file name.
    """
    return "{}-{}{}".format(tool, platform.replace("_", "-"), ".exe" if platform.startswith("windows_") else "")

def release_urls(templates, version, file):
    """Expands URL templates with `{version}` and `{file}`.

    Args:
      templates: list of URL templates.
      version: the release version.
      file: the file name.

    Returns:
      The list of URLs.
    """
    return [t.format(version = version, file = file) for t in templates]

def _toolchain_build(tools_label, goos, goarch):
    constraints = exec_constraints(goos, goarch)
    if constraints == None:
        fail("no execution platform constraints known for {}/{}".format(goos, goarch))
    return """
toolchain(
    name = "toolchain_{goos}_{goarch}",
    exec_compatible_with = {constraints},
    toolchain = {tools},
    toolchain_type = {type},
)
""".format(goos = goos, goarch = goarch, constraints = repr(constraints), tools = repr(tools_label), type = repr(label_str(Label(TOOLS_TOOLCHAIN_TYPE))))

def _tools_build(bins):
    return """# Generated; do not edit.
load({defs}, "musl_tools_toolchain")

package(default_visibility = ["//visibility:public"])

exports_files({files})

musl_tools_toolchain(
    name = "tools",
    apkimage = {apkimage},
    apkpush = {apkpush},
)
""".format(
        defs = repr(label_str(Label("//rules:defs.bzl"))),
        files = repr(bins.values()),
        apkimage = repr(bins["apkimage"]),
        apkpush = repr(bins["apkpush"]),
    )

# --- release binaries --------------------------------------------------------

_RELEASE_DOC = """Downloads the release binaries of the tools for one platform.

Each binary goes through Bazel's downloader with its sha256 and a list of
URLs, so mirrors, `--repository_cache`, `--distdir` and
`--experimental_downloader_config` apply. `@<name>//:tools` is the
`musl_tools_toolchain`; `musl_tools_hub` declares the `toolchain()` for it.
"""

def _musl_tools_release_impl(rctx):
    bins = {}
    for tool in TOOLS:
        file = release_file(tool, rctx.attr.platform)
        sha256 = rctx.attr.sha256s.get(tool, "")
        if not sha256:
            fail("@{}: no sha256 for {} in the release table (toolchains/versions.bzl)".format(rctx.attr.name, file))
        rctx.download(
            url = release_urls(rctx.attr.urls, rctx.attr.version, file),
            sha256 = sha256,
            output = "bin/" + file,
            executable = True,
        )
        bins[tool] = "bin/" + file
    rctx.file("BUILD.bazel", _tools_build(bins))
    rctx.file("WORKSPACE", 'workspace(name = "{}")\n'.format(rctx.attr.name))

musl_tools_release = repository_rule(
    implementation = _musl_tools_release_impl,
    doc = _RELEASE_DOC,
    attrs = {
        "platform": attr.string(doc = "`<goos>_<goarch>` of the binaries, e.g. `linux_amd64`.", mandatory = True),
        "version": attr.string(doc = "The release version, substituted for `{version}` in `urls`.", mandatory = True),
        "sha256s": attr.string_dict(doc = "sha256 of each tool's binary: `{\"apkimage\": ..., \"apkpush\": ...}`.", mandatory = True),
        "urls": attr.string_list(doc = "URL templates with `{version}` and `{file}`, tried in order.", mandatory = True, allow_empty = False),
    },
)

_HUB_DOC = """Declares one `toolchain()` per release platform, each pointing at `@<prefix><platform>//:tools`.

Bazel fetches a platform's binaries only when toolchain resolution picks it,
so registering `@<name>//:all` downloads only what the execution platforms need.
"""

def _musl_tools_hub_impl(rctx):
    build = ["# Generated; do not edit."]
    for platform in rctx.attr.platforms:
        goos, _, goarch = platform.partition("_")
        build.append(_toolchain_build("@{}{}//:tools".format(rctx.attr.prefix, platform), goos, goarch))
    rctx.file("BUILD.bazel", "\n".join(build))
    rctx.file("WORKSPACE", 'workspace(name = "{}")\n'.format(rctx.attr.name))

musl_tools_hub = repository_rule(
    implementation = _musl_tools_hub_impl,
    doc = _HUB_DOC,
    attrs = {
        "platforms": attr.string_list(doc = "The `<goos>_<goarch>` platforms with release binaries.", mandatory = True),
        "prefix": attr.string(doc = "Name prefix of the per-platform `musl_tools_release` repositories.", mandatory = True),
    },
)

# --- from source -------------------------------------------------------------

_SOURCE_DOC = """Builds `apkimage` and `apkpush` once, in the repository phase, with a Go SDK of the host.

The source is this rule set's own tree when it holds the Go module (a git
checkout, `local_repository`), else the release's source archive (`urls`,
`sha256`). Go comes from `go_sdk`, else `--repo_env=MUSL_DYNAMIC_GO_SDK=GOROOT`,
else `go` on PATH; Go 1.19 or newer. Modules come from the module cache or
GOPROXY as Go is configured (GOFLAGS=-mod=mod). The binaries are static
(CGO_ENABLED=0), built with -trimpath and no build id, for the host, which
becomes the toolchain's execution platform: nothing is compiled per target
platform. Editing a Go file of a local tree refetches the repository.
"""

def _find_go(rctx):
    sdk = rctx.attr.go_sdk or rctx.os.environ.get(GO_SDK_ENV, "").strip()
    if sdk:
        go = rctx.path(sdk + "/bin/go")
        if not go.exists:
            fail("@{}: no bin/go in the Go SDK {} (from go_sdk or {}); name a GOROOT such as /usr/lib/go-1.19".format(rctx.attr.name, sdk, GO_SDK_ENV))
        return go
    go = rctx.which("go")
    if not go:
        fail("@{}: building the tools from source needs Go 1.19+: put `go` on PATH, pass go_sdk = \"/path/to/goroot\", set --repo_env={}=GOROOT, or use the release binaries".format(rctx.attr.name, GO_SDK_ENV))
    return go

def _run(rctx, args, env, cwd, what):
    res = rctx.execute(args, environment = env, working_directory = str(cwd), timeout = 1800, quiet = True)
    if res.return_code != 0:
        fail("@{}: {} failed (exit {}):\n{}{}".format(rctx.attr.name, what, res.return_code, res.stdout, res.stderr))
    return res.stdout

def _local_source(rctx):
    # The root of this rule set's repository; it holds the Go module in a
    # checkout, not in the release archive.
    root = rctx.path(Label("//rules:defs.bzl")).dirname.dirname
    if root.get_child("go.mod").exists and root.get_child("tools").get_child("cmd").exists:
        return root
    return None

def _watch_sources(rctx, root, go, env):
    # Reading each compiled file through its Label makes Bazel refetch this
    # repository when one changes (Bazel 4 records them in the marker file).
    rctx.path(Label("//:go.mod"))
    rctx.path(Label("//:go.sum"))
    out = _run(rctx, [
        go,
        "list",
        "-deps",
        "-f",
        "{{if .Module}}{{if .Module.Main}}{{.Dir}}|{{join .GoFiles \",\"}},{{join .EmbedFiles \",\"}}{{end}}{{end}}",
        "./tools/cmd/apkimage",
        "./tools/cmd/apkpush",
    ], env, root, "go list")
    prefix = str(root) + "/"
    for line in out.splitlines():
        if not line.strip():
            continue
        dir, _, files = line.partition("|")
        if not dir.startswith(prefix) and dir != str(root):
            continue
        rel = dir[len(prefix):] if dir != str(root) else ""

        # A file's label belongs to the nearest package above it.
        pkg = rel
        for _ in range(20):
            d = rctx.path("{}/{}".format(root, pkg)) if pkg else root
            if d.get_child("BUILD.bazel").exists or d.get_child("BUILD").exists or not pkg:
                break
            pkg = pkg.rpartition("/")[0]
        sub = rel[len(pkg):].lstrip("/")
        for f in files.split(","):
            if f:
                rctx.path(Label("//{}:{}".format(pkg, (sub + "/" + f) if sub else f)))

def _musl_tools_source_impl(rctx):
    go = _find_go(rctx)
    env = {
        "CGO_ENABLED": "0",
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "GOWORK": "off",
        "GO111MODULE": "on",
    }
    if not rctx.os.environ.get("HOME") and not rctx.os.environ.get("GOCACHE"):
        env["GOCACHE"] = str(rctx.path("gocache"))
    root = _local_source(rctx)
    if root:
        _watch_sources(rctx, root, go, env)
    elif rctx.attr.urls:
        rctx.download_and_extract(url = rctx.attr.urls, sha256 = rctx.attr.sha256, output = "src")
        root = rctx.path("src")
    else:
        fail("@{}: the rule set holds no Go source and no source archive is named (urls); use the release binaries or a checkout of the rule set".format(rctx.attr.name))

    goos, goarch = _run(rctx, [go, "env", "GOOS", "GOARCH"], env, root, "go env").strip().split("\n")
    suffix = ".exe" if goos == "windows" else ""
    _run(rctx, [
        go,
        "build",
        "-trimpath",
        "-buildvcs=false",
        "-ldflags=-s -w -buildid=",
        "-o",
        str(rctx.path("bin")) + "/",
        "./tools/cmd/apkimage",
        "./tools/cmd/apkpush",
    ], env, root, "go build of apkimage and apkpush with " + str(go))
    bins = {tool: "bin/" + tool + suffix for tool in TOOLS}
    rctx.file("BUILD.bazel", _tools_build(bins) + _toolchain_build(":tools", goos, goarch))
    rctx.file("WORKSPACE", 'workspace(name = "{}")\n'.format(rctx.attr.name))

musl_tools_source = repository_rule(
    implementation = _musl_tools_source_impl,
    doc = _SOURCE_DOC,
    attrs = {
        "go_sdk": attr.string(doc = "GOROOT of the Go SDK to build with; empty: `MUSL_DYNAMIC_GO_SDK` or `go` on PATH."),
        "urls": attr.string_list(doc = "URLs of the release's source archive, used when the rule set's tree holds no Go source."),
        "sha256": attr.string(doc = "sha256 of the source archive."),
    },
    environ = [GO_SDK_ENV, "GOPROXY", "GOPATH", "GOMODCACHE"],
)
