#!/usr/bin/env bash
# What apko puts into an image, checked with real clients (make e2e):
# //examples/service:golden_test (e2e/expected/service/, listing_test),
# then each platform copied out with skopeo and unpacked with umoci: accounts (passwd,
# group, locked shadow, 0700 homes), the paths_tar entries and the
# permission change on the unpacked root; config fields and annotations
# with skopeo inspect; the index's annotations; service_app's base
# annotations; the SBOMs with the SPDX validator and syft;
# and a --stamp build whose annotations carry the git revision and the
# build time.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/checks.sh


W=$E2E_WORK/features
rm -rf "$W" && mkdir -p "$W"
start_mirror

$BAZEL build //examples/service //examples/service:service_app
bin=$($BAZEL info bazel-bin 2>/dev/null)
L=$bin/examples/service/service

log "service: listings against e2e/expected/service (//examples/service:golden_test)"
$BAZEL test //examples/service:golden_test

# line FILE TEXT: FILE has TEXT as one whole line.
line() { grep -qxF -- "$2" "$1" || fail "$1 lacks the line: $2"; }
# stat_is ROOT PATH 'MODE UID:GID': what the unpacked root has at PATH.
stat_is() {
  local got
  got=$(stat -c '%a %u:%g' "$1/$2")
  [ "$got" = "$3" ] || fail "/$2 is $got, want $3"
}

log "service: skopeo copy, umoci unpack, accounts, paths and permissions"
n=0
while read -r digest os arch variant; do
  p=$os-$arch${variant:+-$variant}
  copy_platform "$L" "$p" "$digest" "$W/oci/$p" "$os" "$arch" "$variant"
  umoci_unpack "$W/oci/$p" "$p" "$W/umoci/$p"
  r=$W/umoci/$p/rootfs
  line "$r/etc/passwd" "service:x:65532:65532::/home/service:/sbin/nologin"
  line "$r/etc/passwd" "helper:x:1000:1000::/srv/helper:/bin/sh"
  grep -q '^root:x:0:0:' "$r/etc/passwd" || fail "$p: root lost from /etc/passwd"
  line "$r/etc/group" "www:x:82:service,helper"
  line "$r/etc/group" "service:x:65532:"
  line "$r/etc/shadow" "service:!::0:::::"
  line "$r/etc/shadow" "helper:!::0:::::"
  stat_is "$r" etc/shadow "640 0:0"   # the shipped file keeps its mode and owner
  stat_is "$r" home/service "700 65532:65532"
  stat_is "$r" srv/helper "700 1000:1000"
  stat_is "$r" var/lib/service "750 65532:65532"
  stat_is "$r" var/lib/service/.keep "750 65532:65532"
  stat_is "$r" run/service "755 65532:65532"
  stat_is "$r" etc/service/service.conf "640 0:82"
  [ "$(stat -c %i "$r/etc/service/service.conf")" = "$(stat -c %i "$r/etc/service/default.conf")" ] ||
    fail "$p: /etc/service/default.conf is not a hard link of service.conf"
  [ "$(readlink "$r/usr/bin/service-data")" = "../../var/lib/service" ] || fail "$p: /usr/bin/service-data is not the symlink"

  cfg=$(skopeo inspect --config "oci:$W/oci/$p:$p")
  want='{"User":"65532:82","StopSignal":"SIGQUIT","Volumes":{"/var/lib/service":{}},"ExposedPorts":{"53/udp":{},"8080/tcp":{}},"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"]}'
  got=$(jq -cS '.config | {User, StopSignal, Volumes, ExposedPorts, Env}' <<<"$cfg")
  [ "$got" = "$(jq -cS . <<<"$want")" ] || fail "$p: config $got, want $want"
  jq -e '.process.user.uid == 65532 and .process.user.gid == 82' "$W/umoci/$p/config.json" >/dev/null ||
    fail "$p: umoci's runtime config does not run as 65532:82"
  ann=$(skopeo inspect --raw "oci:$W/oci/$p:$p" | jq -cS '.annotations')
  want='{"org.opencontainers.image.created":"1970-01-01T00:00:00Z","org.opencontainers.image.title":"musl-dynamic service example"}'
  [ "$ann" = "$want" ] || fail "$p: manifest annotations $ann, want $want"
  echo "  $p: accounts, paths, permissions, config and annotations ok"
  n=$((n + 1))
done < <(index_platforms "$L")
[ "$n" = 2 ] || fail "the service index lists $n platforms, want 2"

log "service: the index's annotations"
idx=$(skopeo inspect --raw "oci:$L" | jq -cS '.annotations')
want='{"org.opencontainers.image.created":"1970-01-01T00:00:00Z","org.opencontainers.image.source":"https://github.com/musl-dynamic/musl-dynamic"}'
[ "$idx" = "$want" ] || fail "index annotations $idx, want $want"
echo "  $idx"

log "service_app: base annotations name :image and its digest"
G=$bin/examples/service/service_app
declare -A BASE
while read -r digest os arch variant; do
  BASE[$os-$arch${variant:+-$variant}]=$digest
done < <(index_platforms "$L")
while read -r digest os arch variant; do
  p=$os-$arch${variant:+-$variant}
  m=$(jq -c '.annotations' "$(blob "$G" "$digest")")
  [ "$(jq -r '.["org.opencontainers.image.base.name"]' <<<"$m")" = "//examples/service:image" ] || fail "$p: base.name in $m"
  [ "$(jq -r '.["org.opencontainers.image.base.digest"]' <<<"$m")" = "${BASE[$p]}" ] || fail "$p: base.digest in $m, want ${BASE[$p]}"
done < <(index_platforms "$G")
echo "  service_app: base.name //examples/service:image, base.digest = :image's manifest on each platform"

log "SBOMs: the SPDX validator (tools-golang), digests, OS, layers, syft reads them back"
$BAZEL build --output_groups=sbom,sboms //examples/service //examples/service:service_app
spdx=$W/spdxcheck
(cd e2e/spdxcheck && go build -o "$spdx" .)
"$spdx" --contains 2 "$bin/examples/service/service.spdx.json"
jq -e --arg d "$(layout_digest "$L")" '.packages[] | select(.SPDXID == "SPDXRef-Index") | .versionInfo == $d' \
  "$bin/examples/service/service.spdx.json" >/dev/null || fail "the index SBOM does not carry the index digest"
out=$($BAZEL info output_path 2>/dev/null)
while read -r digest os arch variant; do
  p=$os-$arch${variant:+-$variant}
  f=$(grep -l "\"$digest\"" "$out"/*/bin/examples/service/image/sbom.spdx.json | head -1)
  [ -n "$f" ] || fail "$p: no image SBOM names the manifest digest $digest"
  "$spdx" --contains 6 "$f"
  jq -e --arg d "$digest" '
    (.packages[] | select(.SPDXID == "SPDXRef-Image") | .versionInfo == $d) and
    (.packages[] | select(.SPDXID == "SPDXRef-OperatingSystem") | .name == "alpine" and .versionInfo == "3.21.0") and
    ([.relationships[] | select(.relationshipType == "CONTAINS" and (.spdxElementId | startswith("SPDXRef-Layer-")))] | length == 3)' \
    "$f" >/dev/null || fail "$p: $f lacks the digest, the OS or the layer -> package relationships"
  got=$(syft convert "$f" -o json 2>/dev/null | jq -r '[.artifacts[] | select(.type == "apk") | .name + " " + .version + " " + .purl] | sort | .[]')
  want=$(printf '%s\n' \
    "alpine-baselayout-data 3.6.8-r0 pkg:apk/alpine/alpine-baselayout-data@3.6.8-r0?arch=${PLATFORM_APKARCH[$p]}&distro=alpine-3.21.0&upstream=alpine-baselayout" \
    "ca-certificates-bundle 20241121-r0 pkg:apk/alpine/ca-certificates-bundle@20241121-r0?arch=${PLATFORM_APKARCH[$p]}&distro=alpine-3.21.0&upstream=ca-certificates" \
    "musl 1.2.3-r0 pkg:apk/alpine/musl@1.2.3-r0?arch=${PLATFORM_APKARCH[$p]}&distro=alpine-3.21.0&upstream=musl")
  [ "$got" = "$want" ] || fail "$p: syft read from the SBOM:
$got
want
$want"
  echo "  $p: image SBOM valid (digest, OS, layers); syft reads the 3 packages with distro alpine-3.21.0"
done < <(index_platforms "$L")

log "service_app (on :image, no packages of its own): its own SBOM, each package in the base layer holding it"
declare -A FILE_OF=([alpine-baselayout-data]=etc/os-release [ca-certificates-bundle]=etc/ssl/certs/ca-certificates.crt [musl]=lib/ld-musl-)
while read -r digest os arch variant; do
  p=$os-$arch${variant:+-$variant}
  f=$(grep -l "\"$digest\"" "$out"/*/bin/examples/service/app/sbom.spdx.json | head -1)
  [ -n "$f" ] || fail "$p: no SBOM of :app names its manifest digest $digest"
  "$spdx" --contains 6 "$f"
  jq -e --arg d "$digest" --arg b "${BASE[$p]}" '
    (.packages[] | select(.SPDXID == "SPDXRef-Image") | .versionInfo == $d) and
    (.packages[] | select(.SPDXID == "SPDXRef-BaseImage") | .name == "//examples/service:image" and .versionInfo == $b) and
    (.packages[] | select(.SPDXID == "SPDXRef-OperatingSystem") | .versionInfo == "3.21.0") and
    any(.relationships[]; . == {spdxElementId: "SPDXRef-Image", relationshipType: "DESCENDANT_OF", relatedSpdxElement: "SPDXRef-BaseImage"})' \
    "$f" >/dev/null || fail "$p: $f does not name :app's digest $digest, its base ${BASE[$p]} and the OS"
  # max_layers = 3 on the base: musl and ca-certificates in layers of their
  # own, alpine-baselayout-data in the third. Each package's layer (by the
  # SBOM) must hold the package's files.
  by_layer=$(jq -r '(.packages | map({key: .SPDXID, value: .versionInfo}) | from_entries) as $v |
    .relationships[] | select(.spdxElementId | startswith("SPDXRef-Layer-")) |
    ($v[.spdxElementId]) + " " + (.relatedSpdxElement | ltrimstr("SPDXRef-Package-"))' "$f" | sort -k2)
  [ "$(awk '{print $1}' <<<"$by_layer" | sort -u | wc -l)" = 3 ] || fail "$p: :app's SBOM puts the packages in other than 3 layers:
$by_layer"
  while read -r ld name; do
    tar -tzf "$(blob "$G" "$ld")" > "$W/layer.txt"
    grep -q "^${FILE_OF[$name]}" "$W/layer.txt" || fail "$p: :app's SBOM puts $name in layer $ld, which lacks /${FILE_OF[$name]}"
  done <<<"$by_layer"
  echo "  $p: :app's SBOM: digest $digest, DESCENDANT_OF :image ${BASE[$p]}, 3 packages each in its own base layer"
done < <(index_platforms "$G")

log "service with --stamp: annotations from the workspace status"
rev=$(git rev-parse HEAD)
$BAZEL build --stamp --workspace_status_command=tools/workspace_status.sh //examples/service
d=$(index_platforms "$L" | awk 'NR == 1 {print $1}')
ann=$(jq -c '.annotations' "$(blob "$L" "$d")")
[ "$(jq -r '.["org.opencontainers.image.revision"]' <<<"$ann")" = "$rev" ] || fail "stamped revision: $ann, want $rev"
created=$(jq -r '.["org.opencontainers.image.created"]' <<<"$ann")
if [ "$created" = "1970-01-01T00:00:00Z" ] || [ "$(date -u -d "$created" +%s)" -le 1700000000 ]; then
  fail "stamped created is $created"
fi
iann=$(skopeo inspect --raw "oci:$L" | jq -c '.annotations')
[ "$(jq -r '.["org.opencontainers.image.revision"]' <<<"$iann")" = "$rev" ] || fail "stamped index revision: $iann"
echo "  revision $rev, created $created on the manifest and the index"
# Leave the unstamped outputs behind for the next scripts.
$BAZEL build //examples/service >/dev/null 2>&1
