"""Runnable rule attaching SBOM and provenance attestations with cosign."""

load(":cosign_run.bzl", "image_subject", "shell_quote", "write_launcher")
load(":cosign_toolchain.bzl", "COSIGN_TOOLCHAIN_TYPE")
load(":providers.bzl", "MuslImageInfo", "OciIndexInfo")
load(":toolchain.bzl", "TOOLS_TOOLCHAIN_TYPE", "musl_tools")
load(":version.bzl", "VERSION")

_DOC = """Attests `image` in a registry with cosign when run: `bazel run //:attest`.

Push first (`oci_push`). Each platform image gets two attestations, by
digest: its SPDX 2.3 SBOM (`--type spdxjson`) and SLSA provenance
(`--type slsaprovenance1`); an index gets the provenance of all its
platforms as well. The provenance (written at build time by `apkimage
provenance`, output group `provenance`) lists the base image by its manifest
digest (if there is one), the lock file and every locked package with the
sha256 the lock pins, the target label and this rule set's version as the
builder; it has no timestamps, so it is reproducible. An image whose only
content is a base (from another tool, no `packages`) is attested too: its
SBOM lists the apk packages of the base's database, its provenance the
base.

Arguments after `--` go to every `cosign attest`, except `--repository
HOST[:PORT]/REPO`, which overrides the `repository` attribute: a key
(`--key FILE`, `env://VAR`, a KMS URI) or none for keyless, and
`--tlog-upload=false`, `--allow-http-registry` as for `oci_sign`.
"""

_ATTRS = {
    "image": attr.label(
        doc = "The `oci_index` or `musl_base_image` to attest (push it first).",
        mandatory = True,
        providers = [[OciIndexInfo], [MuslImageInfo]],
    ),
    "repository": attr.string(
        doc = "Default `HOST[:PORT]/REPO` the image was pushed to (a tag is ignored); `--repository` overrides it.",
    ),
    "key": attr.string(
        doc = "Default `--key`: a key file path, `env://VAR` or a KMS URI. Empty: pass `--key` when running, or attest keyless.",
    ),
}

def _provenance(ctx, name, images, layout):
    predicate = ctx.actions.declare_file("{}/{}.provenance.json".format(ctx.label.name, name))
    statement = ctx.actions.declare_file("{}/{}.intoto.json".format(ctx.label.name, name))
    args = ctx.actions.args()
    args.add("provenance")
    inputs = [layout]
    for i in images:
        if i.lock:
            args.add("--lock", "{}={}".format(i.arch, i.lock.path))
            args.add("--lock-name", "{}={}".format(i.arch, i.lock.owner))
            inputs.append(i.lock)
        if i.base:
            args.add("--base", "{}={}".format(i.arch, i.base.layout.path))
            args.add("--base-name", "{}={}".format(i.arch, i.base.label))
            inputs.append(i.base.layout)
    args.add("--target", str(ctx.attr.image.label))
    args.add("--version", VERSION)
    args.add("--layout", layout.path)
    args.add("--predicate", predicate)
    args.add("--statement", statement)
    ctx.actions.run(
        executable = musl_tools(ctx).apkimage,
        arguments = [args],
        inputs = inputs,
        outputs = [predicate, statement],
        mnemonic = "ApkProvenance",
        progress_message = "Writing the SLSA provenance of %s (%s)" % (ctx.attr.image.label, name),
    )
    return predicate, statement

def _own_copy(ctx, src, name):
    # The platform images' files share one short path (they differ only in
    # configuration), so runfiles need copies under names of their own.
    out = ctx.actions.declare_file("{}/{}".format(ctx.label.name, name))
    ctx.actions.run_shell(
        command = 'cp "$1" "$2"',
        arguments = [src.path, out.path],
        inputs = [src],
        outputs = [out],
        mnemonic = "CopyForAttest",
        progress_message = "Copying %s for %s" % (name, ctx.label),
    )
    return out

def _attest(kind, predicate, digest_expr):
    return '"$cosign" attest --yes --type {kind} --predicate {pred} "${{args[@]}}" "$repository@{digest}"\n'.format(
        kind = kind,
        pred = predicate,
        digest = digest_expr,
    )

def _oci_attest_impl(ctx):
    subject = image_subject(ctx.attr.image)
    for i in subject.images:
        if not i.lock and not i.base:
            fail("{}: the {} image has neither a lock (apk packages) nor a base: nothing to attest".format(ctx.attr.image.label, i.arch))

    # The prelude runs in the runfiles tree: absolute paths for later.
    prelude = ["run=$PWD"]
    body = []
    inputs = []
    statements = []
    for n, i in enumerate(subject.images):
        if not i.sbom:
            fail("{}: the {} image has no SBOM".format(ctx.attr.image.label, i.arch))
        pred, stmt = _provenance(ctx, i.arch, [i], i.layout)
        sbom = _own_copy(ctx, i.sbom, i.arch + ".spdx.json")
        digest = _own_copy(ctx, i.manifest_digest_file, i.arch + ".digest")
        inputs += [sbom, digest, pred]
        statements.append(stmt)
        prelude.append("d{n}=$(cat {f})".format(n = n, f = shell_quote(digest.short_path)))
        body.append('echo "{label}: attesting {arch} $repository@$d{n}" >&2\n'.format(label = ctx.label, arch = i.arch, n = n))
        body.append(_attest("spdxjson", '"$run/"' + shell_quote(sbom.short_path), "$d%d" % n))
        body.append(_attest("slsaprovenance1", '"$run/"' + shell_quote(pred.short_path), "$d%d" % n))
    if subject.is_index:
        pred, stmt = _provenance(ctx, "index", subject.images, subject.layout)
        inputs.append(pred)
        statements.append(stmt)
        body.append('echo "{label}: attesting the index $repository@$digest" >&2\n'.format(label = ctx.label))
        body.append(_attest("slsaprovenance1", '"$run/"' + shell_quote(pred.short_path), "$digest"))

    defaults = ["--key", ctx.attr.key] if ctx.attr.key else []
    launcher = write_launcher(ctx, "oci_attest", subject, defaults, "".join(body), prelude = "\n".join(prelude), inputs = inputs)
    return [
        launcher,
        OutputGroupInfo(provenance = depset(statements)),
    ]

oci_attest = rule(
    implementation = _oci_attest_impl,
    doc = _DOC,
    attrs = _ATTRS,
    executable = True,
    toolchains = [str(COSIGN_TOOLCHAIN_TYPE), TOOLS_TOOLCHAIN_TYPE],
)
