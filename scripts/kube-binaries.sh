#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kubectl from their Go modules and caches them where
# io.fabric8:kube-api-test looks for binaries (~/.kubeapitest/k8s/<version>-linux-amd64/).
#
# Why: no registry these machines reach serves a kube-apiserver binary, but the Go module
# proxy does serve the sources. The build takes many minutes on two cores, so the result
# is cached outside the work tree and this script returns at once when it is already there.
#
# Usage: scripts/kube-binaries.sh            build if missing, print the binary directory
#        scripts/kube-binaries.sh --node     also the node's kubelet, kube-controller-manager,
#                                            kube-scheduler and kube-proxy (scripts/node.sh)
#        KUBE_VERSION=1.37.2 scripts/kube-binaries.sh
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-1.37.2}"
# The etcd that this Kubernetes release pins in its go.mod (kept in step by hand).
ETCD_VERSION="${ETCD_VERSION:-3.7.0}"
CACHE_ROOT="${KUBEAPITEST_DIR:-$HOME/.kubeapitest}"
DEST="$CACHE_ROOT/k8s/${KUBE_VERSION}-linux-amd64"

commands=(kube-apiserver kubectl)
[[ "${1:-}" == --node ]] && commands+=(kubelet kube-controller-manager kube-scheduler kube-proxy)
missing=()
for c in "${commands[@]}"; do [[ -x "$DEST/$c" ]] || missing+=("$c"); done
if [[ -x "$DEST/etcd" && ${#missing[@]} -eq 0 ]]; then
  echo "$DEST"
  exit 0
fi

if ! command -v go >/dev/null; then
  echo "kube-binaries: Go is needed to build kube-apiserver (apt-get install golang-go)" >&2
  # From the Maven build this is optional: the tests can also run on K3s or an existing cluster.
  [[ "${KUBE_BINARIES_OPTIONAL:-}" == 1 ]] && exit 0
  exit 1
fi

minor="${KUBE_VERSION#*.}"; minor="${minor%%.*}"
staging_version="v0.${KUBE_VERSION#*.}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local
# paths; a consumer must map each to the published v0.<minor>.<patch> instead.
staging=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
  cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api
  cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt
  kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics
  mount-utils pod-security-admission sample-apiserver streaming)
{
  echo "module elbow.dev/kubebinaries"
  echo
  echo "go 1.26.0"
  echo
  echo "require ("
  echo "  k8s.io/kubernetes v${KUBE_VERSION}"
  echo "  go.etcd.io/etcd/server/v3 v${ETCD_VERSION}"
  echo ")"
  echo
  echo "replace ("
  for m in "${staging[@]}"; do echo "  k8s.io/$m => k8s.io/$m $staging_version"; done
  echo ")"
} > go.mod

export GOFLAGS="-mod=mod -buildvcs=false"
echo "kube-binaries: resolving modules for Kubernetes v$KUBE_VERSION and etcd v$ETCD_VERSION" >&2
go get "${missing[@]/#/k8s.io/kubernetes/cmd/}" "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" \
  "k8s.io/kubernetes@v${KUBE_VERSION}" >&2

# The same version stamps that Kubernetes' hack/lib/version.sh sets: the API server derives
# its emulation/compatibility version from them and refuses to start on a bogus one.
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=v${KUBE_VERSION} -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor}"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${now}"
done

out="$work/bin"
mkdir -p "$out"
echo "kube-binaries: building ${missing[*]} (this takes a while on two cores)" >&2
mkdir -p "$DEST"
if [[ ! -x "$DEST/etcd" ]]; then
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3 >&2
  mv "$out/etcd" "$DEST/"
fi
for c in "${missing[@]}"; do
  CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out/$c" "k8s.io/kubernetes/cmd/$c" >&2
  mv "$out/$c" "$DEST/"
done
echo "$DEST"
