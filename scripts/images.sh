#!/usr/bin/env bash
# Builds Elbow's operator and data-plane images without Docker (images/build.py reads the same
# Dockerfiles), on a base root filesystem assembled here from Debian packages: debootstrap's
# minimal variant with openjdk-17-jre-headless, from the mirror this machine's apt uses. The base
# is cached; the images are rebuilt from the jars each time (seconds).
#
# Usage: scripts/images.sh [TAG]   writes one docker-archive tar and prints its path. TAG defaults
#                                  to the project version; run ./mvnw -DskipTests package first.
# The tar holds ghcr.io/elbow-lb/elbow-operator:TAG and ghcr.io/elbow-lb/elbow-dataplane:TAG;
# import it with `ctr -n k8s.io images import FILE` or `docker load -i FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${ELBOW_CACHE:-$HOME/.cache/elbow}/images"
SUITE="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
BASE="$CACHE/base-$SUITE-jre17.tar"
TAG="${1:-$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)}"
mkdir -p "$CACHE"

# The mirror apt is configured with here (never written into the repository).
mirror() {
  local uri
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [[ -n "$uri" ]] || uri=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [[ -n "$uri" ]] || { echo "images: no Debian mirror in apt's sources; set DEBIAN_MIRROR" >&2; exit 1; }
  echo "$uri"
}

if [[ ! -s "$BASE" ]]; then
  command -v debootstrap >/dev/null || {
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get update -qq >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
  }
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  echo "images: assembling the base (Debian $SUITE minbase + openjdk-17-jre-headless)" >&2
  debootstrap --variant=minbase --include=openjdk-17-jre-headless "$SUITE" "$root" \
    "${DEBIAN_MIRROR:-$(mirror)}" >&2
  # What an image does not need: package caches and lists, documentation, device nodes (the
  # runtime mounts its own /dev).
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/* "$root"/dev/* "$root"/proc/* \
    "$root"/sys/* "$root"/tmp/* "$root"/run/*
  # A fixed modification time and sorted entries make the layer the same from run to run.
  tar --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 -C "$root" -cf "$BASE.tmp" .
  mv "$BASE.tmp" "$BASE"
fi

for lib in dataplane/target/lib operator/target/lib; do
  [[ -d "$lib" ]] || { echo "images: $lib is missing; run ./mvnw -DskipTests package first" >&2; exit 1; }
done
out="$CACHE/elbow-images-$TAG.tar"
python3 images/build.py "$out" "$BASE" "$TAG" \
  ghcr.io/elbow-lb/elbow-operator=images/operator.Dockerfile \
  ghcr.io/elbow-lb/elbow-dataplane=images/dataplane.Dockerfile >&2
echo "$out"
