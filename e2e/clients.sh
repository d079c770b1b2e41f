#!/usr/bin/env bash
# Real consumers of the musl-dynamic index (make e2e, after e2e/run.sh):
# skopeo copies every platform out of the index layout, umoci unpacks it,
# syft lists its packages, readelf checks loaders and /hello's interpreter;
# the per-platform layouts are checked against rules_oci's contract for a
# base; the index is pushed to Debian's docker-registry on 127.0.0.1 with
# skopeo and with `bazel run //e2e:push`, pulled back with crane and skopeo,
# validated with crane, and every digest compared. Fails on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/checks.sh

W=$E2E_WORK/clients
rm -rf "$W" && mkdir -p "$W"
start_mirror
# shellcheck disable=SC2016 # expanded when it runs, at exit
on_exit 'if [ "$EXIT_RC" = 0 ]; then rm -rf "$W"; else echo "clients: work files kept in $W" >&2; fi'

need skopeo umoci crane syft docker-registry jq readelf
log "clients: skopeo $(skopeo --version | awk '{print $3}'), umoci $(umoci --version | awk '{print $3}'), crane $(crane version), syft $(go version -m "$(command -v syft)" | awk '$1 == "mod" {print $3}'), docker-registry $(docker-registry --version | awk '{print $3}')"

$BAZEL build //e2e:musl_dynamic //examples/c_hello
bin=$($BAZEL info bazel-bin 2>/dev/null)
L=$bin/e2e/musl_dynamic
HELLO=$bin/examples/c_hello/c_hello

log "the index digest must be the recorded one (e2e/expected/INDEX_DIGEST)"
check_index_digest "$L"
INDEX=$(layout_digest "$L")

start_registry "$W/registry"

log "rules_oci's contract for a base, on every per-platform layout"
check_platform_layouts //e2e:musl_dynamic "$L"

log "skopeo copy, umoci unpack, syft and readelf on every platform"
n=0
while read -r digest os arch variant; do
  p=$os-$arch${variant:+-$variant}
  copy_platform "$L" "$p" "$digest" "$W/oci/$p" "$os" "$arch" "$variant"
  umoci_unpack "$W/oci/$p" "$p" "$W/umoci/$p"
  check_against_listing "$W/umoci/$p/rootfs" "e2e/expected/musl_dynamic/$p.txt"
  check_runtime_env "$W/umoci/$p/config.json" "$W/oci/$p" "$p"
  check_loader "$W/umoci/$p/rootfs" "$p"
  check_syft "$W/oci/$p" "$p"
  echo "  $p: skopeo copy, umoci unpack, listing, env, loader, syft ok"
  n=$((n + 1))
done < <(index_platforms "$L")
[ "$n" = 8 ] || fail "the index lists $n platforms, want 8"

log "/hello's ELF interpreter is the image's loader (c_hello, every platform)"
while read -r digest os arch variant; do
  p=$os-$arch${variant:+-$variant}
  copy_platform "$HELLO" "$p" "$digest" "$W/hello/$p" "$os" "$arch" "$variant"
  umoci_unpack "$W/hello/$p" "$p" "$W/hello-rootfs/$p"
  check_hello_interp "$W/hello-rootfs/$p/rootfs" "$p"
done < <(index_platforms "$HELLO")

log "pushing to docker-registry on 127.0.0.1 and pulling back"
push_and_pull "$L" "$INDEX"
echo "clients: all checks passed"
