#!/usr/bin/env bash
# A tiny image root filesystem for the Molecule verifiers, without any registry: Debian's busybox-static
# (httpd, wget, nslookup, nc) as a tarball that `docker import` turns into an image on each test node.
# Usage: build.sh OUTPUT.tar   (skipped when OUTPUT.tar exists)
set -euo pipefail
out=${1:?usage: build.sh OUTPUT.tar}
[ -s "$out" ] && { echo "$out"; exit 0; }
work=$(mktemp -d /var/tmp/geostack-probe.XXXXXX)
trap 'rm -rf "$work"' EXIT
( cd "$work" && apt-get download busybox-static >/dev/null 2>&1 ) || {
  apt-get update -qq >/dev/null && ( cd "$work" && apt-get download busybox-static >/dev/null ); }
dpkg -x "$work"/busybox-static_*.deb "$work/x"
root="$work/rootfs"
mkdir -p "$root"/{bin,etc,tmp,www}
cp "$work/x/bin/busybox" "$root/bin/busybox"
for applet in sh httpd wget nslookup nc hostname sleep cat echo ls ip; do ln -s busybox "$root/bin/$applet"; done
echo 'root:x:0:0:root:/:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
mkdir -p "$(dirname "$out")"
tar -C "$root" -cf "$out.tmp" . && mv "$out.tmp" "$out"
echo "$out"
