#!/usr/bin/env bash
# make demo: the README's main job on a fresh machine. Serves the bundled
# mirror, locks against it, builds the eight-platform musl-dynamic index and
# the c_hello example with Bazel, runs /hello inside every one of the eight
# images (chroot for amd64, qemu-user with the image's own loader for the
# rest; see e2e/hello_runs.sh) printing one line per platform, and prints the index
# layout's path as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/hello_runs.sh

start_mirror
log "locking musl, alpine-baselayout-data, ca-certificates-bundle for 8 architectures"
$BAZEL run @bundled_apks//:lock 2>&1 | grep -E '^(lock:|@bundled_apks)' >&2 || true
log "building the eight-platform index and the c_hello example"
$BAZEL build //e2e:musl_dynamic //examples/c_hello >&2
stop_mirror
bin=$($BAZEL info bazel-bin 2>/dev/null)

log "/hello inside each of the eight images"
run_hellos "$bin/examples/c_hello/c_hello" >&2

log "the index: $(grep -o 'sha256:[0-9a-f]*' "$bin/e2e/musl_dynamic/index.json" | head -1)"
e2e_check --layout "$bin/e2e/musl_dynamic" --expected e2e/expected/musl_dynamic >&2
echo "bazel-bin/e2e/musl_dynamic"
