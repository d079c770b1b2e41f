"""Runnable rule signing a pushed image or index with cosign, by digest."""

load(":cosign_run.bzl", "image_subject", "write_launcher")
load(":cosign_toolchain.bzl", "COSIGN_TOOLCHAIN_TYPE")
load(":providers.bzl", "MuslImageInfo", "OciIndexInfo")

_DOC = """Signs `image` in a registry with cosign when run: `bazel run //:sign`.

Push first (`oci_push`): the signature is attached to `REPO@DIGEST`, the
digest Bazel built, never to a tag. For an `oci_index` every platform
manifest is signed too (`cosign sign --recursive`), so a verifier may check
the index or the image its runtime pulled.

Arguments after `--` go to `cosign sign`, except `--repository
HOST[:PORT]/REPO`, which overrides the `repository` attribute:

- a key: `--key cosign.key` (a file; relative to where `bazel run` was
  started), `--key env://COSIGN_PRIVATE_KEY`, or a KMS reference
  (`--key awskms://...`, `gcpkms://...`, `hashivault://...`); the key's
  password comes from `COSIGN_PASSWORD`, which `bazel run` passes through;
- keyless: no `--key`; cosign then gets a certificate from Fulcio for your
  OIDC identity and logs to Rekor (needs network);
- `--tlog-upload=false` to keep the signature out of the transparency log
  (verifiers then need `--insecure-ignore-tlog`), `--allow-http-registry`
  for a plain-HTTP registry.

cosign comes from the cosign toolchain (`musl_dynamic_cosign_toolchain`).
"""

_ATTRS = {
    "image": attr.label(
        doc = "The `oci_index` or `musl_base_image` to sign (push it first).",
        mandatory = True,
        providers = [[OciIndexInfo], [MuslImageInfo]],
    ),
    "repository": attr.string(
        doc = "Default `HOST[:PORT]/REPO` the image was pushed to (a tag is ignored); `--repository` overrides it.",
    ),
    "key": attr.string(
        doc = "Default `--key`: a key file path, `env://VAR` or a KMS URI. Empty: pass `--key` when running, or sign keyless.",
    ),
    "recursive": attr.bool(
        doc = "For an index, also sign each platform manifest.",
        default = True,
    ),
}

_BODY = """echo "{label}: signing $repository@$digest" >&2
"$cosign" sign --yes "${{args[@]}}" "$repository@$digest"
"""

def _oci_sign_impl(ctx):
    subject = image_subject(ctx.attr.image)
    defaults = []
    if ctx.attr.key:
        defaults += ["--key", ctx.attr.key]
    if subject.is_index and ctx.attr.recursive:
        defaults.append("--recursive")
    return [write_launcher(ctx, "oci_sign", subject, defaults, _BODY.format(label = ctx.label))]

oci_sign = rule(
    implementation = _oci_sign_impl,
    doc = _DOC,
    attrs = _ATTRS,
    executable = True,
    toolchains = [str(COSIGN_TOOLCHAIN_TYPE)],
)
