"""What oci_sign and oci_attest share: the subject of a run and its launcher script."""

load(":cosign_toolchain.bzl", "COSIGN_TOOLCHAIN_TYPE")
load(":providers.bzl", "MuslImageInfo", "OciIndexInfo")

def shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def image_subject(target):
    """The images of an `oci_index` or `musl_base_image` target.

    Args:
      target: the `image` attribute's target.

    Returns:
      struct(layout, images, is_index): the layout directory whose
      index.json names what to sign, the MuslImageInfo of each platform.
    """
    if OciIndexInfo in target:
        info = target[OciIndexInfo]
        return struct(layout = info.layout, images = info.images, is_index = True)
    info = target[MuslImageInfo]
    return struct(layout = info.layout, images = [info], is_index = False)

# The launcher: parses --repository, resolves runfiles to absolute paths,
# then runs the body from the directory `bazel run` was started in, so that
# relative paths the user passes (--key cosign.key) mean what they expect.
_SCRIPT = """#!/usr/bin/env bash
# Written by {rule} for {label}.
set -euo pipefail
if [[ -d "$0.runfiles/{workspace}" ]]; then cd "$0.runfiles/{workspace}"; fi
cosign=$PWD/{cosign}
layout=$PWD/{layout}
repository={repository}
args=({defaults})
while (($#)); do
  case $1 in
    --repository) repository=${{2:?--repository needs HOST[:PORT]/REPO}}; shift 2 ;;
    --repository=*) repository=${{1#*=}}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ -z $repository ]]; then
  echo "{label}: no repository: set the repository attribute or pass --repository HOST[:PORT]/REPO" >&2
  exit 2
fi
# Everything is signed by digest: a tag on the repository is dropped.
last=${{repository##*/}}
if [[ $last == *:* ]]; then repository=${{repository%:*}}; fi
digest=$(grep -o 'sha256:[0-9a-f]\\{{64\\}}' "$layout/index.json" | head -1)
if [[ -z $digest ]]; then
  echo "{label}: $layout/index.json names no sha256 digest: rebuild the image" >&2
  exit 1
fi
{prelude}
cd "${{BUILD_WORKING_DIRECTORY:-$PWD}}"
{body}
"""

def write_launcher(ctx, rule_name, subject, defaults, body, prelude = "", inputs = []):
    """Writes the executable script and returns its DefaultInfo.

    Args:
      ctx: the rule context.
      rule_name: "oci_sign" or "oci_attest", for the script's header.
      subject: from image_subject.
      defaults: cosign arguments that come before the user's.
      body: bash run after the preamble, with $cosign, $repository, $digest
        (of the layout) and "${args[@]}" set.
      prelude: bash run before leaving the runfiles tree (to make paths absolute).
      inputs: more files the script reads at run time.

    Returns:
      DefaultInfo for the rule.
    """
    tc = ctx.toolchains[COSIGN_TOOLCHAIN_TYPE]
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        output = script,
        is_executable = True,
        content = _SCRIPT.format(
            rule = rule_name,
            label = ctx.label,
            workspace = ctx.workspace_name,
            cosign = shell_quote(tc.cosign.short_path),
            layout = shell_quote(subject.layout.short_path),
            repository = shell_quote(ctx.attr.repository),
            defaults = " ".join([shell_quote(a) for a in defaults]),
            prelude = prelude,
            body = body,
        ),
    )
    runfiles = ctx.runfiles(files = [subject.layout, tc.cosign] + inputs)
    if tc.runfiles:
        runfiles = runfiles.merge(tc.runfiles)
    return DefaultInfo(executable = script, runfiles = runfiles)
