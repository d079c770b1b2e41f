#!/usr/bin/env bash
# Installs what this project needs on a fresh Debian machine, idempotently:
# Debian's Bazel 4.2.3 stack, Go 1.19 for rules_go, rules_go and gazelle
# fetched as Go modules, the lint and test tools, rules_cc and rules_python
# shims, rules_pkg's source, and a bazelrc fragment of
# --override_repository lines that .bazelrc imports with try-import.
# Running it again changes nothing when everything is in place.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MUSL_DYNAMIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/musl-dynamic}
offline=$cache/offline
mkdir -p "$offline"

say() { echo "setup: $*" >&2; }

# --- Debian packages -------------------------------------------------------
debs=(bazel-bootstrap golang-1.19-go bazel-skylib bazel-platforms bazel-rules-java
      musl-tools qemu-user-static binfmt-support umoci skopeo nginx-light docker-registry
      ca-certificates curl jq
      # tools/lint.sh lints every shell script.
      shellcheck
      # rules_pkg's pkg_tar is a py_binary, whose Bazel 4.2 launcher runs
      # `/usr/bin/env python`.
      python-is-python3
      # e2e/clients.sh reads ELF headers (readelf).
      binutils
      # e2e/hello/build.sh cross-links hello for the bundled mirror; lld 14
      # cannot link s390x, GNU ld from binutils-s390x-linux-gnu does.
      clang lld binutils-s390x-linux-gnu
      # tools/musl_sysroots.sh builds musl from Debian's source package for
      # the two architectures Debian has no musl for (riscv64, ARMv6).
      dpkg-dev gcc-riscv64-linux-gnu gcc-arm-linux-gnueabihf
      # e2e/remote.sh: Bazel's own remote worker (its Java sources), run in
      # a network namespace (ip) behind socat.
      bazel-bootstrap-source iproute2 socat)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq || say "apt-get update reported errors; trying the install anyway"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Foreign musl packages: the bundled mirror takes each architecture's real
# loader from musl and links hello against musl-dev. riscv64 has none in
# Debian bookworm, and armhf's is ARMv7: both are built from source below.
musl_arches=(amd64 i386 arm64 armhf armel ppc64el s390x)
debdir=$cache/musl-debs
mkdir -p "$debdir"
need_debs=()
for a in "${musl_arches[@]}"; do
  { ls "$debdir"/musl_*_"$a".deb && ls "$debdir"/musl-dev_*_"$a".deb; } >/dev/null 2>&1 || need_debs+=("$a")
done
if ((${#need_debs[@]})); then
  for a in "${need_debs[@]}"; do
    if ! dpkg --print-foreign-architectures | grep -qx "$a" && [ "$a" != "$(dpkg --print-architecture)" ]; then
      dpkg --add-architecture "$a"
    fi
  done
  # A partial index failure (a mirror mid-sync) must not stop us: the
  # download below is what has to succeed.
  apt-get -o DPkg::Lock::Timeout=600 update -qq || say "apt-get update reported errors; trying the downloads anyway"
  for a in "${need_debs[@]}"; do
    say "downloading musl:$a musl-dev:$a"
    (cd "$debdir" && apt-get download -qq "musl:$a" "musl-dev:$a" >/dev/null)
  done
fi

# musl's source package (Debian's, patches applied by dpkg-source), for
# riscv64 and ARMv6. A deb-src entry mirroring the deb one is added once.
srcdir=$cache/musl-source
mkdir -p "$srcdir"
if ! ls "$srcdir"/musl_*.dsc "$srcdir"/libgcc-*-dev-armel-cross_*.deb >/dev/null 2>&1; then
  srclist=/etc/apt/sources.list.d/musl-dynamic-src.sources
  if [ ! -f "$srclist" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
    say "adding a deb-src entry ($srclist)"
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$srclist.tmp"
    mv "$srclist.tmp" "$srclist"
  elif [ ! -f "$srclist" ] && [ -f /etc/apt/sources.list ]; then
    say "adding deb-src lines (/etc/apt/sources.list.d/musl-dynamic-src.list)"
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/musl-dynamic-src.list
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq || say "apt-get update reported errors; trying the download anyway"
  say "downloading musl's Debian source package and the armel libgcc (ARMv5TE helpers for ARMv6)"
  (cd "$srcdir" && apt-get source --download-only -qq musl >/dev/null && apt-get download -qq libgcc-12-dev-armel-cross >/dev/null)
fi
# One sysroot per Alpine arch: the six Debian ones unpacked, riscv64 and
# ARMv6 cross-compiled (a few minutes, once; see the script).
bash "$root/tools/musl_sysroots.sh" "$cache/musl-sysroots" "$debdir"

# busybox for the bundled mirror's x86_64 busybox packages: Debian
# bookworm's static amd64 build, unchanged (testmirror reads
# $cache/busybox-static/bin/busybox and its ORIGIN line). The version and
# the binary's sha256 are pinned: the mirror's bytes depend on them.
bb_version=1:1.35.0-4+deb12u1+b1
bb_sha256=3d9f2889d6782537624a4e1a10e68a2ddd53e0ee8bac02676f27308f42ec6bf6
bbdir=$cache/busybox-static
if [ "$(sha256sum "$bbdir/bin/busybox" 2>/dev/null | cut -d' ' -f1)" != "$bb_sha256" ]; then
  say "downloading busybox-static:amd64=$bb_version"
  if ! dpkg --print-foreign-architectures | grep -qx amd64 && [ "$(dpkg --print-architecture)" != amd64 ]; then
    dpkg --add-architecture amd64
    apt-get -o DPkg::Lock::Timeout=600 update -qq || say "apt-get update reported errors; trying the download anyway"
  fi
  bbtmp=$(mktemp -d "$cache/.busybox-static.XXXXXX")
  (cd "$bbtmp" && apt-get download -qq "busybox-static:amd64=$bb_version" >/dev/null 2>&1) || {
    rm -rf "$bbtmp"
    say "cannot download busybox-static:amd64=$bb_version (the bundled mirror's busybox); is Debian bookworm in the apt sources?"
    exit 1
  }
  dpkg-deb -x "$bbtmp"/busybox-static_*_amd64.deb "$bbtmp/deb"
  got=$(sha256sum "$bbtmp/deb/bin/busybox" | cut -d' ' -f1)
  if [ "$got" != "$bb_sha256" ]; then
    rm -rf "$bbtmp"
    say "busybox-static $bb_version's bin/busybox has sha256 $got, want $bb_sha256: not the pinned build"
    exit 1
  fi
  mkdir -p "$bbtmp/out/bin"
  install -m 0755 "$bbtmp/deb/bin/busybox" "$bbtmp/out/bin/busybox"
  echo "Debian bookworm busybox-static $bb_version amd64, unchanged" > "$bbtmp/out/ORIGIN"
  rm -rf "$bbdir"
  mv "$bbtmp/out" "$bbdir"
  rm -rf "$bbtmp"
fi

# --- Go tools the tests use (built from the Go module proxy) ----------------
# crane validates images and talks to the test registry, syft lists the
# packages an image holds, buildifier formats and lints Starlark, staticcheck
# lints Go (v0.8.2 knows the machine's Go 1.26), cosign signs and verifies in
# e2e/sign.sh and is the local cosign toolchain (MUSL_DYNAMIC_COSIGN below;
# building it takes about 8 minutes, once).
gobin=$cache/bin
mkdir -p "$gobin"
go_tools=(
  "crane github.com/google/go-containerregistry/cmd/crane@v0.20.2"
  "syft github.com/anchore/syft/cmd/syft@v1.57.1"
  "buildifier github.com/bazelbuild/buildtools/buildifier@v0.0.0-20260904073137-eaa4d125b423"
  "staticcheck honnef.co/go/tools/cmd/staticcheck@v0.8.2"
  "cosign github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5"
)
for t in "${go_tools[@]}"; do
  bin=${t%% *} mod=${t#* }
  stamp=$gobin/.$bin.version
  if [ ! -x "$gobin/$bin" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$mod" ]; then
    say "building $mod"
    GOBIN=$gobin GOFLAGS='' go install "$mod"
    echo "$mod" > "$stamp"
  fi
done

# --- Go modules: rules_go and gazelle ---------------------------------------
export GOFLAGS=-mod=mod
moddir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }

rules_go=$(moddir github.com/bazelbuild/rules_go@v0.34.0)
gazelle_src=$(moddir github.com/bazelbuild/bazel-gazelle@v0.26.0)
gazelle=$offline/bazel_gazelle
if [ ! -f "$gazelle/.vendored" ]; then
  say "vendoring gazelle v0.26.0"
  rm -rf "$gazelle"
  cp -r "$gazelle_src" "$gazelle"
  chmod -R u+w "$gazelle"
  (cd "$gazelle" && go mod vendor)
  touch "$gazelle/.vendored"
fi

# gazelle's own test suite in internal/BUILD.bazel needs a newer skylib than
# Debian's 1.0.3 and breaks loading that package, which `bazel run //:gazelle`
# needs (gazelle.bash.in); drop the call from the offline copy.
sed -i 's/^gazelle_binary_test_suite()$/# gazelle_binary_test_suite()  # disabled by tools\/setup.sh (skylib 1.0.3)/' \
  "$gazelle/internal/BUILD.bazel"

# --- rules_cc shim ----------------------------------------------------------
# Debian's bazel-rules-cc is too new for Bazel 4.2.3; the native rules are
# all rules_go needs from it.
cc=$offline/rules_cc
mkdir -p "$cc/cc"
cat > "$cc/WORKSPACE" <<'W'
workspace(name = "rules_cc")
W
cat > "$cc/BUILD" <<'W'
W
cat > "$cc/cc/BUILD" <<'W'
package(default_visibility = ["//visibility:public"])

alias(
    name = "toolchain_type",
    actual = "@bazel_tools//tools/cpp:toolchain_type",
)
W
cat > "$cc/cc/defs.bzl" <<'W'
"""Re-exports Bazel's native C++ rules for Bazel 4.2.3."""

cc_binary = native.cc_binary
cc_import = native.cc_import
cc_library = native.cc_library
cc_proto_library = native.cc_proto_library
cc_test = native.cc_test
cc_toolchain = native.cc_toolchain
cc_toolchain_suite = native.cc_toolchain_suite
fdo_prefetch_hints = native.fdo_prefetch_hints
fdo_profile = native.fdo_profile
objc_import = native.objc_import
objc_library = native.objc_library
W

# --- rules_pkg 0.6.0 and a rules_python shim --------------------------------
# WORKSPACE.bazel declares rules_pkg's release archive as a user would; 0.6.0
# is the newest release Bazel 4.2.3 loads. Offline, its unchanged source
# (third_party/README.md in the shared folder beside the checkout) is
# unpacked here and overridden in; without that folder Bazel downloads the
# release as on any connected machine.
rules_pkg_src_sha256=2579f48f8038ce53d9121843e40c9124ff2a35a7436442ceaa200138ce1535dc
rules_pkg=$offline/rules_pkg-0.6.0
if [ ! -f "$rules_pkg/.unpacked" ]; then
  src=
  for d in "${MUSL_DYNAMIC_THIRD_PARTY:-}" "$root/../shared/third_party" \
    "$(dirname "$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo /nonexistent/.git)")/../shared/third_party"; do
    if [ -n "$d" ] && [ -f "$d/rules_pkg-0.6.0.src.tar.gz" ]; then
      src=$d/rules_pkg-0.6.0.src.tar.gz
      break
    fi
  done
  if [ -z "$src" ]; then
    say "rules_pkg-0.6.0.src.tar.gz not found (shared/third_party beside the checkout, or MUSL_DYNAMIC_THIRD_PARTY); Bazel will download rules_pkg instead"
  elif [ "$(sha256sum "$src" | cut -d' ' -f1)" != "$rules_pkg_src_sha256" ]; then
    say "$src is not the rules_pkg 0.6.0 source (sha256 should be $rules_pkg_src_sha256); replace it with the file third_party/README.md describes"
    exit 1
  else
    say "unpacking $src"
    rm -rf "$rules_pkg" "$rules_pkg.tmp"
    mkdir -p "$rules_pkg.tmp"
    tar -xzf "$src" -C "$rules_pkg.tmp" --strip-components=1
    touch "$rules_pkg.tmp/.unpacked"
    mv "$rules_pkg.tmp" "$rules_pkg"
  fi
fi

# rules_pkg's BUILD files load py_binary and py_library from rules_python;
# Bazel 4.2.3's native rules are all they need.
py=$offline/rules_python
mkdir -p "$py/python"
cat > "$py/WORKSPACE" <<'W'
workspace(name = "rules_python")
W
cat > "$py/BUILD" <<'W'
W
cat > "$py/python/BUILD" <<'W'
W
cat > "$py/python/defs.bzl" <<'W'
"""Re-exports Bazel's native Python rules for Bazel 4.2.3."""

py_binary = native.py_binary
py_library = native.py_library
py_runtime = native.py_runtime
py_test = native.py_test
W

# --- remote_coverage_tools stub -------------------------------------------
# Every test rule depends on @remote_coverage_tools, which Bazel downloads;
# offline, a stub whose tools refuse to run lets `bazel test` work (coverage
# does not).
cov=$offline/remote_coverage_tools
mkdir -p "$cov"
cat > "$cov/WORKSPACE" <<'W'
workspace(name = "remote_coverage_tools")
W
cat > "$cov/unavailable.sh" <<'W'
#!/bin/sh
echo "coverage tools are not available offline (stub from tools/setup.sh)" >&2
exit 1
W
chmod +x "$cov/unavailable.sh"
cat > "$cov/BUILD" <<'W'
package(default_visibility = ["//visibility:public"])

sh_binary(
    name = "coverage_report_generator",
    srcs = ["unavailable.sh"],
)

sh_binary(
    name = "lcov_merger",
    srcs = ["unavailable.sh"],
)
W

# --- bazelrc fragment -------------------------------------------------------
# `common` would also hand these flags to commands that reject them (e.g.
# `bazel shutdown`); build/fetch/query/sync cover everything else, and run,
# test, cquery, aquery and info inherit build.
frag=$root/.bazelrc.offline
tmp=$(mktemp "$frag.XXXXXX")
{
  echo "# Written by tools/setup.sh: the only difference from a connected machine."
  for flag in \
    "--override_repository=io_bazel_rules_go=$rules_go" \
    "--override_repository=bazel_gazelle=$gazelle" \
    "--override_repository=bazel_skylib=/usr/share/bazel/tools/skylib" \
    "--override_repository=platforms=/usr/share/bazel/tools/platforms" \
    "--override_repository=rules_java=/usr/share/bazel/rules/java" \
    "--override_repository=rules_cc=$cc" \
    "--override_repository=remote_coverage_tools=$cov" \
    "--override_repository=rules_python=$py" \
    "--repo_env=MUSL_DYNAMIC_GO_SDK=/usr/lib/go-1.19" \
    "--repo_env=MUSL_DYNAMIC_COSIGN=$gobin/cosign" \
    "--repo_env=MUSL_DYNAMIC_CACHE=$cache"; do
    for cmd in build fetch query sync; do
      echo "$cmd $flag"
    done
  done
  if [ -f "$rules_pkg/.unpacked" ]; then
    for cmd in build fetch query sync; do
      echo "$cmd --override_repository=rules_pkg=$rules_pkg"
    done
  fi
} > "$tmp"
mv "$tmp" "$frag"
say "ready: $(bazel --version 2>/dev/null | head -1), Go SDK /usr/lib/go-1.19"
