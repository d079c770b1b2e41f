"""Rule building a single-platform OCI image from locked apk packages."""

load(":arch.bzl", "platform_for_apk_arch")
load(":providers.bzl", "ApkPackagesInfo", "MuslImageInfo")
load(":stamp.bzl", "STAMP_ATTRS", "stamp_args")
load(":target_arch.bzl", "TargetApkArchInfo")
load(":toolchain.bzl", "TOOLS_TOOLCHAIN_TYPE", "musl_tools")

_DOC = """Builds a single-platform OCI image layout from apk packages.

Three actions, none with network access:

1. `ApkLayer`: `apkimage layer` verifies every apk against the lock and the
   keys and merges them, in install order, into one reproducible
   `layer.tar.gz` (plus the installed database `/lib/apk/db/installed`, and
   `accounts` added to `/etc/passwd` and `/etc/group`). On a `base` with
   packages, the database, world, scripts and triggers list the base's
   packages and the new ones, as `apk add` on the base would, and the SBOM
   lists both.
2. `OciImage`: `apkimage image` stacks the layers of `base`, then the apk
   layer, then each of `tars` (in order; e.g. rules_pkg's `pkg_tar`), then
   one layer of `users`, `groups` and `permissions` (read against
   everything below it), and writes the config and an OCI image layout (a
   directory).
3. `ApkSbom`: `apkimage sbom` writes an SPDX 2.3 JSON of the image: its
   digest, its base's, its layers, the OS of `/etc/os-release`, and the
   packages (image CONTAINS layers, the layer holding each package CONTAINS
   it). An image on a base without packages of its own has one too.

The image's platform comes from the packages' architecture (or from a
`musl_base_image` base, else from the target platform), so use
`packages = "@<repo>//:packages"` and build it under an `oci_index` or with
`--platforms=@musl_dynamic//platforms:linux_<x>`.

`base` may be any single-platform OCI image layout, not only a
`musl_base_image`: rules_oci's `oci_image`, an image pulled with
`crane pull --format=oci` or `skopeo copy ... oci:DIR`, a checked-in
layout directory. Its layers are kept byte for byte, its config and history
come first, its platform must be the target platform's. What a
`musl_base_image` base adds (`MuslImageInfo`) is the exact apk database,
lock and SBOM of its packages; from any other base, `packages` on top read
the apk database in the base's layers (`/lib/apk/db/installed` of the
newest layer holding one; none means the base has no apk packages and the
database lists only the new ones), and the SBOM lists that database's
packages, each in the base layer holding its files.

Outputs: the layout directory `<name>` (default), output groups `layer`,
`sbom`, `config`, `digest`; provider `MuslImageInfo`.
"""

_ATTRS = dict({
    "packages": attr.label(
        doc = "The apks to install: an `apk_packages` target, usually `@<apk_repository>//:packages` (which selects the target platform's architecture). Optional when `base` is given.",
        providers = [ApkPackagesInfo],
    ),
    "base": attr.label(
        doc = "The image to build on: another `musl_base_image`, or any target or directory whose one output is a single-platform OCI image layout (index.json listing one image manifest, or an index of one), such as rules_oci's `oci_image` or a pulled image. Its layers (byte for byte), config (env, user, ...) and history come first; its platform must be the target platform's (a multi-platform index is refused: pick one platform). See above for the apk database of a base that is not a `musl_base_image`.",
        allow_files = True,
    ),
    "tars": attr.label_list(
        doc = "Tar files appended as layers, in order, after the apk layer: each entry a file or a target whose default output is one tar, such as rules_pkg's `pkg_tar` or a genrule. Plain, gzip (`extension = \"tar.gz\"`, `.tgz`) and bzip2 tars are accepted, recognised by their content, not their name; each becomes its uncompressed tar, gzipped reproducibly. xz and zstd are refused. Entries are taken as they are: owners, modes and mtimes come from the tar (`pkg_tar` fixes them).",
        allow_files = True,
    ),
    "accounts": attr.string_list(
        doc = "Users written into the apk layer, each `name:uid:gid[:home[:shell]]` (home 0755); needs `packages`. Prefer `users`, which needs no packages and adds a layer of its own.",
    ),
    "users": attr.string_list(
        doc = "Users to add in a layer of their own (no `packages` needed), each `NAME:UID[:GID[:HOME[:SHELL]]]`: GID defaults to UID, HOME to `/home/NAME` (created 0700, owned by the user, unless it exists), SHELL to `/sbin/nologin`; a locked `/etc/shadow` entry is added, and a group `NAME` when no group has GID. E.g. `[\"nonroot:65532\"]`.",
    ),
    "groups": attr.string_list(
        doc = "Groups to add, each `NAME:GID[:MEMBER,MEMBER...]`, e.g. `[\"www:82:nonroot\"]`.",
    ),
    "permissions": attr.string_dict(
        doc = "Mode and owner changes of paths already in the image: `{\"/abs/path\": \"[MODE] [UID:GID] [recursive]\"}`, e.g. `{\"/var/lib/app\": \"0750 65532:65532 recursive\"}` (recursive: like `chmod -R` and `chown -R`). The changed entries are copied into the accounts layer.",
    ),
    "env": attr.string_dict(
        doc = "Environment variables of the config, in the given order; they replace the base's variables of the same name.",
    ),
    "user": attr.string(
        doc = "The config's User: `uid`, `uid:gid`, or a name (`name`, `name:group`) that is resolved at build time from the image's `/etc/passwd` and `/etc/group` to numbers; empty keeps the base's (root without base).",
    ),
    "stop_signal": attr.string(
        doc = "The config's StopSignal, e.g. `SIGQUIT`; empty keeps the base's.",
    ),
    "volumes": attr.string_list(
        doc = "Absolute paths added to the config's Volumes.",
    ),
    "exposed_ports": attr.string_list(
        doc = "Ports added to the config's ExposedPorts, each `PORT[/tcp|/udp|/sctp]` (tcp by default), e.g. `[\"8080\", \"53/udp\"]`.",
    ),
    "default_env": attr.bool(
        doc = "Set `PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, and `SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt` when the packages install that CA bundle, unless `env` or the base sets them.",
        default = True,
    ),
    "max_layers": attr.int(
        doc = "Split the apk packages into at most this many layers (1 to 99), grouped by origin: the `max_layers - 1` origins with the most bytes get a layer each (in install order), the last layer holds the other packages and the generated files (apk database, `/etc/apk`). A change to one package then re-pushes its origin's layer and the small last one. 1 (default) writes one layer; the `layer` output group is then a directory of `layer-NN.tar.gz`.",
        default = 1,
    ),
    "busybox_links": attr.bool(
        doc = "Create busybox's applet symlinks as its install script would: when a package installs `/bin/busybox`, from `/etc/busybox-paths.d/busybox` when shipped, else the applet list kept for that busybox version in `tools/internal/busybox/applets`; a list `/etc/busybox-paths.d/<name>` of another package (Alpine's busybox-extras) links to its `/bin/<name>`.",
        default = True,
    ),
    "workdir": attr.string(
        doc = "The config's WorkingDir; empty keeps the base's.",
    ),
    "entrypoint": attr.string_list(
        doc = "The config's Entrypoint; empty keeps the base's.",
    ),
    "cmd": attr.string_list(
        doc = "The config's Cmd; empty keeps the base's.",
    ),
    "labels": attr.string_dict(
        doc = "The config's Labels.",
    ),
    "annotations": attr.string_dict(
        doc = "Annotations of the image manifest. Added automatically: `org.opencontainers.image.created` (see `stamp`), and with `base` `org.opencontainers.image.base.name` (its label) and `.base.digest`; these override them.",
    ),
    "_target_arch": attr.label(
        doc = "The target platform's apk architecture, for a base that is not a musl_base_image and no packages.",
        default = Label("//rules:target_apk_arch"),
        providers = [TargetApkArchInfo],
    ),
    "mtime": attr.int(
        doc = "Seconds since the epoch used for every file's mtime in the apk layer and for the config's `created`; a fixed value keeps the image reproducible.",
        default = 0,
    ),
}, **STAMP_ATTRS)

def _layer_action(ctx, pkgs, base, base_layout):
    if ctx.attr.max_layers > 1:
        layer = ctx.actions.declare_directory(ctx.label.name + "/layers")
    else:
        layer = ctx.actions.declare_file(ctx.label.name + "/layer.tar.gz")
    meta = ctx.actions.declare_file(ctx.label.name + "/layer.json")
    args = ctx.actions.args()
    args.add("layer")
    args.add("--lock", pkgs.lock)
    args.add("--apk-arch", pkgs.arch)
    args.add_all(pkgs.keys, before_each = "--key")
    args.add("--mtime", str(ctx.attr.mtime))
    args.add_all(ctx.attr.accounts, before_each = "--account")
    inputs = [pkgs.lock] + pkgs.keys + pkgs.apks
    if base and base.apk_layer:
        # apk add on the base: the new database lists the base's packages too,
        # and META.json the base layer holding each (for the SBOM).
        args.add("--base-layer", base.apk_layer)
        inputs.append(base.apk_layer)
        if base.meta:
            args.add("--base-meta", base.meta)
            inputs.append(base.meta)
    elif base_layout:
        # A base without an apk layer of ours: its database, if any, is
        # found in its layers.
        args.add("--base-layout", base_layout.path)
        inputs.append(base_layout)
    if not ctx.attr.busybox_links:
        args.add("--no-busybox-links")
    if ctx.attr.max_layers > 1:
        args.add("--max-layers", str(ctx.attr.max_layers))
    args.add("--out", layer.path if layer.is_directory else layer)
    args.add("--meta", meta)
    args.add_all(pkgs.apks)
    ctx.actions.run(
        executable = musl_tools(ctx).apkimage,
        arguments = [args],
        inputs = inputs,
        outputs = [layer, meta],
        mnemonic = "ApkLayer",
        progress_message = "Installing %d apks (%s) into a layer for %s" % (len(pkgs.apks), pkgs.arch, ctx.label),
    )
    return layer, meta

def _sbom_action(ctx, meta, layout, base_layout):
    sbom = ctx.actions.declare_file(ctx.label.name + "/sbom.spdx.json")
    args = ctx.actions.args()
    args.add("sbom")
    inputs = [layout]
    if meta:
        args.add("--meta", meta)
        inputs.append(meta)
    args.add("--layout", layout.path)
    if base_layout:
        args.add("--base", base_layout.path)
        args.add("--base-name", str(ctx.attr.base.label))
        inputs.append(base_layout)
    args.add("--name", str(ctx.label))
    args.add("--mtime", str(ctx.attr.mtime))
    args.add("--out", sbom)
    ctx.actions.run(
        executable = musl_tools(ctx).apkimage,
        arguments = [args],
        inputs = inputs,
        outputs = [sbom],
        mnemonic = "ApkSbom",
        progress_message = "Writing the SPDX SBOM of %s" % ctx.label,
    )
    return sbom

def _accounts_file(ctx):
    if not (ctx.attr.users or ctx.attr.groups or ctx.attr.permissions):
        return None
    f = ctx.actions.declare_file(ctx.label.name + "/accounts.json")
    ctx.actions.write(f, json.encode(struct(
        users = ctx.attr.users,
        groups = ctx.attr.groups,
        permissions = ctx.attr.permissions,
    )))
    return f

def _tar_files(ctx):
    """Returns the one file of each `tars` entry, in order."""
    files = []
    for t in ctx.attr.tars:
        got = t[DefaultInfo].files.to_list()
        if len(got) != 1:
            fail("tars: {} gives {} files ({}); each entry must be one tar file, e.g. a pkg_tar target or a .tar/.tar.gz file".format(
                t.label,
                len(got),
                ", ".join([f.short_path for f in got]) or "none",
            ))
        files.append(got[0])
    return files

def _platform_string(row):
    """`os/arch[/variant]`, as `apkimage image --platform` takes it."""
    return "/".join([row.os, row.architecture] + ([row.variant] if row.variant else []))

def _image_action(ctx, row, base_layout, layer, meta, tars):
    layout = ctx.actions.declare_directory(ctx.label.name + "/layout")
    config = ctx.actions.declare_file(ctx.label.name + "/config.json")
    digest = ctx.actions.declare_file(ctx.label.name + "/digest")
    inputs = []
    args = ctx.actions.args()
    args.add("image")
    args.add("--out", layout.path)
    args.add("--platform", _platform_string(row))
    if base_layout:
        args.add("--base", base_layout.path)
        args.add("--base-name", str(ctx.attr.base.label))
        inputs.append(base_layout)
    if layer and layer.is_directory:
        args.add("--layer-dir", layer.path)
        inputs.append(layer)
    elif layer:
        args.add("--layer", layer)
        inputs.append(layer)
    if meta and ctx.attr.default_env:
        args.add("--layer-meta", meta)
        inputs.append(meta)
    if not ctx.attr.default_env:
        args.add("--no-default-env")
    accounts = _accounts_file(ctx)
    if accounts:
        args.add("--accounts", accounts)
        inputs.append(accounts)
    if ctx.attr.stop_signal:
        args.add("--stop-signal", ctx.attr.stop_signal)
    args.add_all(ctx.attr.volumes, before_each = "--volume")
    args.add_all(ctx.attr.exposed_ports, before_each = "--expose")
    inputs.extend(stamp_args(ctx, args))
    args.add_all(tars, before_each = "--tar")
    inputs.extend(tars)
    args.add_all(["%s=%s" % (k, v) for k, v in ctx.attr.env.items()], before_each = "--env")
    if ctx.attr.user:
        args.add("--user", ctx.attr.user)
    if ctx.attr.workdir:
        args.add("--workdir", ctx.attr.workdir)
    if ctx.attr.entrypoint:
        args.add("--entrypoint", json.encode(ctx.attr.entrypoint))
    if ctx.attr.cmd:
        args.add("--cmd", json.encode(ctx.attr.cmd))
    args.add_all(["%s=%s" % (k, v) for k, v in ctx.attr.labels.items()], before_each = "--label")
    args.add_all(["%s=%s" % (k, v) for k, v in ctx.attr.annotations.items()], before_each = "--annotation")
    args.add("--mtime", str(ctx.attr.mtime))
    args.add("--config-out", config)
    args.add("--digest-out", digest)
    ctx.actions.run(
        executable = musl_tools(ctx).apkimage,
        arguments = [args],
        inputs = inputs,
        outputs = [layout, config, digest],
        mnemonic = "OciImage",
        progress_message = "Writing the OCI image %s (%s)" % (ctx.label, _platform_string(row)),
    )
    return layout, config, digest

def _base_layout(ctx, base):
    """Returns the base's layout directory: MuslImageInfo's, or the target's one output."""
    if base:
        return base.layout
    files = ctx.attr.base[DefaultInfo].files.to_list()
    if len(files) != 1:
        fail("base: {} gives {} files ({}); want one OCI image layout directory (a musl_base_image, rules_oci's oci_image, a pulled image)".format(
            ctx.attr.base.label,
            len(files),
            ", ".join([f.short_path for f in files]) or "none",
        ))
    return files[0]

def _image_arch(ctx, pkgs, base):
    """Returns the image's apk architecture: the packages', a musl_base_image base's, or the target platform's."""
    if pkgs:
        return pkgs.arch
    if base:
        return base.arch
    arch = ctx.attr._target_arch[TargetApkArchInfo].arch
    if not arch:
        fail("base {} is not a musl_base_image and there are no packages, so the image's platform is the target platform's, which is none of the supported ones: build it under an oci_index or with --platforms=@musl_dynamic//platforms:linux_<x>".format(ctx.attr.base.label))
    return arch

def _musl_base_image_impl(ctx):
    tars = _tar_files(ctx)
    pkgs = ctx.attr.packages[ApkPackagesInfo] if ctx.attr.packages else None
    base = ctx.attr.base[MuslImageInfo] if ctx.attr.base and MuslImageInfo in ctx.attr.base else None
    base_layout = _base_layout(ctx, base) if ctx.attr.base else None
    if not pkgs and not base_layout:
        fail("give packages, base or both")
    if pkgs and base and pkgs.arch != base.arch:
        fail("packages are for {} but base {} is for {}".format(pkgs.arch, ctx.attr.base.label, base.arch))
    if ctx.attr.max_layers < 1 or ctx.attr.max_layers > 99:
        # layer-NN.tar.gz, read back in name order (layerstep.MaxLayers).
        fail("max_layers must be from 1 to 99, not {}".format(ctx.attr.max_layers))
    if ctx.attr.accounts and not pkgs:
        fail("accounts need packages: they are written into the apk layer")
    arch = _image_arch(ctx, pkgs, base)
    row = platform_for_apk_arch(arch)
    if not row:
        fail("unsupported apk architecture {}".format(arch))

    layer = None
    meta = None
    if pkgs:
        layer, meta = _layer_action(ctx, pkgs, base, base_layout)
    layout, config, digest = _image_action(ctx, row, base_layout, layer, meta, tars)

    # An image on a base without packages of its own still gets its own
    # SBOM: the base's packages, in the base's layers, with this digest;
    # without a META.json of the stack (a base from another tool), those of
    # the apk database in the base's layers.
    stack_meta = meta or (base.meta if base else None)
    sbom = _sbom_action(ctx, stack_meta, layout, base_layout) if stack_meta or base_layout else None

    groups = {
        "config": depset([config]),
        "digest": depset([digest]),
        "layer": depset([layer] if layer else []),
        "sbom": depset([sbom] if sbom else []),
    }
    return [
        DefaultInfo(files = depset([layout])),
        OutputGroupInfo(**groups),
        MuslImageInfo(
            layout = layout,
            manifest_digest_file = digest,
            config = config,
            layer = layer,
            apk_layer = layer or (base.apk_layer if base else None),
            meta = stack_meta,
            sbom = sbom,
            lock = pkgs.lock if pkgs else (base.lock if base else None),
            base = struct(label = str(ctx.attr.base.label), layout = base_layout) if base_layout else None,
            arch = arch,
            os = row.os,
            architecture = row.architecture,
            variant = row.variant,
        ),
    ]

musl_base_image = rule(
    implementation = _musl_base_image_impl,
    doc = _DOC,
    attrs = _ATTRS,
    toolchains = [TOOLS_TOOLCHAIN_TYPE],
    provides = [MuslImageInfo],
)
