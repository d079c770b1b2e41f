#!/usr/bin/env bash
# make demo: the README's main job on a fresh machine. Serves the bundled
# mirror, locks against it, builds the eight-platform musl-dynamic index and
# the c_hello example with Bazel, runs /hello inside the amd64 image (chroot)
# and the arm64 image (qemu-user, with the image's own loader), and prints the
# index layout's path as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh

start_mirror
log "locking musl, alpine-baselayout-data, ca-certificates-bundle for 8 architectures"
$BAZEL run //e2e:musl_dynamic.lock 2>&1 | grep -E '^(lock:|//e2e)' >&2 || true
log "building the eight-platform index and the c_hello example"
$BAZEL build //e2e:musl_dynamic //examples/c_hello >&2
stop_mirror
bin=$($BAZEL info bazel-bin 2>/dev/null)

for p in linux-amd64 linux-arm64; do
  root="$E2E_WORK/rootfs/$p"
  rm -rf "$root" && mkdir -p "$root"
  go run ./e2e/check --layout "$bin/examples/c_hello/c_hello" --unpack "$p" --into "$root"
  if [ "$p" = linux-amd64 ]; then
    log "chroot into the unpacked amd64 image: /hello"
    chroot "$root" /hello >&2
  elif command -v qemu-aarch64-static >/dev/null; then
    log "the arm64 image under qemu-aarch64-static, with the image's loader: /hello"
    qemu-aarch64-static -L "$root" "$root/hello" >&2
  fi
done

log "the index: $(grep -o 'sha256:[0-9a-f]*' "$bin/e2e/musl_dynamic/index.json" | head -1)"
go run ./e2e/check --layout "$bin/e2e/musl_dynamic" --expected e2e/expected/musl_dynamic >&2
echo "bazel-bin/e2e/musl_dynamic"
