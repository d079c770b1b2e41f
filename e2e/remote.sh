#!/usr/bin/env bash
# Remote execution (make e2e): build //e2e:musl_dynamic on a real REAPI
# server, Bazel's own remote worker (e2e/remote_lib.sh), from a clean output
# base with --spawn_strategy=remote and no local fallback, and require
#   1. every spawn ran on the worker: the execution log's runner is "remote"
#      for each, and Bazel's process summary counts only internal and remote
#      processes;
#   2. the index is byte for byte a local build's (the workspace's own
#      output base) and has the digest in e2e/expected/INDEX_DIGEST;
#   3. no action's command line or environment names a host path (the
#      workspace, an output base, $HOME, a Go installation): aquery.
# The worker sees none of those paths (they are tmpfs in its mount namespace)
# and has no network, so an action that reached for the host would fail.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/checks.sh
source e2e/remote_lib.sh

TARGET=//e2e:musl_dynamic
BUILD_TIMEOUT=${BUILD_TIMEOUT:-3600} # seconds for the remote build, fetches included
# /tmp, not $TMPDIR: the worker's directory must be outside what it hides.
W=$(mktemp -d /tmp/musl-dynamic-remote.XXXXXX)
OB=$W/base
start_mirror
# shellcheck disable=SC2016 # expanded when it runs, at exit
on_exit 'if [ "$EXIT_RC" = 0 ]; then rm -rf "$W"; else rm -rf "$W/worker/cas" "$W/worker/work" "$OB"; echo "remote: logs kept in $W" >&2; fi'

log "remote: the local build in the workspace's output base"
$BAZEL build "$TARGET" >"$W/local.log" 2>&1 || { tail -30 "$W/local.log" >&2; fail "the local build of $TARGET failed"; }
LOCAL=$($BAZEL info bazel-bin 2>/dev/null)/e2e/musl_dynamic
LOCAL_OB=$($BAZEL info output_base 2>/dev/null)

mkdir -p "$OB" # to be hidden from the worker, it must exist
start_remote_executor "$W/worker" "$OB" "$LOCAL_OB"
remote_bazel() { $BAZEL --output_base="$OB" --max_idle_secs=600 "$@"; }
on_exit 'remote_bazel shutdown 2>/dev/null || true'
FLAGS=(--symlink_prefix=/ --remote_executor="$REMOTE_EXECUTOR" --spawn_strategy=remote
  --genrule_strategy=remote --noremote_local_fallback --remote_timeout=600)

log "remote: building $TARGET on $REMOTE_EXECUTOR from a clean output base"
SECONDS=0
if ! timeout "$BUILD_TIMEOUT" "$BAZEL" --output_base="$OB" --max_idle_secs=600 build "${FLAGS[@]}" \
  --execution_log_json_file="$W/exec.json" "$TARGET" >"$W/remote.log" 2>&1; then
  tail -40 "$W/remote.log" >&2
  echo "--- worker log (tail)" >&2
  tail -20 "$W/worker/worker.log" >&2
  fail "the remote build of $TARGET failed (or took more than ${BUILD_TIMEOUT}s)"
fi
summary=$(grep -E '^INFO: [0-9]+ processes' "$W/remote.log" || true)
echo "  built in ${SECONDS}s; $summary"
REMOTE=$(remote_bazel info "${FLAGS[@]}" bazel-bin 2>/dev/null)/e2e/musl_dynamic

log "remote: every spawn ran on the worker"
check_all_remote "$W/exec.json" "$summary"

log "remote: the same index as the local build and as recorded"
check_index_digest "$REMOTE"
diff -r "$LOCAL" "$REMOTE" >&2 || fail "remote: the remotely built layout differs from the local one ($LOCAL)"
echo "  every file of the layout identical to the local build's"

log "remote: no action names a host path"
check_no_host_paths "$W/aquery.json" "$PWD" "$OB" "$LOCAL_OB" "$HOME" "$W" /usr/lib/go-1.19 "$(go env GOROOT)"
echo "remote: $TARGET built on Bazel's remote worker is $(layout_digest "$REMOTE")"
