# shellcheck shell=bash
# Checks shared by the e2e scripts that use real clients (clients.sh,
# repro.sh, features.sh, sign.sh, ...). Each ends the script with fail
# (e2e/lib.sh: FAIL: and what differs) on any difference.

# layout_digest DIR: the one descriptor's digest in DIR/index.json.
layout_digest() {
  local n
  n=$(jq '.manifests | length' "$1/index.json")
  [ "$n" = 1 ] || fail "$1/index.json lists $n manifests, want 1"
  jq -r '.manifests[0].digest' "$1/index.json"
}

blob() { echo "$1/blobs/${2/://}"; }

# expected_index_digest: the digest recorded in e2e/expected/INDEX_DIGEST.
expected_index_digest() { grep -v '^#' e2e/expected/INDEX_DIGEST | grep -m1 .; }

# check_index_digest DIR: the bundled-mirror index must keep its digest.
check_index_digest() {
  local got want
  got=$(layout_digest "$1") || return 1
  want=$(expected_index_digest)
  if [ "$got" != "$want" ]; then
    fail "the index digest changed: $got, recorded $want (e2e/expected/INDEX_DIGEST).
  Every output byte of the bundled-mirror build is pinned. If the change is
  intended, explain it in the commit, update e2e/expected/INDEX_DIGEST and the
  listings (go run ./e2e/check --layout $1 --expected e2e/expected/musl_dynamic --update)."
    return 1
  fi
  echo "  index digest $got as recorded"
}

# index_platforms DIR: "digest os architecture variant" per image of the
# index that DIR/index.json lists.
index_platforms() {
  local d
  d=$(layout_digest "$1") || return 1
  jq -r '.manifests[] | [.digest, .platform.os, .platform.architecture, (.platform.variant // "")] | @tsv' "$(blob "$1" "$d")"
}

# sha256_of FILE: "sha256:<hex>".
sha256_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }

# copy_platform LAYOUT P DIGEST OUT OS ARCH VARIANT: skopeo copies one
# platform out of the index into the layout OUT tagged P; the copy must keep
# the manifest's digest.
copy_platform() {
  local l=$1 p=$2 digest=$3 out=$4 os=$5 arch=$6 variant=$7 got
  mkdir -p "$(dirname "$out")"
  skopeo copy -q --override-os "$os" --override-arch "$arch" ${variant:+--override-variant "$variant"} \
    "oci:$l" "oci:$out:$p"
  got=$(jq -r --arg p "$p" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $p) | .digest' "$out/index.json")
  [ "$got" = "$digest" ] || fail "$p: skopeo copied manifest $got, the index lists $digest"
}

# umoci_unpack LAYOUT TAG DEST
umoci_unpack() {
  local rootless=()
  [ "$(id -u)" = 0 ] || rootless=(--rootless)
  umoci unpack "${rootless[@]}" --image "$1:$2" "$3" >/dev/null
}

# check_against_listing ROOTFS EXPECTED: what an unpacker wrote must be
# exactly the expected listing of a one-layer image (the base images):
# e2e/check --tree lists ROOTFS in the listing's own format.
check_against_listing() {
  e2e_check --tree "$1" --listing "$2" >/dev/null || fail "the unpacked $1 differs from $2 (- expected, + unpacked)"
}

# check_runtime_env BUNDLE_CONFIG LAYOUT P: umoci's runtime config carries
# the image's env and runs as root.
check_runtime_env() {
  local env
  env=$(skopeo inspect --config "oci:$2:$3" | jq -c '.config.Env')
  jq -e --argjson want "$env" '(.process.env as $e | $want | all(. as $x | $e | index($x))) and .process.user.uid == 0' "$1" >/dev/null ||
    fail "$3: umoci's config.json lacks the image env $env or is not root: $(jq -c '.process.env, .process.user' "$1")"
}

# Per OCI platform: the musl loader, readelf's machine/class/data, the apk
# arch (generated from the platform table).
source e2e/platforms.sh

# elf_kind FILE: "machine/class/data" from readelf.
elf_kind() {
  LC_ALL=C readelf -h "$1" | awk -F': *' '
    /^ *Machine:/ {m = $2} /^ *Class:/ {c = $2}
    /^ *Data:/ {d = ($2 ~ /little/) ? "little" : "big"}
    END {printf "%s/%s/%s\n", m, c, d}'
}

# check_loader ROOTFS P: /lib/ld-musl-<arch>.so.1 is there, executable, and
# an ELF for the platform.
check_loader() {
  local f=$1/lib/ld-musl-${PLATFORM_LOADER[$2]}.so.1 got
  { [ -f "$f" ] && [ -x "$f" ]; } || fail "$2: no executable loader at /lib/ld-musl-${PLATFORM_LOADER[$2]}.so.1"
  got=$(elf_kind "$f")
  [ "$got" = "${PLATFORM_ELF[$2]}" ] || fail "$2: the loader is $got, want ${PLATFORM_ELF[$2]}"
}

# check_hello_interp ROOTFS P: /hello asks for the platform's loader, which
# the image has, and both are ELFs for the platform.
check_hello_interp() {
  local interp want=/lib/ld-musl-${PLATFORM_LOADER[$2]}.so.1
  interp=$(LC_ALL=C readelf -l "$1/hello" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
  [ "$interp" = "$want" ] || fail "$2: /hello's ELF interpreter is '$interp', want $want"
  [ "$(elf_kind "$1/hello")" = "${PLATFORM_ELF[$2]}" ] || fail "$2: /hello is $(elf_kind "$1/hello"), want ${PLATFORM_ELF[$2]}"
  check_loader "$1" "$2" || return 1
  echo "  $2: /hello -> $interp ($(elf_kind "$1/hello"))"
}

# check_platform_layouts TARGET INDEX_LAYOUT: every single-platform layout
# (the OciImage outputs, found with aquery) is what rules_oci takes as an
# oci_image `base` (its documented contract; rules_oci itself cannot be
# fetched here): an OCI layout (1.0.0) of one OCI image manifest, which
# `crane push` takes as it is and `crane validate` accepts (every blob's
# digest and size, every diff_id), whose config names the platform the index
# lists it under; one per platform of the index. Needs $REGISTRY and $W.
check_platform_layouts() {
  local exec aq n=0 dir digest ref want got
  exec=$($BAZEL info execution_root 2>/dev/null)
  aq=$($BAZEL aquery "mnemonic(\"OciImage\", deps($1))" --output=jsonproto 2>/dev/null |
    jq -r '.actions[].arguments | . as $a | $a[($a | index("--out")) + 1]')
  for dir in $aq; do
    dir=$exec/$dir
    jq -e '.imageLayoutVersion == "1.0.0"' "$dir/oci-layout" >/dev/null || fail "$dir: oci-layout is not version 1.0.0"
    digest=$(layout_digest "$dir") || exit 1
    want=$(index_platforms "$2" | awk -F'\t' -v d="$digest" '$1 == d {print $2 "/" $3 "/" $4}')
    [ -n "$want" ] || fail "$dir: its image $digest is not in the index $2"
    ref=$(crane push "$dir" "$REGISTRY/bases:$n" 2>"$W/crane-push.log") || { cat "$W/crane-push.log" >&2; fail "crane push $dir"; }
    [ "$ref" = "$REGISTRY/bases@$digest" ] || fail "crane push $dir printed '$ref', want $REGISTRY/bases@$digest"
    crane validate --remote "$ref" >"$W/validate.log" 2>&1 || { cat "$W/validate.log" >&2; fail "crane validate --remote $ref ($dir)"; }
    crane manifest "$ref" | jq -e '.mediaType == "application/vnd.oci.image.manifest.v1+json"
      and .config.mediaType == "application/vnd.oci.image.config.v1+json"
      and all(.layers[]; .mediaType == "application/vnd.oci.image.layer.v1.tar+gzip")' >/dev/null ||
      fail "$dir: the manifest's media types are not OCI ones: $(crane manifest "$ref" | jq -c '[.mediaType, .config.mediaType, [.layers[].mediaType]]')"
    got=$(crane config "$ref" | jq -r '[.os, .architecture, (.variant // "")] | join("/")')
    [ "$got" = "$want" ] || fail "$dir: its config says $got, the index lists it as $want"
    n=$((n + 1))
  done
  [ "$n" = "$(index_platforms "$2" | wc -l)" ] || fail "found $n single-platform layouts for $1, the index has $(index_platforms "$2" | wc -l)"
  echo "  $n single-platform layouts: crane push and crane validate accept each, and the index lists it for its platform"
}

# check_syft LAYOUT P: syft finds exactly the packages of the lock for P's
# architecture, with the purls recorded in e2e/expected/syft.txt, and reads
# the distro from /etc/os-release.
check_syft() {
  local out=$W/syft-$2.json want got lock
  syft scan "oci-dir:$1" -o json -q > "$out"
  jq -e '.distro.id == "alpine" and .distro.versionID == "3.21.0"' "$out" >/dev/null ||
    fail "$2: syft saw the distro $(jq -c '.distro | [.id, .versionID]' "$out"), want alpine 3.21.0"
  got=$(jq -r --arg p "$2" '.artifacts[] | [$p, .type, .name, .version, .purl] | join(" ")' "$out" | sort)
  want=$(grep "^$2 " e2e/expected/syft.txt | sort)
  [ "$got" = "$want" ] || { diff -u <(echo "$want") <(echo "$got") >&2; fail "$2: syft's packages differ from e2e/expected/syft.txt (- expected, + syft)"; }
  lock=$(jq -r --arg a "${PLATFORM_APKARCH[$2]}" '.architectures[$a].packages[] | .name + " " + .version' e2e/bundled.lock.json | sort)
  [ "$(awk '{print $3, $4}' <<<"$got")" = "$lock" ] || fail "$2: syft's packages are not the lock's: $(awk '{print $3, $4}' <<<"$got" | tr '\n' ' ')vs $(tr '\n' ' ' <<<"$lock")"
}

# same_blobs A B WHAT: every blob of layout A is in layout B byte for byte,
# and B has no others.
same_blobs() {
  local a b
  a=$(cd "$1/blobs" && find . -type f | sort) b=$(cd "$2/blobs" && find . -type f | sort)
  [ "$a" = "$b" ] || { diff <(echo "$a") <(echo "$b") >&2; fail "$3: the blob sets differ"; }
  while read -r f; do
    cmp -s "$1/blobs/$f" "$2/blobs/$f" || fail "$3: blob $f differs"
  done <<<"$a"
}

# push_and_pull LAYOUT DIGEST: push with `bazel run //e2e:push` (go-
# containerregistry) and with skopeo to $REGISTRY; every tag must resolve to
# DIGEST (crane), validate (crane validate: every manifest, config and layer
# downloaded and checked), serve the same raw bytes (skopeo), and pull back
# (crane, skopeo) to exactly the layout's blobs.
push_and_pull() {
  local l=$1 want=$2 repo=$REGISTRY/musl-dynamic out ref got d os arch variant
  out=$($BAZEL run //e2e:push -- --repository "$repo:bazel" --tag bazel-2 2>"$W/push.log") ||
    { cat "$W/push.log" >&2; fail "bazel run //e2e:push failed"; }
  [ "$(tail -1 <<<"$out")" = "$repo@$want" ] || fail "bazel run //e2e:push printed '$out', want $repo@$want"
  echo "  bazel run //e2e:push -> $repo:bazel, :bazel-2"
  skopeo copy -q --all --preserve-digests --dest-tls-verify=false "oci:$l" "docker://$repo/skopeo:latest"
  echo "  skopeo copy --all -> $repo/skopeo:latest"
  for ref in "$repo:bazel" "$repo:bazel-2" "$repo/skopeo:latest"; do
    got=$(crane digest "$ref")
    [ "$got" = "$want" ] || fail "crane digest $ref = $got, want $want"
    crane validate --remote "$ref" >"$W/validate.log" 2>&1 || { cat "$W/validate.log" >&2; fail "crane validate --remote $ref"; }
    skopeo inspect --raw --tls-verify=false "docker://$ref" > "$W/raw"
    [ "$(sha256_of "$W/raw")" = "$want" ] || fail "skopeo inspect --raw $ref: the served index is not the layout's bytes"
    echo "  $ref: crane digest $got, crane validate ok, skopeo raw bytes ok"
  done
  while read -r d os arch variant; do
    crane manifest "$repo@$d" > "$W/raw"
    [ "$(sha256_of "$W/raw")" = "$d" ] || fail "crane manifest $repo@$d does not hash to $d"
    got=$(crane config "$repo@$d" | jq -r '[.os, .architecture, (.variant // "")] | join("/")')
    [ "$got" = "$os/$arch/$variant" ] || fail "$repo@$d: config platform $got, the index says $os/$arch/$variant"
  done < <(index_platforms "$l")
  crane pull --format oci "$repo:bazel" "$W/crane-pulled"
  [ "$(layout_digest "$W/crane-pulled")" = "$want" ] || fail "crane pull: index.json lists $(layout_digest "$W/crane-pulled"), want $want"
  same_blobs "$l" "$W/crane-pulled" "crane pull $repo:bazel" || return 1
  skopeo copy -q --all --src-tls-verify=false "docker://$repo/skopeo:latest" "oci:$W/skopeo-pulled:latest"
  [ "$(layout_digest "$W/skopeo-pulled")" = "$want" ] || fail "skopeo pull: index.json lists $(layout_digest "$W/skopeo-pulled"), want $want"
  same_blobs "$l" "$W/skopeo-pulled" "skopeo copy $repo/skopeo:latest" || return 1
  echo "  pulled back with crane and skopeo: the same $(find "$l/blobs" -type f | wc -l) blobs, byte for byte"
}
