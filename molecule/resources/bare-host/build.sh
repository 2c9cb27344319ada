#!/usr/bin/env bash
# Build the test hosts' images without any registry:
#   1. debootstrap --variant=minbase bookworm   ->  docker import  ->  geostack/debian-minbase:bookworm
#   2. docker build bare-host/Dockerfile        ->  geostack/bare-host:bookworm   (Molecule: a fresh server)
#   3. docker build ../engine-host/Dockerfile   ->  geostack/engine-host:bookworm (with `engine`: the modules'
#      integration tests' disposable Docker engine)
# Each step is skipped when an image built from the same recipe already exists (recipe hash label).
# Usage: build.sh [engine]. Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
minbase=${MINBASE_IMAGE:-geostack/debian-minbase:bookworm}
image=${BARE_HOST_IMAGE:-geostack/bare-host:bookworm}
engine_image=${ENGINE_HOST_IMAGE:-geostack/engine-host:bookworm}
recipe=$( (cat "$here/Dockerfile" "$here/build.sh"; echo "$mirror") | sha256sum | cut -c1-16)
engine_recipe=$( (echo "$recipe"; cat "$here/../engine-host/Dockerfile") | sha256sum | cut -c1-16)

label_of() { docker image inspect -f '{{ index .Config.Labels "org.geostack.recipe" }}' "$1" 2>/dev/null || true; }

if ! docker image inspect "$minbase" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { echo "build.sh: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
  rootfs=$(mktemp -d /var/tmp/geostack-minbase.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  echo "build.sh: debootstrap bookworm from $mirror" >&2
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$minbase" >/dev/null
fi

if [ "$(label_of "$image")" != "$recipe" ]; then
  echo "build.sh: building $image" >&2
  docker build --network host -q --label "org.geostack.recipe=$recipe" \
    --build-arg "BASE_IMAGE=$minbase" --build-arg "DEBIAN_MIRROR=$mirror" -t "$image" "$here" >/dev/null
fi
if [ "${1:-}" = engine ]; then
  if [ "$(label_of "$engine_image")" != "$engine_recipe" ]; then
    echo "build.sh: building $engine_image" >&2
    docker build --network host -q --label "org.geostack.recipe=$engine_recipe" \
      --build-arg "BASE_IMAGE=$image" -t "$engine_image" "$here/../engine-host" >/dev/null
  fi
  echo "$engine_image"
else
  echo "$image"
fi
