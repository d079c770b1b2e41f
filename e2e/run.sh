#!/usr/bin/env bash
# The Bazel end-to-end suite (make e2e): serve the bundled mirror on
# 127.0.0.1, lock against it, build the eight-platform musl-dynamic index and
# the c_hello example with the real Bazel, and check every platform's layers
# and config against the expected listings in e2e/expected/ (their
# golden_test targets, e2e/check/listing_test.bzl). Then run hello
# inside all eight images: amd64 in a chroot, the others under qemu-user
# (arm/v6 on an emulated ARMv6 CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/hello_runs.sh

start_mirror

log "re-locking against the bundled mirror: the lock must not change"
cp e2e/bundled.lock.json "$E2E_WORK/bundled.lock.json.before"
$BAZEL run @bundled_apks//:lock
diff -u "$E2E_WORK/bundled.lock.json.before" e2e/bundled.lock.json >&2 ||
  fail "locking the deterministic mirror changed e2e/bundled.lock.json"
# The same staleness rule from the runnable target: nothing fetched.
$BAZEL run @bundled_apks//:lock -- --check 2>&1 | tee "$E2E_WORK/lock-check.log"
grep -q "bundled.lock.json is current" "$E2E_WORK/lock-check.log" ||
  fail "bazel run @bundled_apks//:lock -- --check did not say the lock is current"

log "building //e2e:musl_dynamic and //examples/c_hello"
$BAZEL build //e2e:musl_dynamic //examples/c_hello
bin=$($BAZEL info bazel-bin 2>/dev/null)

log "checking every platform against the expected listings (golden_test targets)"
$BAZEL test //e2e:golden_test //examples/c_hello:golden_test

log "running /hello inside the eight images"
run_hellos "$bin/examples/c_hello/c_hello"
echo "e2e: 8 passed, 0 failed"
