#!/usr/bin/env bash
# Workspace status for stamping: bazel build --stamp
#   --workspace_status_command=tools/workspace_status.sh ...
# The keys are stable (STABLE_): a new commit rebuilds the stamped images.
# musl_base_image and oci_index read them as BUILD_SCM_* (see stamp_keys).
set -euo pipefail
if rev=$(git rev-parse HEAD 2>/dev/null); then
  echo "STABLE_BUILD_SCM_REVISION $rev"
  if src=$(git config --get remote.origin.url 2>/dev/null); then
    echo "STABLE_BUILD_SCM_SOURCE $src"
  fi
  echo "STABLE_BUILD_SCM_VERSION $(git describe --tags --always --dirty 2>/dev/null || echo "$rev")"
fi
