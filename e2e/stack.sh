#!/usr/bin/env bash
# Stacking (make e2e): //examples/stack installs hello (and musl, its
# dependency) on //e2e:musl_dynamic_image, which already has packages.
# Checked with real clients on the amd64 image: umoci unpack, then the
# merged /lib/apk/db/installed and /etc/apk/world list both sets, each
# package once; syft scanning the OCI layout sees exactly both sets; the
# image's SBOM is valid (tools-golang), names the image's digest and its
# base's, and puts each package in the layer that holds its files (checked
# against the layer blobs); syft reads it back; /usr/bin/hello runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/checks.sh

W=$E2E_WORK/stack
rm -rf "$W" && mkdir -p "$W"
start_mirror

$BAZEL build --output_groups=+sboms //examples/stack //e2e:musl_dynamic
bin=$($BAZEL info bazel-bin 2>/dev/null)
L=$bin/examples/stack/stack
p=linux-amd64
read -r digest os arch variant < <(index_platforms "$L")
[ "$os/$arch$variant" = linux/amd64 ] || fail "//examples/stack has $os/$arch$variant, want linux/amd64"

# The packages of the stack, as "name version", base first, in the order
# apk add appends them; musl is installed again by the stacked lock (the
# same package), so it keeps one record, the new layer's.
want_pkgs=$(printf '%s\n' "alpine-baselayout-data 3.6.8-r0" "ca-certificates-bundle 20241121-r0" "musl 1.2.3-r0" "hello 1.0-r0")
sorted() { sort <<<"$1"; }

log "stack: skopeo copy, umoci unpack, the merged apk database and world"
copy_platform "$L" "$p" "$digest" "$W/oci" "$os" "$arch" "$variant"
umoci_unpack "$W/oci" "$p" "$W/umoci"
r=$W/umoci/rootfs
got=$(awk -F: '$1 == "P" {n = $2} $1 == "V" {print n, $2}' "$r/lib/apk/db/installed")
[ "$got" = "$want_pkgs" ] || fail "/lib/apk/db/installed lists
$got
want
$want_pkgs"
world=$(tr '\n' ' ' < "$r/etc/apk/world")
[ "$world" = "alpine-baselayout-data ca-certificates-bundle hello musl " ] || fail "/etc/apk/world is '$world'"
out=$(chroot "$r" /usr/bin/hello)
[ "$out" = "hello from musl-dynamic (x86_64)" ] || fail "/usr/bin/hello printed '$out'"
echo "  installed: $(awk '{print $1}' <<<"$got" | tr '\n' ' '); world: $world; /usr/bin/hello: $out"

log "stack: syft scans the OCI layout and sees both sets"
syft scan "oci-dir:$W/oci" -o json -q > "$W/syft.json"
got=$(jq -r '.artifacts[] | select(.type == "apk") | .name + " " + .version + " " + .purl' "$W/syft.json" | sort)
purl() { echo "pkg:apk/alpine/$1@$2?arch=x86_64&distro=alpine-3.21.0${3:+&upstream=$3}"; }
want=$(sorted "$(printf '%s\n' \
  "alpine-baselayout-data 3.6.8-r0 $(purl alpine-baselayout-data 3.6.8-r0 alpine-baselayout)" \
  "ca-certificates-bundle 20241121-r0 $(purl ca-certificates-bundle 20241121-r0 ca-certificates)" \
  "musl 1.2.3-r0 $(purl musl 1.2.3-r0)" \
  "hello 1.0-r0 $(purl hello 1.0-r0)")")
[ "$got" = "$want" ] || { diff -u <(echo "$want") <(echo "$got") >&2; fail "syft's packages differ (- want, + syft)"; }
echo "  syft: $(awk '{print $1}' <<<"$got" | tr '\n' ' ')"

log "stack: the image's SBOM (SPDX validator, digests, packages by layer, syft)"
out=$($BAZEL info output_path 2>/dev/null)
f=$(grep -l "\"$digest\"" "$out"/*/bin/examples/stack/image/sbom.spdx.json | head -1)
[ -n "$f" ] || fail "no SBOM of //examples/stack:image names its manifest digest $digest"
spdx=$W/spdxcheck
(cd e2e/spdxcheck && go build -o "$spdx" .)
"$spdx" --contains 4 "$f"
# The base: //e2e:musl_dynamic's amd64 image, as the manifest's base.digest
# annotation says too.
base=$(index_platforms "$bin/e2e/musl_dynamic" | awk '$3 == "amd64" {print $1}')
ann=$(jq -r '.annotations["org.opencontainers.image.base.digest"]' "$(blob "$L" "$digest")")
[ "$ann" = "$base" ] || fail "the manifest's base.digest is $ann, //e2e:musl_dynamic's amd64 image is $base"
jq -e --arg d "$digest" --arg b "$base" '
  (.packages[] | select(.SPDXID == "SPDXRef-Image") | .versionInfo == $d) and
  (.packages[] | select(.SPDXID == "SPDXRef-BaseImage") | .name == "//e2e:musl_dynamic_image" and .versionInfo == $b) and
  ([.relationships[] | select(.relationshipType == "DESCENDANT_OF")] == [{spdxElementId: "SPDXRef-Image", relationshipType: "DESCENDANT_OF", relatedSpdxElement: "SPDXRef-BaseImage"}])' \
  "$f" >/dev/null || fail "$f does not name the image $digest and its base $base"
# Each package's layer (by the SBOM) holds the package's files.
declare -A FILE_OF=([alpine-baselayout-data]=etc/os-release [ca-certificates-bundle]=etc/ssl/certs/ca-certificates.crt
  [musl]=lib/ld-musl-x86_64.so.1 [hello]=usr/bin/hello)
layers=$(jq -r '.packages[] | select(.SPDXID | startswith("SPDXRef-Layer-")) | .SPDXID + " " + .versionInfo' "$f")
by_layer=$(jq -r '.relationships[] | select(.spdxElementId | startswith("SPDXRef-Layer-")) | .spdxElementId + " " + .relatedSpdxElement' "$f")
[ "$(wc -l <<<"$by_layer")" = 4 ] || fail "the SBOM puts $(wc -l <<<"$by_layer") packages in layers, want 4"
while read -r lid pid; do
  name=${pid#SPDXRef-Package-}
  ld=$(awk -v l="$lid" '$1 == l {print $2}' <<<"$layers")
  tar -tzf "$(blob "$W/oci" "$ld")" > "$W/layer.txt"
  grep -qxF "${FILE_OF[$name]}" "$W/layer.txt" ||
    fail "the SBOM puts $name in $lid ($ld), which lacks /${FILE_OF[$name]}"
  echo "  $name in $lid: it holds /${FILE_OF[$name]}"
done <<<"$by_layer"
# The SBOM's purls name the origin even when it is the package's name.
want=$(sed -e 's|^\(musl .*\)$|\1\&upstream=musl|' -e 's|^\(hello .*\)$|\1\&upstream=hello|' <<<"$want")
got=$(syft convert "$f" -o json 2>/dev/null | jq -r '.artifacts[] | select(.type == "apk") | .name + " " + .version + " " + .purl' | sort)
[ "$got" = "$want" ] || { diff -u <(echo "$want") <(echo "$got") >&2; fail "syft reads other packages from the SBOM (- want, + syft)"; }
echo "  SBOM valid; image $digest DESCENDANT_OF base $base; syft reads the 4 packages back"
