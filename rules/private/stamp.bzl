"""Whether Bazel runs with --stamp, and the arguments that stamp an image or index."""

StampSettingInfo = provider(
    doc = "Whether --stamp is set, as a build setting would say.",
    fields = {"value": "bool: True under --stamp."},
)

_DOC = """Reports whether `--stamp` is set: `value` selects on a `config_setting` of the flag."""

_ATTRS = {
    "value": attr.bool(
        doc = "True under --stamp (give it with a select on a config_setting of `stamp`).",
    ),
}

def _stamp_setting_impl(ctx):
    return [StampSettingInfo(value = ctx.attr.value)]

stamp_setting = rule(
    implementation = _stamp_setting_impl,
    doc = _DOC,
    attrs = _ATTRS,
)

STAMP_ATTRS = {
    "stamp": attr.int(
        doc = "Stamp annotations from Bazel's workspace status: 1 always, 0 never, -1 (default) when `--stamp` is set. Unstamped, `org.opencontainers.image.created` is the fixed `mtime`.",
        default = -1,
        values = [-1, 0, 1],
    ),
    "stamp_keys": attr.string_dict(
        doc = "Annotation → workspace status key to stamp it from (also looked up with Bazel's `STABLE_` prefix). Default: `created` ← `BUILD_TIMESTAMP`, `revision` ← `BUILD_SCM_REVISION`, `source` ← `BUILD_SCM_SOURCE`, `version` ← `BUILD_SCM_VERSION` (under `org.opencontainers.image.`); `tools/workspace_status.sh` writes the `BUILD_SCM_*` keys from git.",
    ),
    "_stamp_setting": attr.label(
        doc = "Whether --stamp is set.",
        default = "//rules:stamp",
        providers = [StampSettingInfo],
    ),
}

def stamp_args(ctx, args):
    """Adds the stamping flags of apkimage image/index to args.

    Args:
      ctx: the rule context (with STAMP_ATTRS).
      args: the Args to add to.

    Returns:
      The workspace status files to add to the action's inputs.
    """
    stamped = ctx.attr.stamp == 1 or (ctx.attr.stamp == -1 and ctx.attr._stamp_setting[StampSettingInfo].value)
    if not stamped:
        return []
    args.add("--stamp-status", ctx.info_file)
    args.add("--stamp-status", ctx.version_file)
    args.add_all(["%s=%s" % (k, v) for k, v in ctx.attr.stamp_keys.items()], before_each = "--stamp-key")
    return [ctx.info_file, ctx.version_file]
