# shellcheck shell=bash
# The one set of helpers every e2e script sources (after `set -euo pipefail`
# and `cd` to the checkout): log and fail, one cleanup mechanism, and the
# servers on 127.0.0.1 (the bundled mirror, a registry, a remote cache).
#
# Cleanup: on_exit CMD registers CMD; the one EXIT trap set here runs the
# registered commands in reverse order, with EXIT_RC set to the script's exit
# status. Scripts never set an EXIT trap of their own.
MIRROR_ADDR=127.0.0.1:18473 # the lock files under e2e/ name it: fixed
E2E_WORK=${E2E_WORK:-$PWD/e2e/work}
BAZEL=${BAZEL:-bazel}
E2E_CACHE=${MUSL_DYNAMIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/musl-dynamic}
export PATH="$E2E_CACHE/bin:$PATH" # crane, syft (tools/setup.sh)
SERVER_TIMEOUT=${SERVER_TIMEOUT:-1800} # seconds; a server never outlives this

log() { echo "==> $*" >&2; }

# fail MESSAGE: ends the script with "FAIL: MESSAGE". Inside $(...) or
# ( ... ) it ends that subshell, whose status then fails the caller.
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# need TOOL...: each is on PATH, or the script fails naming it.
need() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || fail "$t is missing; run tools/setup.sh"
  done
}

# e2e_check ARGS...: the Go checker, e2e/check (listings, unpacking, ELF
# headers, unpacked trees), built into E2E_WORK when first used.
e2e_check() {
  if [ -z "${_E2E_CHECK:-}" ]; then
    mkdir -p "$E2E_WORK"
    go build -o "$E2E_WORK/check" ./e2e/check
    _E2E_CHECK=$E2E_WORK/check
  fi
  "$_E2E_CHECK" "$@"
}

_exit_cmds=()
on_exit() { _exit_cmds+=("$1"); }
_run_exit() {
  # shellcheck disable=SC2034 # read by the on_exit commands, which eval sees
  EXIT_RC=$?
  local i
  for ((i = ${#_exit_cmds[@]} - 1; i >= 0; i--)); do eval "${_exit_cmds[$i]}" || true; done
}
trap _run_exit EXIT
trap 'exit 130' INT TERM

# keep_work_on_failure DIR WHAT: at exit, remove DIR if the script passed,
# else keep it and say so.
keep_work_on_failure() {
  on_exit "if [ \"\$EXIT_RC\" = 0 ]; then rm -rf '$1'; else echo '$2: work files kept in $1' >&2; fi"
}

stop_pid() {
  if kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}

# wait_http URL PID LOG: until URL answers (any HTTP status), or PID died.
wait_http() {
  for _ in $(seq 1 100); do
    if ! kill -0 "$2" 2>/dev/null; then
      echo "the server for $1 exited; its log:" >&2
      cat "$3" >&2
      return 1
    fi
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "no answer from $1 after 10s; see $3" >&2
  return 1
}

# free_port prints a loopback port nothing listens on (the server started on
# it is checked to be ours afterwards).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  fail "no free port found on 127.0.0.1"
}

# start_mirror generates the bundled Alpine-format repository (deterministic)
# and serves it on MIRROR_ADDR until the script exits.
start_mirror() {
  mkdir -p "$E2E_WORK"
  log "generating the bundled mirror in ${E2E_WORK#"$PWD"/}/mirror"
  rm -rf "$E2E_WORK/mirror"
  go run ./tools/cmd/testmirror generate --out "$E2E_WORK/mirror"
  go build -o "$E2E_WORK/mirror-server" ./tools/cmd/testmirror
  # Another checkout may already serve the same (deterministic) mirror on the
  # fixed port: reuse it when its bytes are ours, refuse when they differ.
  if curl -fsS -o "$E2E_WORK/served-index" "http://$MIRROR_ADDR/x86_64/APKINDEX.tar.gz" 2>/dev/null; then
    cmp -s "$E2E_WORK/served-index" "$E2E_WORK/mirror/x86_64/APKINDEX.tar.gz" ||
      fail "port $MIRROR_ADDR serves a different mirror: stop that server (the locks name this port)"
    log "reusing the identical mirror already served on http://$MIRROR_ADDR"
    return 0
  fi
  log "serving it on http://$MIRROR_ADDR"
  "$E2E_WORK/mirror-server" serve --dir "$E2E_WORK/mirror" --addr "$MIRROR_ADDR" 2>"$E2E_WORK/mirror.log" &
  MIRROR_PID=$!
  on_exit stop_mirror
  wait_http "http://$MIRROR_ADDR/x86_64/APKINDEX.tar.gz" "$MIRROR_PID" "$E2E_WORK/mirror.log" ||
    fail "the bundled mirror did not come up on $MIRROR_ADDR"
}

# stop_mirror: stops the mirror this script started (at exit, or earlier).
stop_mirror() {
  [ -z "${MIRROR_PID:-}" ] || stop_pid "$MIRROR_PID"
  MIRROR_PID=
}

# start_registry DIR: Debian's docker-registry (distribution) storing under
# DIR; sets REGISTRY=127.0.0.1:PORT.
start_registry() {
  local dir=$1 port pid
  port=$(free_port)
  mkdir -p "$dir/storage"
  cat > "$dir/config.yml" <<CFG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CFG
  timeout "$SERVER_TIMEOUT" docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  pid=$!
  on_exit "stop_pid $pid"
  wait_http "http://127.0.0.1:$port/v2/" "$pid" "$dir/registry.log" || fail "docker-registry did not come up"
  REGISTRY=127.0.0.1:$port
  log "docker-registry $(docker-registry --version | awk '{print $3}') on http://$REGISTRY"
}

# start_remote_cache DIR: nginx with WebDAV PUT as a Bazel HTTP cache, storing
# under DIR/store; sets REMOTE_CACHE=http://127.0.0.1:PORT.
start_remote_cache() {
  local dir=$1 port pid
  port=$(free_port)
  mkdir -p "$dir/store" "$dir/tmp"
  sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$dir|g" e2e/nginx/remote-cache.conf.in > "$dir/nginx.conf"
  timeout "$SERVER_TIMEOUT" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/nginx.out" 2>&1 &
  pid=$!
  on_exit "stop_pid $pid"
  wait_http "http://127.0.0.1:$port/" "$pid" "$dir/error.log" || fail "nginx did not come up"
  # The cache must really store what is PUT: a Bazel build would only warn.
  echo probe > "$dir/probe"
  curl -fsS -T "$dir/probe" "http://127.0.0.1:$port/cas/probe"
  curl -fsS "http://127.0.0.1:$port/cas/probe" | grep -qx probe || fail "the nginx cache does not keep what is PUT"
  REMOTE_CACHE=http://127.0.0.1:$port
  log "nginx $(nginx -v 2>&1 | sed 's|.*/||') WebDAV remote cache on $REMOTE_CACHE"
}
