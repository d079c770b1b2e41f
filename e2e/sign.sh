#!/usr/bin/env bash
# Signing and attestation, verified by real cosign (make e2e): push
# //e2e:musl_dynamic to Debian's docker-registry on 127.0.0.1, sign it by
# digest with `bazel run //e2e:sign` (the index and every platform manifest)
# and attest it with `bazel run //e2e:attest` (SPDX SBOM and SLSA provenance),
# using a key pair generated here and thrown away afterwards. Then:
#   - cosign verify --key passes on the index and on a platform manifest;
#   - cosign verify-attestation --type spdxjson returns exactly the SBOM
#     Bazel built, --type slsaprovenance1 the provenance (whose packages
#     are the lock's, with their sha256);
#   - verification fails with another key, for an unsigned image (another
#     digest), and for the tag once it is moved to that image.
# No transparency log offline: signing uses --tlog-upload=false and
# verification --insecure-ignore-tlog.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/checks.sh

W=$E2E_WORK/sign
rm -rf "$W" && mkdir -p "$W"
start_mirror
# shellcheck disable=SC2016 # expanded when the trap runs
on_exit 'if [ "$EXIT_RC" = 0 ]; then rm -rf "$W"; else echo "sign: work files kept in $W" >&2; fi'

need cosign crane skopeo jq docker-registry
log "cosign $(cosign version --json 2>/dev/null | jq -r .gitVersion)"

$BAZEL build //e2e:musl_dynamic //examples/c_hello //e2e:attest --output_groups=+provenance
bin=$($BAZEL info bazel-bin 2>/dev/null)
L=$bin/e2e/musl_dynamic
INDEX=$(layout_digest "$L")
start_registry "$W/registry"
REPO=$REGISTRY/musl-dynamic

log "pushing the index: bazel run //e2e:push"
$BAZEL run //e2e:push -- --repository "$REPO:signed" >"$W/push.out" 2>"$W/push.log" ||
  { cat "$W/push.log" >&2; fail "bazel run //e2e:push"; }
[ "$(tail -1 "$W/push.out")" = "$REPO@$INDEX" ] || fail "push printed $(tail -1 "$W/push.out"), want $REPO@$INDEX"

# Keys are made here, for this run only, and never stored in the repository.
export COSIGN_PASSWORD=e2e-$RANDOM$RANDOM
(cd "$W" && cosign generate-key-pair >/dev/null 2>&1 && mkdir other && cd other && cosign generate-key-pair >/dev/null 2>&1)
COSIGN_FLAGS=(--tlog-upload=false --allow-http-registry)
VERIFY_FLAGS=(--insecure-ignore-tlog --allow-http-registry)

log "signing by digest: bazel run //e2e:sign"
$BAZEL run //e2e:sign -- --repository "$REPO:signed" --key "$W/cosign.key" "${COSIGN_FLAGS[@]}" 2>"$W/sign.log" ||
  { cat "$W/sign.log" >&2; fail "bazel run //e2e:sign"; }
grep -q "signing $REPO@$INDEX" "$W/sign.log" || { cat "$W/sign.log" >&2; fail "//e2e:sign did not sign $REPO@$INDEX"; }

# verify REF [DIGEST]: cosign verify with the right key must pass and say it
# checked the signature over exactly DIGEST (default: REF's own digest).
verify() {
  local ref=$1 want=${2:-${1#*@}} got
  cosign verify --key "$W/cosign.pub" "${VERIFY_FLAGS[@]}" "$ref" >"$W/verify.json" 2>"$W/verify.log" ||
    { cat "$W/verify.log" >&2; fail "cosign verify $ref"; }
  got=$(jq -r '.[].critical.image["docker-manifest-digest"]' "$W/verify.json" | sort -u)
  [ "$got" = "$want" ] || fail "cosign verify $ref: signed payload names $got, want $want"
}
# must_fail WHAT CMD...: CMD must exit non-zero.
must_fail() {
  local what=$1
  shift
  if "$@" >"$W/neg.out" 2>"$W/neg.log"; then fail "$what: verification passed, it must fail"; fi
  echo "  $what: rejected ($(grep -m1 -o 'Error: .*' "$W/neg.log" | cut -c1-90))"
}

log "cosign verify --key: the index and a platform manifest"
verify "$REPO@$INDEX"
echo "  $REPO@$INDEX: signature verified"
PLATFORM=linux/arm64
PDIGEST=$(index_platforms "$L" | awk '$2 == "linux" && $3 == "arm64" {print $1}')
[ -n "$PDIGEST" ] || fail "no linux/arm64 image in the index"
verify "$REPO@$PDIGEST"
echo "  $REPO@$PDIGEST ($PLATFORM): signature verified"
verify "$REPO:signed" "$INDEX"
echo "  $REPO:signed (the tag, resolved to $INDEX): signature verified"

log "attesting SBOM and provenance: bazel run //e2e:attest"
$BAZEL run //e2e:attest -- --repository "$REPO" --key "$W/cosign.key" "${COSIGN_FLAGS[@]}" 2>"$W/attest.log" ||
  { cat "$W/attest.log" >&2; fail "bazel run //e2e:attest"; }

# attested_predicate TYPE REF OUT: verify-attestation with the right key,
# then write the predicate of the one attestation of TYPE, keys sorted.
attested_predicate() {
  cosign verify-attestation --key "$W/cosign.pub" "${VERIFY_FLAGS[@]}" --type "$1" "$2" >"$W/att.json" 2>"$W/att.log" ||
    { cat "$W/att.log" >&2; fail "cosign verify-attestation --type $1 $2"; }
  [ "$(wc -l <"$W/att.json")" = 1 ] || fail "$2: $(wc -l <"$W/att.json") attestations of type $1, want 1"
  jq -r .payload "$W/att.json" | base64 -d > "$W/statement.json"
  jq -e --arg d "${2#*@}" '.subject | map(.digest.sha256) | index($d | sub("sha256:"; "")) != null' "$W/statement.json" >/dev/null ||
    fail "$2: the $1 statement is about $(jq -c '[.subject[].digest.sha256]' "$W/statement.json"), not this digest"
  jq -S .predicate "$W/statement.json" > "$3"
}

log "cosign verify-attestation: the SBOM of $PLATFORM is the one Bazel built"
attested_predicate spdxjson "$REPO@$PDIGEST" "$W/sbom.got"
jq -S . "$bin/e2e/attest/aarch64.spdx.json" > "$W/sbom.want"
diff -u "$W/sbom.want" "$W/sbom.got" >&2 || fail "the attested SBOM differs from bazel-bin/e2e/attest/aarch64.spdx.json"
echo "  spdxjson on $PDIGEST: $(jq '.packages | length' "$W/sbom.got") SPDX packages, identical to the built SBOM"

log "cosign verify-attestation: the provenance of the index lists the lock's packages"
attested_predicate slsaprovenance1 "$REPO@$INDEX" "$W/prov.got"
# cosign re-encodes the predicate and adds an empty runDetails.metadata.
jq -S 'if .runDetails.metadata == {} then del(.runDetails.metadata) else . end' "$W/prov.got" > "$W/prov.norm"
mv "$W/prov.norm" "$W/prov.got"
jq -S . "$bin/e2e/attest/index.provenance.json" > "$W/prov.want"
diff -u "$W/prov.want" "$W/prov.got" >&2 || fail "the attested provenance differs from the built one"
want=$(jq -r '.architectures[].packages[] | .url + " " + .sha256' e2e/bundled.lock.json | sort)
got=$(jq -r '.buildDefinition.resolvedDependencies[] | select(.uri) | .uri + " " + .digest.sha256' "$W/prov.got" | sort)
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") >&2; fail "the provenance's packages are not the lock's"; }
jq -e '.buildDefinition.externalParameters.target | test("//e2e:musl_dynamic$")' "$W/prov.got" >/dev/null ||
  fail "the provenance names target $(jq -r .buildDefinition.externalParameters.target "$W/prov.got")"
echo "  slsaprovenance1 on $INDEX: $(wc -l <<<"$got") packages with the lock's sha256, target //e2e:musl_dynamic"
attested_predicate slsaprovenance1 "$REPO@$PDIGEST" "$W/pprov.got"
echo "  slsaprovenance1 on $PDIGEST: $(jq '[.buildDefinition.resolvedDependencies[] | select(.uri)] | length' "$W/pprov.got") aarch64 packages"

log "what must fail"
must_fail "verify with another key" cosign verify --key "$W/other/cosign.pub" "${VERIFY_FLAGS[@]}" "$REPO@$INDEX"
must_fail "verify-attestation with another key" cosign verify-attestation --key "$W/other/cosign.pub" "${VERIFY_FLAGS[@]}" --type spdxjson "$REPO@$PDIGEST"
# Another image in the same repository: c_hello, pushed but never signed.
skopeo copy -q --all --dest-tls-verify=false "oci:$bin/examples/c_hello/c_hello" "docker://$REPO:other"
OTHER=$(crane digest "$REPO:other")
[ "$OTHER" != "$INDEX" ] || fail "c_hello has the index's digest"
must_fail "verify an unsigned image ($OTHER)" cosign verify --key "$W/cosign.pub" "${VERIFY_FLAGS[@]}" "$REPO@$OTHER"
must_fail "verify-attestation on an unattested image" cosign verify-attestation --key "$W/cosign.pub" "${VERIFY_FLAGS[@]}" --type spdxjson "$REPO@$OTHER"
# The tag moved to the other image: verifying the tag must fail now.
crane tag "$REPO@$OTHER" signed
must_fail "verify the tag after it was moved to $OTHER" cosign verify --key "$W/cosign.pub" "${VERIFY_FLAGS[@]}" "$REPO:signed"
echo "sign: all checks passed"
