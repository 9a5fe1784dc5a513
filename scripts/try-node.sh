#!/usr/bin/env bash
# Elbow on a real single-node cluster on this machine, for users without one: the node of
# scripts/node.sh, Elbow's images built here, the chart installed by Helm (built from its Go
# module, cached), and examples/web.yaml's group and listener in front of three demo backend pods.
# Needs root. The traffic Service is a NodePort on 10.250.0.2, reachable from this machine.
#
# Usage: scripts/try-node.sh up     bring it all up; prints what to try next
#        scripts/try-node.sh down   remove everything (scripts/node.sh down)
set -euo pipefail
cd "$(dirname "$0")/.."
HELM_VERSION="${HELM_VERSION:-4.3.2}"
HELM="${ELBOW_CACHE:-$HOME/.cache/elbow}/helm-$HELM_VERSION/helm"

case "${1:-}" in
  down) exec scripts/node.sh down ;;
  up) ;;
  *) sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

if [[ ! -x "$HELM" ]]; then
  echo "try-node: building helm v$HELM_VERSION from its Go module" >&2
  GOBIN="$(dirname "$HELM")" CGO_ENABLED=0 go install "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION" >&2
fi
[[ -d dataplane/target/lib && -d operator/target/lib ]] || ./mvnw -q -B -DskipTests package >&2
kubeconfig=$(scripts/node.sh up)
scripts/node.sh import "$(scripts/images.sh)"
export KUBECONFIG="$kubeconfig"
kube_bin=$(scripts/kube-binaries.sh --node)
kubectl() { "$kube_bin/kubectl" "$@"; }
kubectl create namespace elbow-system --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl label namespace elbow-system pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null
"$HELM" upgrade --install elbow helm/elbow --namespace elbow-system \
  --set dataplane.service.type=NodePort --set dataplane.resources.requests.cpu=100m \
  --set dataplane.resources.requests.memory=256Mi --set operator.resources.requests.cpu=50m \
  --wait --timeout 5m >&2
kubectl -n default apply -f examples/web-pods.yaml >&2
kubectl -n default rollout status deployment/web --timeout=3m >&2
port=""
for _ in $(seq 60); do
  port=$(kubectl -n elbow-system get service elbow-dataplane \
    -o jsonpath='{.spec.ports[?(@.port==8080)].nodePort}' 2>/dev/null || true)
  [[ -n "$port" ]] && break
  sleep 1
done
cat <<TXT
Elbow is up on a single node. Try:
  export KUBECONFIG=$kubeconfig
  kubectl get elbow -A
  curl -si http://10.250.0.2:$port/    # through the NodePort to a data plane, then a backend pod
  scripts/try-node.sh down             # when done
TXT
