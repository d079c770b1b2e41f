#!/usr/bin/env bash
# The network cases of SECURITY.md at the Bazel level. apk_repository
# downloads through Bazel's own downloader, so its retries, mirror fallback
# and error messages are tested with the real Bazel against the bundled
# mirror's fault paths (/fault/404/, /fault/500/, /fault/flaky2/,
# /fault/reset/, /fault/stall/: tools/cmd/testmirror/serve.go).
#
# A throwaway workspace outside the source tree (HOSTILE_WORK, default under
# $TMPDIR) uses the rules as an outside user would (local_repository of this
# checkout), with its own output base and no repository cache, so nothing
# comes from a cache and the main workspace's Bazel server is left alone.
# Each case is an apk_repository whose lock (e2e/bundled.lock.json cut to
# one x86_64 package) puts its repository on a fault path:
#   - with the mirror listed in the lock, the fetch falls back and succeeds;
#   - a server failing twice is retried;
#   - without a mirror the fetch fails naming the URL, and the repository
#     is not created;
#   - a lock whose sha256 was edited by hand fails with both digests;
#   - a body that stalls fails within --http_timeout_scaling, without the
#     URL (a Bazel 4.2.3 limitation, documented in SECURITY.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh

ROOT=$PWD
# Outside the source tree: an output base under the workspace would be
# walked by the main workspace's `bazel test //...`.
W=${HOSTILE_WORK:-${TMPDIR:-/tmp}/musl-dynamic-hostile-$(printf %s "$ROOT" | sha256sum | cut -c 1-8)}
OB="$W/output_base"
MIRROR="http://$MIRROR_ADDR"
PKG=alpine-baselayout-data
PKGFILE=$(jq -r --arg n "$PKG" '.architectures.x86_64.packages[] | select(.name == $n) | "\(.name)-\(.version).apk"' e2e/bundled.lock.json)

hbazel() { (cd "$W/ws" && "$BAZEL" --output_base="$OB" "$@"); }
start_mirror
on_exit 'hbazel shutdown >/dev/null 2>&1'

# lock_for NAME PRIMARY MIRROR [SHA256]: a lock for x86_64 holding only $PKG,
# its repository at PRIMARY and, unless MIRROR is empty, that mirror.
lock_for() {
  jq --arg name "$PKG" --arg primary "$2" --arg mirror "$3" --arg sha "${4:-}" '
    .config.architectures = ["x86_64"]
    | .architectures = {x86_64: {packages: [.architectures.x86_64.packages[] | select(.name == $name)
        | .repository = $primary
        | .url = ($primary + "/x86_64/" + .name + "-" + .version + ".apk")
        | if $sha != "" then .sha256 = $sha else . end]}}
    | .repositories = [{mirrors: (if $mirror == "" then [] else [$mirror] end), url: $primary}]
  ' e2e/bundled.lock.json >"$W/ws/$1.lock.json.tmp"
  # The lock answers these inputs: record their digest (tools/DESIGN.md,
  # "One staleness rule": sets sorted, repositories in order, compact JSON).
  local digest
  digest=$(jq -cj '{architectures: (.config.architectures | unique), keyring: ([.keyring[].url] | unique),
      packages: (.config.packages | unique), repositories: [.repositories[] | {mirrors, url}]}' "$W/ws/$1.lock.json.tmp" |
    sha256sum | cut -c 1-64)
  jq --arg d "$digest" '.inputs_sha256 = $d' "$W/ws/$1.lock.json.tmp" >"$W/ws/$1.lock.json"
  rm "$W/ws/$1.lock.json.tmp"
  cat >>"$W/ws/WORKSPACE" <<EOF

apk_repository(
    name = "$1",
    architectures = ["x86_64"],
    keyring = ["$MIRROR/keys/musl-dynamic-test.rsa.pub"],
    lock = "//:$1.lock.json",
    mirrors = {$([ -z "$3" ] || echo "\"$2\": [\"$3\"]")},
    packages = ["alpine-baselayout-data", "ca-certificates-bundle", "musl"],
    repositories = ["$2"],
)
EOF
}

log "writing the hostile workspace in $W"
# A fresh output base every run: a repository fetched by an earlier run
# would not be fetched again.
if [ -d "$W/ws" ]; then hbazel shutdown >/dev/null 2>&1 || true; fi
chmod -R u+w "$OB" 2>/dev/null || true
rm -rf "$W/ws" "$OB"
mkdir -p "$W/ws"
# The rule set's own http_archives (rules_go is needed to load
# repositories.bzl), taken from WORKSPACE.bazel as a user would copy them;
# .bazelrc.offline replaces them with local copies on offline machines.
{
  echo 'workspace(name = "hostile")'
  echo
  echo 'load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_archive")'
  echo
  sed -n '/^http_archive(/,/^)/p' WORKSPACE.bazel
  echo
  echo "local_repository(name = \"musl_dynamic\", path = \"$ROOT\")"
  echo
  echo 'load("@musl_dynamic//rules:repositories.bzl", "apk_repository")'
} >"$W/ws/WORKSPACE"
touch "$W/ws/BUILD.bazel"
# The main workspace's offline overrides (rules_go for repositories.bzl);
# short HTTP timeouts so the stall case ends quickly; no shared cache.
cat >"$W/ws/.bazelrc" <<EOF
startup --host_jvm_args=-Xmx1g
try-import $ROOT/.bazelrc.offline
query --repository_cache=
query --http_timeout_scaling=0.1
EOF

for k in 404 500 reset stall; do
  lock_for "fallback_$k" "$MIRROR/fault/$k" "$MIRROR"
  lock_for "fail_$k" "$MIRROR/fault/$k" ""
done
lock_for retried "$MIRROR/fault/flaky2" ""
lock_for edited_sha256 "$MIRROR" "" "$(printf forged | sha256sum | cut -d' ' -f1)"

failed=0 passed=0
# bad: one case failed; the others still run, and the script fails at the end.
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
ok() { echo "  ok: $*"; passed=$((passed + 1)); }

# fetch NAME: query the repository (which fetches it), bounded in time.
fetch() { (cd "$W/ws" && timeout 300 "$BAZEL" --output_base="$OB" query "@$1//:x86_64") 2>&1; }

# expect_success NAME WHAT
expect_success() {
  local out
  if out=$(fetch "$1"); then
    ok "@$1: $2"
  else
    bad "@$1: $2 did not happen:"$'\n'"$out"
  fi
}

# expect_failure NAME PART...: fetching @NAME fails, its output holds every
# PART, and the repository was not created.
expect_failure() {
  local name=$1 out
  shift
  if out=$(fetch "$name"); then
    bad "@$name: the fetch succeeded"
    return
  fi
  for part in "$@"; do
    if ! grep -qF -- "$part" <<<"$out"; then
      bad "@$name: the error lacks '$part':"$'\n'"$out"
      return
    fi
  done
  if [ -e "$OB/external/@$name.marker" ] || [ -e "$OB/external/$name/x86_64/$PKGFILE" ]; then
    bad "@$name: a failed fetch left the repository behind"
    return
  fi
  ok "@$name failed: $(grep -m 1 '^ERROR: no such package' <<<"$out" | cut -c 1-160)..."
}

for k in 404 500 reset; do
  log "fault $k on the primary, mirror listed: Bazel falls back to the mirror"
  expect_success "fallback_$k" "fetched $PKGFILE from the mirror"
done
log "HTTP 500 twice, then the file, no mirror: Bazel retries"
expect_success retried "fetched $PKGFILE on a later attempt"

for k in 404 500 reset; do
  log "fault $k on the primary, no mirror: the error names the URL"
  expect_failure "fail_$k" "Error downloading [$MIRROR/fault/$k/x86_64/$PKGFILE]"
done

# Bazel 4.2.3 reports a body that stops arriving as "thread interrupted",
# without the URL and without trying the mirror (bazelbuild/bazel#10294);
# --http_timeout_scaling bounds the wait. SECURITY.md documents this.
for k in fallback_stall fail_stall; do
  log "body stalls after the headers ($k): fails within the timeout (Bazel 4.2.3 limitation)"
  expect_failure "$k" "no such package '@$k//'" "thread interrupted"
done

log "a lock whose sha256 was edited by hand"
expect_failure edited_sha256 "Error downloading [$MIRROR/x86_64/$PKGFILE]" \
  "Checksum was $(jq -r '.architectures.x86_64.packages[] | select(.name == "alpine-baselayout-data") | .sha256' e2e/bundled.lock.json) but wanted $(printf forged | sha256sum | cut -d' ' -f1)"

if ((failed)); then
  echo "hostile: $failed case(s) failed, $passed passed" >&2
  exit 1
fi
echo "hostile: $passed Bazel download cases passed"
