#!/usr/bin/env bash
# The Bazel end-to-end suite (make e2e): serve the bundled mirror on
# 127.0.0.1, lock against it, build the eight-platform musl-dynamic index and
# the c_hello example with the real Bazel, and check every platform's layers
# and config against the expected listings in e2e/expected/. Then run hello
# inside the amd64 image (chroot) and, under qemu-user, inside the others.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh

start_mirror

log "re-locking against the bundled mirror: the lock must not change"
cp e2e/bundled.lock.json "$E2E_WORK/bundled.lock.json.before"
$BAZEL run //e2e:musl_dynamic.lock
if ! cmp -s "$E2E_WORK/bundled.lock.json.before" e2e/bundled.lock.json; then
  diff -u "$E2E_WORK/bundled.lock.json.before" e2e/bundled.lock.json || true
  echo "FAIL: locking the deterministic mirror changed e2e/bundled.lock.json" >&2
  exit 1
fi

log "building //e2e:musl_dynamic and //examples/c_hello"
$BAZEL build //e2e:musl_dynamic //examples/c_hello
bin=$($BAZEL info bazel-bin 2>/dev/null)

log "checking every platform against the expected listings"
go run ./e2e/check --layout "$bin/e2e/musl_dynamic" --expected e2e/expected/musl_dynamic
go run ./e2e/check --layout "$bin/examples/c_hello/c_hello" --expected e2e/expected/c_hello

log "running /hello inside the images"
declare -A qemu=([linux-386]=qemu-i386-static
  [linux-arm64]=qemu-aarch64-static [linux-arm-v6]=qemu-arm-static [linux-arm-v7]=qemu-arm-static
  [linux-ppc64le]=qemu-ppc64le-static [linux-s390x]=qemu-s390x-static)
declare -A apkarch=([linux-amd64]=x86_64 [linux-386]=x86 [linux-arm64]=aarch64 [linux-arm-v6]=armhf
  [linux-arm-v7]=armv7 [linux-ppc64le]=ppc64le [linux-s390x]=s390x)
ran=0
for p in linux-amd64 linux-386 linux-arm64 linux-arm-v6 linux-arm-v7 linux-ppc64le linux-s390x; do
  root="$E2E_WORK/rootfs/$p"
  rm -rf "$root" && mkdir -p "$root"
  go run ./e2e/check --layout "$bin/examples/c_hello/c_hello" --unpack "$p" --into "$root"
  want="hello from musl-dynamic (${apkarch[$p]})"
  if [ "$p" = linux-amd64 ]; then
    got=$(chroot "$root" /hello)
  else
    # The image's own loader runs the binary: -L makes qemu look up
    # /lib/ld-musl-*.so.1 inside the unpacked image.
    got=$("${qemu[$p]}" -L "$root" "$root/hello")
  fi
  if [ "$got" != "$want" ]; then
    echo "FAIL: $p: /hello printed '$got', want '$want'" >&2
    exit 1
  fi
  echo "  $p: $got"
  ran=$((ran + 1))
done
echo "e2e: $ran passed, 0 failed"
