#!/usr/bin/env bash
# The consumer end-to-end test (make e2e): e2e/consumer is a user's workspace
# ("acme") that takes musl-dynamic as a release, exactly as README.md shows.
#   1. `tools/release.sh` builds the release (binaries, source archive, rule
#      set archive, toolchains/versions.bzl with their sha256s) and it is
#      served on 127.0.0.1; the workspace http_archives the rule set with
#      its sha256.
#   2. Release-binary toolchain: re-lock against the bundled mirror (same
#      bytes as acme.lock.json), `bazel build //...`, the base index must have
#      the digest of e2e/expected/INDEX_DIGEST (same recipe as
#      //e2e:musl_dynamic), every image action must run the downloaded
#      binary, nothing is compiled; skopeo copies each platform of the app
#      index, umoci unpacks it (the tar layer's file, the loader), then
#      `bazel run //:push` to docker-registry, which crane validates and
#      whose digest crane and skopeo read back.
#   3. From-source toolchain (the release's source archive, built once in
#      the repository phase): the same app index digest, the image actions
#      run the binary built from source.
# Each run has its own output base outside the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/checks.sh

ROOT=$PWD
W=${CONSUMER_WORK:-${TMPDIR:-/tmp}/musl-dynamic-consumer-$(printf %s "$ROOT" | sha256sum | cut -c 1-8)}
VERSION=0.0.0-e2e

need skopeo umoci crane docker-registry jq python3

cbazel() { local ob=$1; shift; (cd "$W/ws" && "$BAZEL" --output_base="$W/$ob" "$@"); }
for ob in ob-release ob-source; do
  if [ -d "$W/$ob" ]; then cbazel "$ob" shutdown >/dev/null 2>&1 || true; fi
done
rm -rf "$W/release" "$W/ws" "$W/oci" "$W/umoci" "$W/registry"
mkdir -p "$W"

start_mirror
on_exit "cbazel ob-release shutdown >/dev/null 2>&1; cbazel ob-source shutdown >/dev/null 2>&1"

log "consumer: building the release $VERSION"
VERSION=$VERSION OUT="$W/release" bash tools/release.sh >/dev/null
port=$(free_port)
(cd "$W/release" && exec timeout "$SERVER_TIMEOUT" python3 -m http.server --bind 127.0.0.1 "$port") >"$W/http.log" 2>&1 &
HTTP_PID=$!
on_exit "stop_pid $HTTP_PID"
wait_http "http://127.0.0.1:$port/SHA256SUMS" "$HTTP_PID" "$W/http.log"
BASE=http://127.0.0.1:$port
ARCHIVE=musl_dynamic-$VERSION.tar.gz
log "consumer: release served on $BASE"

# workspace FROM_SOURCE: a fresh copy of e2e/consumer with release.bzl.
workspace() {
  rm -rf "$W/ws" && cp -r e2e/consumer "$W/ws"
  cat >"$W/ws/release.bzl" <<EOF
"""Written by e2e/consumer.sh: where the release is served, and which toolchain to use."""

RELEASE_URL = "$BASE/$ARCHIVE"
RELEASE_SHA256 = "$(sha256sum "$W/release/$ARCHIVE" | cut -d' ' -f1)"
TOOLS_URLS = ["$BASE/{file}"]
FROM_SOURCE = $1
EOF
  # The offline overrides (platforms) of this machine; nothing about Go.
  cat >"$W/ws/.bazelrc" <<EOF
startup --host_jvm_args=-Xmx2g
try-import $ROOT/.bazelrc.offline
build --nosandbox_debug
build --incompatible_strict_action_env
EOF
}

# tool_of OB TARGET MNEMONIC: the executable of the first such action.
tool_of() {
  cbazel "$1" aquery --output=jsonproto "mnemonic($3, deps($2))" 2>/dev/null |
    jq -r '[.actions[0].arguments[0]] | .[0]'
}

# compiles OB: how many Go compile or link actions the last build ran.
compiles() {
  jq -rs '[.[] | select(.mnemonic | test("^Go"))] | length' "$W/$1.exec.json"
}

workspace False
grep -q 'io_bazel_rules_go\|bazel_gazelle\|go_repository' "$W/ws/WORKSPACE" &&
  fail "the consumer WORKSPACE mentions rules_go, gazelle or go_repository"

log "consumer (release binaries): re-locking must give acme.lock.json's bytes"
cbazel ob-release run @acme_apks//:lock
cmp -s "$W/ws/acme.lock.json" e2e/consumer/acme.lock.json || {
  diff -u e2e/consumer/acme.lock.json "$W/ws/acme.lock.json" || true
  fail "bazel run @acme_apks//:lock changed the lock"
}

log "consumer (release binaries): bazel build //..."
cbazel ob-release build //... --execution_log_json_file="$W/ob-release.exec.json"
bin=$(cbazel ob-release info bazel-bin 2>/dev/null)
check_index_digest "$bin/base_index"
APP=$(layout_digest "$bin/app_index")
tool=$(tool_of ob-release //:app_index ApkLayer)
case $tool in
  */musl_dynamic_tools_linux_amd64/bin/apkimage-linux-amd64) ;;
  *) fail "ApkLayer runs $tool, want the release binary apkimage-linux-amd64" ;;
esac
[ "$(compiles ob-release)" = 0 ] || fail "the release build ran $(compiles ob-release) Go actions, want 0"
echo "  base index $(layout_digest "$bin/base_index") (= INDEX_DIGEST), app index $APP, tool $tool, 0 compiles"

log "consumer: skopeo copy and umoci unpack of every platform of the app index"
n=0
while read -r digest os arch variant; do
  p=$os-$arch${variant:+-$variant}
  copy_platform "$bin/app_index" "$p" "$digest" "$W/oci/$p" "$os" "$arch" "$variant"
  umoci_unpack "$W/oci/$p" "$p" "$W/umoci/$p"
  rootfs=$W/umoci/$p/rootfs
  [ "$(cat "$rootfs/etc/acme/greeting.txt")" = "$(cat e2e/consumer/greeting.txt)" ] ||
    fail "$p: /etc/acme/greeting.txt is not the tar layer's file"
  check_loader "$rootfs" "$p"
  jq -e '.process.args == ["/bin/true"]' "$W/umoci/$p/config.json" >/dev/null ||
    fail "$p: the runtime config does not run the image's cmd"
  n=$((n + 1))
done < <(index_platforms "$bin/app_index")
[ "$n" = 8 ] || fail "the app index lists $n platforms, want 8"
echo "  8 platforms: greeting, loader, cmd ok"

log "consumer: bazel run //:push to docker-registry, read back with crane and skopeo"
start_registry "$W/registry"
out=$(cbazel ob-release run //:push -- --repository "$REGISTRY/acme/app:latest" 2>"$W/push.log") ||
  { cat "$W/push.log" >&2; fail "bazel run //:push failed"; }
[ "$(tail -1 <<<"$out")" = "$REGISTRY/acme/app@$APP" ] || fail "push printed '$out', want $REGISTRY/acme/app@$APP"
crane validate --remote "$REGISTRY/acme/app:latest" --insecure >/dev/null || fail "crane validate failed"
[ "$(crane digest --insecure "$REGISTRY/acme/app:latest")" = "$APP" ] || fail "crane reads another digest"
skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/acme/app:latest" >"$W/pulled.json"
cmp -s "$W/pulled.json" "$(blob "$bin/app_index" "$APP")" || fail "skopeo reads another index manifest"
echo "  pushed $REGISTRY/acme/app@$APP; crane validate, crane digest, skopeo raw manifest ok"
cbazel ob-release shutdown

log "consumer (from source): the same app index"
workspace True
cbazel ob-source build //:app_index --execution_log_json_file="$W/ob-source.exec.json"
bin=$(cbazel ob-source info bazel-bin 2>/dev/null)
[ "$(layout_digest "$bin/app_index")" = "$APP" ] || fail "from source: app index $(layout_digest "$bin/app_index"), want $APP"
tool=$(tool_of ob-source //:app_index ApkLayer)
case $tool in
  */musl_dynamic_tools/bin/apkimage) ;;
  *) fail "from source: ApkLayer runs $tool, want the binary built in @musl_dynamic_tools" ;;
esac
[ "$(compiles ob-source)" = 0 ] || fail "the from-source build ran $(compiles ob-source) Go actions, want 0"
echo "  app index $APP, tool $tool"
cbazel ob-source shutdown
echo "consumer: all checks passed"
