#!/usr/bin/env bash
# Builds what a single Kubernetes node needs besides the control plane, from Go modules, and caches
# it: containerd, its runc shim and ctr; runc (Debian's 1.1.5 does not work on these machines); a
# pause binary for the sandbox image. The kubelet, kube-proxy, controller manager and scheduler come
# from scripts/kube-binaries.sh --node. Debian packages: the CNI plugins, iptables, conntrack,
# libseccomp (runc's seccomp support) and debootstrap (scripts/images.sh).
#
# Usage: scripts/node-binaries.sh         build if missing, print the binary directory
#        scripts/node-binaries.sh --path  print the directory only
set -euo pipefail

CONTAINERD_VERSION="${CONTAINERD_VERSION:-2.4.2}"
RUNC_VERSION="${RUNC_VERSION:-1.5.3}"
DEST="${ELBOW_CACHE:-$HOME/.cache/elbow}/node-bin/containerd-${CONTAINERD_VERSION}-runc-${RUNC_VERSION}"
[[ "${1:-}" == --path ]] && { echo "$DEST"; exit 0; }

have() { command -v "$1" >/dev/null 2>&1; }
packages=()
[[ -x /usr/lib/cni/bridge ]] || packages+=(containernetworking-plugins)
have iptables || packages+=(iptables)
have conntrack || packages+=(conntrack)
have pkg-config || packages+=(pkg-config)
have gcc || packages+=(gcc libc6-dev)
[[ -f /usr/include/seccomp.h ]] || packages+=(libseccomp-dev)
have debootstrap || packages+=(debootstrap)
have openssl || packages+=(openssl)
if [[ ${#packages[@]} -gt 0 ]]; then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
  echo "node-binaries: installing ${packages[*]}" >&2
  $sudo apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >&2
fi

if [[ -x "$DEST/containerd" && -x "$DEST/containerd-shim-runc-v2" && -x "$DEST/ctr" \
  && -x "$DEST/runc" && -x "$DEST/pause" ]]; then
  echo "$DEST"
  exit 0
fi
have go || { echo "node-binaries: Go is needed (see .ci/run)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GOFLAGS="-mod=mod -buildvcs=false"
mkdir -p "$DEST"

echo "node-binaries: building containerd v$CONTAINERD_VERSION" >&2
mkdir "$work/containerd" && cd "$work/containerd"
printf 'module elbow.dev/containerd\n\ngo 1.26.0\n' > go.mod
go get "github.com/containerd/containerd/v2@v$CONTAINERD_VERSION" >&2
ld="-s -w -X github.com/containerd/containerd/v2/version.Version=v$CONTAINERD_VERSION"
for c in containerd containerd-shim-runc-v2 ctr; do
  CGO_ENABLED=0 go build -trimpath -tags "no_btrfs no_devmapper no_zfs" -ldflags "$ld" \
    -o "$DEST/$c" "github.com/containerd/containerd/v2/cmd/$c" >&2
done

echo "node-binaries: building runc v$RUNC_VERSION (seccomp)" >&2
mkdir "$work/runc" && cd "$work/runc"
printf 'module elbow.dev/runc\n\ngo 1.26.0\n' > go.mod
go get "github.com/opencontainers/runc@v$RUNC_VERSION" >&2
CGO_ENABLED=1 go build -trimpath -tags seccomp -ldflags "-s -w -X main.version=$RUNC_VERSION" \
  -o "$DEST/runc" github.com/opencontainers/runc >&2

# The sandbox ("pause") container only holds the pod's namespaces: sleep until told to stop.
mkdir "$work/pause" && cd "$work/pause"
printf 'module elbow.dev/pause\n\ngo 1.26.0\n' > go.mod
cat > main.go <<'GO'
// Holds a pod's namespaces open until SIGTERM or SIGINT, as Kubernetes' pause container does.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
GO
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$DEST/pause" . >&2
echo "$DEST"
