# shellcheck shell=bash
# Checks of e2e/repro.sh that need a Bazel output base: in_base NAME CMD...
# runs Bazel there, W is the work directory, OUT[NAME] the built index.

# check_go_run NAME OS ARCH APKARCH: run the ApkLayer and OciImage actions of
# one platform again, outside Bazel, with apkimage built by the machine's Go
# (Bazel's is built with Go 1.19), on the same inputs (the actions' own
# arguments from aquery, in the execroot); layer, metadata, config and layout
# must be byte-identical to Bazel's.
check_go_run() {
  local name=$1 os=$2 arch=$3 apkarch=$4 exec q go=$W/go tool
  log "repro G: $os/$arch's layer and image rebuilt with $(go version | awk '{print $3}') outside Bazel"
  mkdir -p "$go"
  tool=$go/apkimage
  go build -o "$tool" ./tools/cmd/apkimage
  exec=$(in_base "$name" info execution_root 2>/dev/null)
  q=$(in_base "$name" aquery "${BUILD_FLAGS[@]}" "mnemonic(\"ApkLayer|OciImage\", deps($TARGET))" --output=jsonproto 2>/dev/null)
  # arguments[0] is Bazel's tool; --apk-arch (layer) and --platform (image)
  # tell the platforms apart.
  # shellcheck disable=SC2016 # jq variables, not shell ones
  local sel='.actions[] | select(.mnemonic == $m) | .arguments | select(.[index($f) + 1] == $a)'
  mapfile -t layer_args < <(jq -r --arg m ApkLayer --arg f --apk-arch --arg a "$apkarch" "$sel | .[1:][]" <<<"$q")
  mapfile -t image_args < <(jq -r --arg m OciImage --arg f --platform --arg a "$os/$arch" "$sel | .[1:][]" <<<"$q")
  ((${#layer_args[@]} && ${#image_args[@]})) || fail "repro G: aquery found no ApkLayer/OciImage action for $apkarch/$arch"
  # Outputs go to $go instead (same base names); inputs stay Bazel's
  # (relative to the execroot).
  local -A bz=() i
  for ((i = 0; i < ${#layer_args[@]}; i++)); do
    case ${layer_args[$i]} in
      --out | --meta) bz[${layer_args[$i]}]=$exec/${layer_args[$((i + 1))]}; layer_args[i + 1]=$go/${layer_args[$((i + 1))]##*/} ;;
    esac
  done
  for ((i = 0; i < ${#image_args[@]}; i++)); do
    case ${image_args[$i]} in
      --out | --config-out | --digest-out) bz[image${image_args[$i]}]=$exec/${image_args[$((i + 1))]}; image_args[i + 1]=$go/image${image_args[$i]#--} ;;
      --layer) image_args[i + 1]=$go/${image_args[$((i + 1))]##*/} ;; # the config's history names it
    esac
  done
  (cd "$exec" && "$tool" "${layer_args[@]}" && "$tool" "${image_args[@]}")
  cmp "$go/${bz[--out]##*/}" "${bz[--out]}" || fail "repro G: the layer differs from Bazel's ${bz[--out]}"
  cmp "$go/${bz[--meta]##*/}" "${bz[--meta]}" || fail "repro G: the layer metadata differs from Bazel's"
  cmp "$go/imageconfig-out" "${bz[image--config-out]}" || fail "repro G: the config differs from Bazel's"
  cmp "$go/imagedigest-out" "${bz[image--digest-out]}" || fail "repro G: the manifest digest $(cat "$go/imagedigest-out") differs from Bazel's $(cat "${bz[image--digest-out]}")"
  diff -r "$go/imageout" "${bz[image--out]}" >&2 || fail "repro G: the layout differs from Bazel's"
  # And it is the image the index lists for the platform.
  index_platforms "${OUT[$name]}" | grep -q "^$(cat "$go/imagedigest-out")	$os	$arch	" ||
    fail "repro G: manifest $(cat "$go/imagedigest-out") is not the index's $os/$arch image"
  echo "  $os/$arch: layer, metadata, config and manifest $(cat "$go/imagedigest-out") identical to Bazel's"
}

# check_cache_hits EXEC_LOG BUILD_LOG: every image action of the build was a
# remote cache hit, and Bazel's summary counts agree with the execution log.
check_cache_hits() {
  local spawns image hits misses summary shits
  spawns=$(jq -s 'length' "$1")
  image=$(jq -s --arg re "$IMAGE_MNEMONICS" '[.[] | select(.mnemonic | test($re))] | length' "$1")
  hits=$(jq -s '[.[] | select(.remoteCacheHit)] | length' "$1")
  misses=$(jq -r -s --arg re "$IMAGE_MNEMONICS" '.[] | select((.mnemonic | test($re)) and (.remoteCacheHit | not)) | "\(.mnemonic) \(.progressMessage)"' "$1")
  summary=$(grep -E '^INFO: [0-9]+ processes' "$2" || true)
  shits=$(grep -oE '[0-9]+ remote cache hit' <<<"$summary" | cut -d' ' -f1)
  [ "$image" = 17 ] || fail "repro C: the execution log has $image image actions, want 17 (8 ApkLayer, 8 OciImage, 1 OciIndex)"
  [ -z "$misses" ] || fail "repro C: image actions not taken from the remote cache:
$misses"
  [ "${shits:-0}" = "$hits" ] || fail "repro C: Bazel's summary says '${summary}', the execution log $hits hits"
  echo "  C: all $image image actions were remote cache hits; $hits of $spawns spawns from the cache ($summary)"
}
