# shellcheck shell=bash
# Shared by e2e/clients.sh and e2e/repro.sh: servers on 127.0.0.1 that the
# calling script starts and stops. Each start_* registers its stop with
# on_exit; call servers_trap once, after anything else that sets a trap.
E2E_CACHE=${MUSL_DYNAMIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/musl-dynamic}
export PATH="$E2E_CACHE/bin:$PATH" # crane, syft (tools/setup.sh)
SERVER_TIMEOUT=${SERVER_TIMEOUT:-1800} # seconds; a server never outlives this

_exit_cmds=()
on_exit() { _exit_cmds+=("$1"); }
_run_exit() {
  # shellcheck disable=SC2034 # read by the on_exit commands, which eval sees
  EXIT_RC=$?
  local i
  for ((i = ${#_exit_cmds[@]} - 1; i >= 0; i--)); do eval "${_exit_cmds[$i]}" || true; done
}
servers_trap() { trap _run_exit EXIT; trap 'exit 130' INT TERM; }

# free_port prints a loopback port nothing listens on (the server started on
# it is checked to be ours afterwards).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "no free port found on 127.0.0.1" >&2
  return 1
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

stop_pid() {
  if kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}

# start_registry DIR: Debian's docker-registry (distribution) storing under
# DIR; sets REGISTRY=127.0.0.1:PORT.
start_registry() {
  local dir=$1 port
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
  REGISTRY_PID=$!
  on_exit "stop_pid $REGISTRY_PID"
  wait_http "http://127.0.0.1:$port/v2/" "$REGISTRY_PID" "$dir/registry.log"
  REGISTRY=127.0.0.1:$port
  log "docker-registry $(docker-registry --version | awk '{print $3}') on http://$REGISTRY"
}

# start_remote_cache DIR: nginx with WebDAV PUT as a Bazel HTTP cache, storing
# under DIR/store; sets REMOTE_CACHE=http://127.0.0.1:PORT.
start_remote_cache() {
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$dir/store" "$dir/tmp"
  sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$dir|g" e2e/nginx/remote-cache.conf.in > "$dir/nginx.conf"
  timeout "$SERVER_TIMEOUT" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/nginx.out" 2>&1 &
  CACHE_PID=$!
  on_exit "stop_pid $CACHE_PID"
  wait_http "http://127.0.0.1:$port/" "$CACHE_PID" "$dir/error.log"
  # The cache must really store what is PUT: a Bazel build would only warn.
  echo probe > "$dir/probe"
  curl -fsS -T "$dir/probe" "http://127.0.0.1:$port/cas/probe"
  curl -fsS "http://127.0.0.1:$port/cas/probe" | grep -qx probe
  REMOTE_CACHE=http://127.0.0.1:$port
  log "nginx $(nginx -v 2>&1 | sed 's|.*/||') WebDAV remote cache on $REMOTE_CACHE"
}
