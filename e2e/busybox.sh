#!/usr/bin/env bash
# busybox applets (make e2e): //examples/busybox builds three amd64 images
# of the bundled mirror's busybox (a static build). Checked with real
# clients after skopeo copy and umoci unpack:
# - :kept (busybox 1.35.0-r0, /bin/busybox alone): the symlinks to
#   /bin/busybox are exactly the list kept for 1.35.0
#   (tools/internal/busybox/applets/1.35.0.txt);
# - :paths_d (1.35.0-r1, ships /etc/busybox-paths.d/busybox, a shorter
#   list without sbin/): exactly that file's list, and none of the kept
#   list's others;
# - :no_links (busybox_links = False): /bin/busybox and no link at all;
# - the layer tar holds the links in sorted order; /bin/ls, /bin/sh and
#   /usr/bin/env run in a chroot;
# - /lib/apk/db/installed gives busybox only the files of its package: the
#   links belong to no package, as with apk-tools (busybox's post-install
#   script runs `busybox --install -s`, so apk never records them) and apko
#   (it creates them outside the package database);
# - syft sees the busybox package, name and version.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/lib.sh
source e2e/checks.sh
need skopeo umoci syft jq chroot

W=$E2E_WORK/busybox
rm -rf "$W" && mkdir -p "$W"
keep_work_on_failure "$W" busybox.sh
start_mirror

log "busybox: the locks are current; building //examples/busybox"
for repo in busybox_apks busybox_kept_apks; do
  $BAZEL run "@$repo//:lock" -- --check 2>&1 | tee "$W/lock-check.log" | tail -1
  grep -q "is current" "$W/lock-check.log" || fail "@$repo//:lock -- --check did not say the lock is current"
done
$BAZEL build //examples/busybox
bin=$($BAZEL info bazel-bin 2>/dev/null)

# The lists, as sorted relative paths without the binary itself.
kept=$(grep -v -e '^#' -e '^bin/busybox$' tools/internal/busybox/applets/1.35.0.txt | LC_ALL=C sort)

# unpack NAME: skopeo copies the amd64 image out of the index, umoci
# unpacks it to $W/NAME/rootfs; sets L (the layout) and digest.
unpack() {
  local os arch variant
  L=$bin/examples/busybox/$1
  read -r digest os arch variant < <(index_platforms "$L")
  [ "$os/$arch$variant" = linux/amd64 ] || fail "//examples/busybox:$1 has $os/$arch$variant, want linux/amd64"
  copy_platform "$L" amd64 "$digest" "$W/$1/oci" "$os" "$arch" "$variant"
  umoci_unpack "$W/$1/oci" amd64 "$W/$1/umoci"
}

# links ROOTFS: the symlinks to /bin/busybox, sorted; any other link to
# busybox (a relative one) fails.
links() {
  local other
  other=$(find "$1" -type l -lname '*busybox*' ! -lname /bin/busybox -printf '/%P -> %l\n')
  [ -z "$other" ] || fail "links to busybox other than /bin/busybox: $other"
  find "$1" -type l -lname /bin/busybox -printf '%P\n' | LC_ALL=C sort
}

# count LIST: its lines (0 for an empty list).
count() { if [ -z "$1" ]; then echo 0; else wc -l <<<"$1"; fi; }

# same_list WHAT WANT GOT
same_list() {
  [ "$2" = "$3" ] || { diff -u <(echo "$2") <(echo "$3") >&2 || true; fail "$1 (- want, + got)"; }
}

# layer_links LAYOUT DIGEST: the layer tar's symlinks to /bin/busybox, in
# the tar's order.
layer_links() {
  local m
  m=$(jq -r '.layers[-1].digest' "$(blob "$1" "$2")")
  tar -tvzf "$(blob "$1" "$m")" | awk '$(NF-1) == "->" && $NF == "/bin/busybox" {print $(NF-2)}'
}

# installed_files ROOTFS PKG: the files /lib/apk/db/installed gives PKG.
installed_files() {
  awk -F: -v p="$2" '$1 == "P" {n = $2} $1 == "F" {d = $2} $1 == "R" && n == p {print d "/" $2}' "$1/lib/apk/db/installed"
}

# check_image NAME VERSION WANT_LINKS WANT_FILES: after unpack NAME, the
# rootfs, the layer, the apk database and syft.
check_image() {
  local name=$1 version=$2 want=$3 files=$4 r got
  r=$W/$name/umoci/rootfs
  if [ ! -f "$r/bin/busybox" ] || [ ! -x "$r/bin/busybox" ]; then fail "$name: no executable /bin/busybox"; fi
  got=$(links "$r")
  same_list "$name: the symlinks to /bin/busybox" "$want" "$got"
  same_list "$name: the layer tar's links to /bin/busybox, in tar order" "$want" "$(layer_links "$L" "$digest")"
  same_list "$name: busybox's files in /lib/apk/db/installed" "$files" "$(installed_files "$r" busybox)"
  got=$(awk -F: '$1 == "P" {n = $2} $1 == "V" {print n, $2}' "$r/lib/apk/db/installed")
  [ "$got" = "busybox $version" ] || fail "$name: /lib/apk/db/installed lists '$got', want 'busybox $version'"
  syft scan "oci-dir:$W/$name/oci" -o json -q > "$W/$name/syft.json"
  got=$(jq -r '.artifacts[] | select(.type == "apk") | .name + " " + .version' "$W/$name/syft.json")
  [ "$got" = "busybox $version" ] || fail "$name: syft sees apk packages '$got', want 'busybox $version'"
  echo "  $name: $(count "$want") links to /bin/busybox as listed (rootfs and layer tar); apk database: busybox $version owning $(paste -sd' ' <<<"$files"); syft: $got"
}

log "busybox: :kept (1.35.0-r0): links from the kept list"
unpack kept
check_image kept 1.35.0-r0 "$kept" "bin/busybox"
r=$W/kept/umoci/rootfs
[ -L "$r/sbin/ifconfig" ] || fail "kept: no /sbin/ifconfig link, which the kept list has"
got=$(chroot "$r" /usr/bin/env -i FOO=bar /usr/bin/env)
[ "$got" = FOO=bar ] || fail "kept: /usr/bin/env printed '$got'"
echo "  kept: /sbin/ifconfig is a link; chroot /usr/bin/env -i FOO=bar /usr/bin/env: $got"

log "busybox: :paths_d (1.35.0-r1): links from its /etc/busybox-paths.d/busybox"
r=$W/paths_d/umoci/rootfs
unpack paths_d
pathsd=$(grep -vx bin/busybox "$r/etc/busybox-paths.d/busybox" | LC_ALL=C sort)
# The shipped list must differ from the kept one, or this proves nothing.
if [ "$pathsd" = "$kept" ] || grep -q '^sbin/' <<<"$pathsd" || ! grep -qx sbin/ifconfig <<<"$kept"; then
  fail "paths_d: /etc/busybox-paths.d/busybox should be the kept list without sbin/ (the bundled mirror's busybox-1.35.0-r1)"
fi
check_image paths_d 1.35.0-r1 "$pathsd" "$(printf '%s\n' bin/busybox etc/busybox-paths.d/busybox)"
[ ! -e "$r/sbin/ifconfig" ] || fail "paths_d: /sbin/ifconfig exists, but the shipped list leaves sbin/ out"
got=$(chroot "$r" /bin/ls /)
want=$(cd "$r" && LC_ALL=C ls -1)
same_list "paths_d: chroot /bin/ls /" "$want" "$got"
got=$(chroot "$r" /bin/sh -c 'echo ok; /bin/ls -l /bin/ls')
if ! grep -qx ok <<<"$got" || ! grep -q '/bin/ls -> /bin/busybox$' <<<"$got"; then fail "paths_d: /bin/sh -c printed '$got'"; fi
echo "  paths_d: $(count "$pathsd") shipped paths vs $(count "$kept") kept; no /sbin/ifconfig; chroot /bin/ls /: $(chroot "$r" /bin/ls / | paste -sd' '); /bin/sh -c: $(paste -sd' ' <<<"$got")"

log "busybox: :no_links (busybox_links = False)"
unpack no_links
check_image no_links 1.35.0-r1 "" "$(printf '%s\n' bin/busybox etc/busybox-paths.d/busybox)"
r=$W/no_links/umoci/rootfs
if [ -e "$r/bin/ls" ] || [ -L "$r/bin/ls" ]; then fail "no_links: /bin/ls exists"; fi
got=$(chroot "$r" /bin/busybox echo ok)
[ "$got" = ok ] || fail "no_links: /bin/busybox echo ok printed '$got'"
echo "  no_links: /bin/busybox and no /bin/ls; chroot /bin/busybox echo ok: $got"
echo "busybox: 3 images passed"
