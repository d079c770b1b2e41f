# shellcheck shell=bash
# Shared by e2e/run.sh and e2e/demo.sh: the bundled mirror's life cycle.
# The lock files under e2e/ name this address, so the port is fixed.
MIRROR_ADDR=127.0.0.1:18473
E2E_WORK=${E2E_WORK:-$PWD/e2e/work}
BAZEL=${BAZEL:-bazel}

log() { echo "==> $*" >&2; }

# start_mirror generates the bundled Alpine-format repository (deterministic)
# and serves it on MIRROR_ADDR until the calling script exits.
start_mirror() {
  mkdir -p "$E2E_WORK"
  log "generating the bundled mirror in ${E2E_WORK#"$PWD"/}/mirror"
  rm -rf "$E2E_WORK/mirror"
  go run ./tools/cmd/testmirror generate --out "$E2E_WORK/mirror"
  go build -o "$E2E_WORK/mirror-server" ./tools/cmd/testmirror
  # Another checkout may already serve the same (deterministic) mirror on the
  # fixed port: reuse it when its bytes are ours, refuse when they differ.
  if curl -fsS -o "$E2E_WORK/served-index" "http://$MIRROR_ADDR/x86_64/APKINDEX.tar.gz" 2>/dev/null; then
    if cmp -s "$E2E_WORK/served-index" "$E2E_WORK/mirror/x86_64/APKINDEX.tar.gz"; then
      log "reusing the identical mirror already served on http://$MIRROR_ADDR"
      return 0
    fi
    echo "port $MIRROR_ADDR serves a different mirror: stop that server (the locks name this port)" >&2
    return 1
  fi
  log "serving it on http://$MIRROR_ADDR"
  "$E2E_WORK/mirror-server" serve --dir "$E2E_WORK/mirror" --addr "$MIRROR_ADDR" 2>"$E2E_WORK/mirror.log" &
  MIRROR_PID=$!
  trap stop_mirror EXIT
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://$MIRROR_ADDR/x86_64/APKINDEX.tar.gz"; then return 0; fi
    sleep 0.1
  done
  echo "the bundled mirror did not come up on $MIRROR_ADDR; see $E2E_WORK/mirror.log" >&2
  return 1
}

stop_mirror() {
  if [ -n "${MIRROR_PID:-}" ]; then
    kill "$MIRROR_PID" 2>/dev/null || true
    wait "$MIRROR_PID" 2>/dev/null || true
    MIRROR_PID=
  fi
}
