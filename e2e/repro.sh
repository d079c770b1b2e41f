#!/usr/bin/env bash
# The reproducibility matrix (make e2e): the index digest of //e2e:musl_dynamic
# must be the recorded one (e2e/expected/INDEX_DIGEST) and every layout byte
# the same across
#   A: a clean output base (clean --expunge), umask 022, TZ=UTC, C.UTF-8,
#      uploading to an HTTP remote cache (nginx WebDAV on 127.0.0.1);
#   B: another clean output base, umask 077, TZ=Pacific/Chatham, POSIX
#      locale (TZ and locale are passed into the actions too), no cache;
#   G: one platform's layer and image rebuilt outside Bazel by apkimage built
#      with the machine's Go, from the Bazel actions' own arguments (aquery);
#   C: a third clean output base fed from the remote cache: every image
#      action must be a remote cache hit (execution log and Bazel's summary).
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/checks.sh
source e2e/repro_lib.sh

TARGET=//e2e:musl_dynamic
IMAGE_MNEMONICS='^(ApkLayer|OciImage|OciIndex)$'
# Output bases outside the workspace, so `bazel build //...` never sees them.
W=$(mktemp -d "${TMPDIR:-/tmp}/musl-dynamic-repro.XXXXXX")
# shellcheck disable=SC2034 # read by the on_exit command below
BASES=("$W/A" "$W/B" "$W/C")
start_mirror
# shellcheck disable=SC2016 # expanded when it runs, at exit
on_exit 'for ob in "${BASES[@]}"; do bazel --output_base="$ob" shutdown 2>/dev/null || true; done
  if [ "$EXIT_RC" = 0 ]; then rm -rf "$W"; else echo "repro: work files kept in $W" >&2; fi'
start_remote_cache "$W/cache"

# in_base NAME CMD...: Bazel in the output base $W/NAME, no convenience
# symlinks (the workspace's bazel-* links stay the default base's), the
# environment variables of the case passed into every action.
in_base() {
  local ob=$W/$1
  shift
  $BAZEL --output_base="$ob" --max_idle_secs=900 "$@"
}
BUILD_FLAGS=(--symlink_prefix=/ --action_env=TZ --action_env=LANG --action_env=LC_ALL)

# clean_build NAME UMASK TZ LOCALE [FLAGS...]: a build from clean state.
clean_build() {
  local name=$1 mask=$2 tz=$3 loc=$4
  shift 4
  log "repro $name: clean output base, umask $mask, TZ=$tz, LC_ALL=$loc $*"
  (
    umask "$mask"
    export TZ=$tz LANG=$loc LC_ALL=$loc
    in_base "$name" clean --expunge 2>/dev/null
    SECONDS=0
    if ! in_base "$name" build "${BUILD_FLAGS[@]}" "$@" "$TARGET" >"$W/$name.log" 2>&1; then
      tail -30 "$W/$name.log" >&2
      fail "repro $name: the build failed"
    fi
    echo "  built in ${SECONDS}s; $(grep -E '^INFO: [0-9]+ processes' "$W/$name.log")"
  )
  OUT[$name]=$(in_base "$name" info bazel-bin 2>/dev/null)/e2e/musl_dynamic
}
declare -A OUT

same_layout() {
  diff -r "${OUT[$1]}" "${OUT[$2]}" >&2 || fail "repro: the layouts of $1 and $2 differ"
  echo "  $2: index $(layout_digest "${OUT[$2]}"), every file identical to $1"
}

clean_build A 022 UTC C.UTF-8 --remote_cache="$REMOTE_CACHE"
check_index_digest "${OUT[A]}"
check_go_run A linux amd64 x86_64
in_base A shutdown

clean_build B 077 Pacific/Chatham POSIX
same_layout A B
in_base B shutdown

clean_build C 022 UTC C.UTF-8 --remote_cache="$REMOTE_CACHE" --execution_log_json_file="$W/C.exec.json"
same_layout A C
check_cache_hits "$W/C.exec.json" "$W/C.log"
in_base C shutdown
echo "repro: A, B, C and the machine's Go agree on $(layout_digest "${OUT[A]}")"
