# shellcheck shell=bash
# The remote-execution server of e2e/remote.sh: Bazel's own REAPI worker
# (Debian's bazel-bootstrap-source, compiled once and cached), in a network
# namespace of its own that can reach nothing, behind socat on 127.0.0.1.
# Needs e2e/lib.sh (on_exit, free_port, SERVER_TIMEOUT) and root (ip netns).

A_SERVER_JAR=/usr/share/bazel/A-server.jar
WORKER_SRC=/usr/src/bazel-bootstrap/src/tools/remote/src/main/java/com/google/devtools/build/remote/worker

# worker_classes: compiles the worker against the jar of Debian's Bazel
# (grpc, netty, protobuf and the REAPI protos are in it) into the project's
# cache, keyed by the two packages' versions; prints the classes directory.
worker_classes() {
  local key dir tmp
  key=$(dpkg-query -W -f='${Package}=${Version};' bazel-bootstrap bazel-bootstrap-source 2>/dev/null | tr ';' '\n' | sha256sum | cut -c1-16)
  dir=$E2E_CACHE/remote-worker/$key
  if [ ! -f "$dir/.done" ]; then
    { [ -d "$WORKER_SRC" ] && [ -f "$A_SERVER_JAR" ]; } ||
      fail "Bazel's remote worker sources ($WORKER_SRC) or $A_SERVER_JAR are missing: run tools/setup.sh"
    log "compiling Bazel's remote worker into ${dir/#$HOME/\~}"
    mkdir -p "$E2E_CACHE/remote-worker"
    tmp=$(mktemp -d "$E2E_CACHE/remote-worker/.tmp.XXXXXX")
    if ! timeout 600 javac -nowarn -encoding UTF-8 -d "$tmp" -cp "$A_SERVER_JAR" \
      "$WORKER_SRC"/*.java "$WORKER_SRC"/http/*.java >"$tmp.log" 2>&1; then
      cat "$tmp.log" >&2
      rm -rf "$tmp" "$tmp.log"
      fail "javac could not compile Bazel's remote worker from $WORKER_SRC"
    fi
    touch "$tmp/.done"
    rm -rf "$dir" "$tmp.log"
    mv "$tmp" "$dir"
  fi
  echo "$dir"
}

# hidden_paths: what the worker must not see. Actions get their inputs from
# Bazel, never from the host: the workspace and every checkout, the output
# bases, $HOME (Bazel's caches, the Go module cache, the project's cache),
# the Go installations and Debian's Bazel repositories (skylib, rules_java,
# ...) are all covered with empty tmpfs in the worker's mount namespace.
hidden_paths() {
  local p
  for p in "$PWD" /work "$HOME" "$@" /usr/lib/go-* /usr/local/go "$(go env GOROOT 2>/dev/null)" \
    /usr/share/bazel/{tools,rules,platforms,embedded_tools,builtins_bzl}; do
    [ -n "$p" ] && [ -d "$p" ] && [ "$p" != / ] && echo "$p"
  done | LC_ALL=C sort -u | awk '{ for (h in seen) if (index($0, h "/") == 1) next; seen[$0] = 1; print }'
}

# start_remote_executor DIR [HIDE...]: the worker, keeping its CAS and work
# directories under DIR (which must not be inside a hidden path), in the
# network namespace md-remote-$$, bridged to 127.0.0.1:PORT by socat; sets
# REMOTE_EXECUTOR=grpc://127.0.0.1:PORT. HIDE: more paths to hide.
start_remote_executor() {
  local dir=$1 classes port ns=md-remote-$$ p mounts=""
  shift
  classes=$(worker_classes) || return 1
  mkdir -p "$dir/cas" "$dir/work"
  # The classes move next to the worker: the project's cache gets hidden.
  cp -r "$classes" "$dir/classes"
  while read -r p; do
    case $dir/ in "$p"/*) fail "the worker's directory $dir is inside $p, which the worker must not see" || return 1 ;; esac
    mounts+="mount -t tmpfs -o size=1m,mode=0755 none '$p' && "
  done < <(hidden_paths "$@")
  port=$(free_port) || return 1

  ip netns add "$ns" || fail "ip netns add $ns failed: the remote-execution test needs root and network namespaces"
  on_exit "ip netns delete $ns"
  ip netns exec "$ns" ip link set lo up
  # unshare: a mount namespace of its own for the tmpfs mounts.
  timeout "$SERVER_TIMEOUT" ip netns exec "$ns" unshare --mount --propagation private \
    sh -c "${mounts}exec java -Xmx1g -cp '$dir/classes:$A_SERVER_JAR' \
      com.google.devtools.build.remote.worker.RemoteWorker \
      --work_path='$dir/work' --cas_path='$dir/cas' --listen_port=$port --jobs=2" \
    >"$dir/worker.log" 2>&1 &
  WORKER_PID=$!
  on_exit "stop_pid $WORKER_PID"
  local up=
  for _ in $(seq 1 300); do
    kill -0 "$WORKER_PID" 2>/dev/null || break
    if ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  if [ -z "$up" ]; then
    cat "$dir/worker.log" >&2
    fail "Bazel's remote worker did not listen on port $port in $ns within 30s (log above)"
  fi
  # Bazel, the mirror and the Go proxy stay outside: only this port leads in.
  timeout "$SERVER_TIMEOUT" socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" \
    EXEC:"ip netns exec $ns socat STDIO TCP\:127.0.0.1\:$port" 2>"$dir/socat.log" &
  SOCAT_PID=$!
  on_exit "stop_pid $SOCAT_PID"
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  REMOTE_EXECUTOR=grpc://127.0.0.1:$port
  log "Bazel's remote worker in netns $ns behind $REMOTE_EXECUTOR; hidden from it: $(hidden_paths "$@" | tr '\n' ' ')"
}

# check_all_remote EXEC_LOG SUMMARY: every spawn of the execution log ran on
# the remote executor, the 17 image actions among them, and Bazel's process
# summary ("N processes: X internal, Y remote.") has no other kind of
# process and counts the same spawns.
check_all_remote() {
  local spawns image other kinds remote
  spawns=$(jq -s 'length' "$1")
  image=$(jq -s '[.[] | select(.mnemonic | test("^(ApkLayer|OciImage|OciIndex)$"))] | length' "$1")
  other=$(jq -r -s '.[] | select(.runner != "remote") | "  \(.mnemonic) ran on \(.runner // "?"): \(.progressMessage)"' "$1")
  [ "$spawns" -gt 0 ] || fail "remote: the execution log $1 lists no spawn"
  [ -z "$other" ] || fail "remote: spawns that did not run on the remote executor:
$other" || return 1
  [ "$image" = 17 ] || fail "remote: the execution log has $image image actions, want 17 (8 ApkLayer, 8 OciImage, 1 OciIndex)"
  kinds=$(sed -E 's/^INFO: [0-9]+ processes: //; s/\.$//; s/, /\n/g' <<<"$2" | awk '$2 != "internal" && $2 != "remote"')
  [ -z "$kinds" ] || fail "remote: Bazel ran processes that were not remote: '$2'"
  remote=$(grep -oE '[0-9]+ remote' <<<"$2" | cut -d' ' -f1)
  [ "${remote:-0}" = "$spawns" ] || fail "remote: Bazel's summary '$2' counts ${remote:-0} remote processes, the execution log $spawns spawns"
  echo "  all $spawns spawns ran remotely ($image image actions; runners: $(jq -r -s '[.[].runner] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$1"))"
}

# check_no_host_paths AQUERY_JSON PATH...: no argument (param files
# included) or environment value of any action names one of the PATHs (at a
# path boundary). The absolute paths actions do name are listed, to read.
check_no_host_paths() {
  local out=$1 lines=${1%.json}.lines bad
  shift
  remote_bazel aquery "${FLAGS[@]}" --include_param_files "deps($TARGET)" --output=jsonproto >"$out" 2>"$out.err" ||
    { cat "$out.err" >&2; fail "remote: bazel aquery failed"; }
  jq -r '.actions[] | .mnemonic as $m | ((.arguments // [])[], ((.environmentVariables // [])[] | .key + "=" + .value),
    ((.paramFiles // [])[] | .arguments[])) | "\($m)\t\(.)"' "$out" >"$lines"
  bad=$(printf '%s\n' "$@" | awk -F'\t' '
    NR == FNR { if ($0 != "") paths[$0] = 1; next }
    { for (p in paths) { s = $2; off = 0
        while ((i = index(s, p)) > 0) {
          before = (off + i > 1) ? substr($2, off + i - 1, 1) : ""
          after = substr(s, i + length(p), 1)
          if (before !~ /[A-Za-z0-9_.-]/ && (after == "" || after ~ /[\/:= ,;]/)) { print "  " $1 ": " $2 " (names " p ")"; break }
          s = substr(s, i + 1); off += i
        } } }' - "$lines" | sort -u)
  [ -z "$bad" ] || fail "remote: actions name host paths (their results would depend on this machine):
$bad" || return 1
  echo "  $(jq '.actions | length' "$out") actions, none names the workspace, an output base, \$HOME or a Go installation"
  echo "  absolute paths they do name: $(grep -oE '(^|[^A-Za-z0-9_./-])/[A-Za-z0-9_.+-][A-Za-z0-9_./+-]*' <(cut -f2 "$lines") | sed -E 's/^[^\/]//' | sort | uniq -c | sort -rn | awk '{printf "%s (%s) ", $2, $1}')"
}
