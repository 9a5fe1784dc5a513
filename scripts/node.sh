#!/usr/bin/env bash
# A single Kubernetes node on this machine, for tests and for users without a cluster: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy (iptables) and
# containerd with runc, all inside a network namespace made for it. The host reaches the node at
# 10.250.0.2 over a veth pair (host end 10.250.0.1); pods get 10.244.0.0/24 on a bridge inside the
# namespace and Services 10.96.0.0/16. Nothing routes or masquerades out of the machine.
# Binaries are built from their Go modules and cached (scripts/kube-binaries.sh --node,
# scripts/node-binaries.sh); ../shared/reference/node.md records the settings this machine kind
# needs (cgroup v1, no kernel modules). Needs root.
#
# Usage: scripts/node.sh up        start the node (building what is missing); prints the kubeconfig
#        scripts/node.sh import F  import a docker-archive image tar into the node's containerd
#        scripts/node.sh ctr ARGS  run ctr against the node's containerd (namespace k8s.io)
#        scripts/node.sh down      stop everything and remove the namespace, mounts and state
#        scripts/node.sh check     exit 0 when this machine can run a node, else say why
set -euo pipefail
cd "$(dirname "$0")/.."

NS=elbow-node
NODE=elbow-node
HOST_IP=10.250.0.1
NODE_IP=10.250.0.2
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
STATE="${ELBOW_NODE_STATE:-/var/lib/elbow-node}"
RUN=/run/elbow-node
PKI="$STATE/pki"
LOGS="$STATE/logs"
KUBECONFIG_OUT="$STATE/admin.kubeconfig"
SOCK="$RUN/containerd.sock"
in_ns() { nsenter --net="/var/run/netns/$NS" "$@"; }

check() {
  [[ $(id -u) -eq 0 ]] || { echo "needs root (network namespaces, containerd, kubelet)"; return 1; }
  [[ -d /sys/fs/cgroup ]] || { echo "no cgroup filesystem at /sys/fs/cgroup"; return 1; }
  command -v nsenter >/dev/null || { echo "nsenter (util-linux) is missing"; return 1; }
  ip netns list >/dev/null 2>&1 || { echo "cannot list network namespaces (ip netns)"; return 1; }
  return 0
}

start() { # name command... : runs in the namespace, logs to $LOGS/name.log, pid to $RUN/name.pid
  local name=$1; shift
  nohup nsenter --net="/var/run/netns/$NS" "$@" >"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

wait_for() { # what seconds command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "node: $what did not come up within ${seconds}s; see $LOGS" >&2
  return 1
}

pki() {
  [[ -s "$PKI/admin.crt" ]] && return
  mkdir -p "$PKI" && cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=elbow-node-ca" 2>/dev/null
  cert() { # name subject [extensions]
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    printf '%s\n' "${3:-basicConstraints=CA:FALSE}" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 3650 \
      -extfile "$1.ext" 2>/dev/null
  }
  cert apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:$NODE_IP,IP:10.96.0.1,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert kubelet-server "/CN=$NODE" "subjectAltName=IP:$NODE_IP,DNS:$NODE"
  cert node "/O=system:nodes/CN=system:node:$NODE"
  cert apiserver-kubelet "/O=system:masters/CN=kube-apiserver-kubelet-client"
  cert admin "/O=system:masters/CN=admin"
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  cd - >/dev/null
}

kubeconfig() { # file user
  cat >"$1" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: elbow-node, cluster: {server: "https://$NODE_IP:6443", certificate-authority: $PKI/ca.crt}}]
users: [{name: $2, user: {client-certificate: $PKI/$2.crt, client-key: $PKI/$2.key}}]
contexts: [{name: elbow-node, context: {cluster: elbow-node, user: $2}}]
current-context: elbow-node
YAML
}

network() {
  ip netns list | grep -qw "$NS" || ip netns add "$NS"
  if ! ip link show elbow-h >/dev/null 2>&1; then
    ip link add elbow-h type veth peer name elbow-n
    ip link set elbow-n netns "$NS"
    ip addr add "$HOST_IP/24" dev elbow-h
    ip link set elbow-h up
    in_ns ip addr add "$NODE_IP/24" dev elbow-n
    in_ns ip link set elbow-n up
    in_ns ip link set lo up
  fi
  # Forwarding inside the namespace only (between its bridge and veth); the host's is untouched.
  in_ns sysctl -qw net.ipv4.ip_forward=1
}

configs() {
  local bin=$1 node_bin=$2
  mkdir -p "$STATE/cni/net.d" "$STATE/containerd" "$STATE/kubelet" "$STATE/etcd"
  cat >"$STATE/cni/net.d/10-elbow.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "elbow-node", "plugins": [
  {"type": "bridge", "bridge": "cni-elbow0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$STATE/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
  cat >"$STATE/containerd/config.toml" <<TOML
version = 3
root = "$STATE/containerd/root"
state = "$RUN/containerd"
[grpc]
  address = "$SOCK"
[plugins.'io.containerd.cri.v1.runtime']
  # Without it runc fails here: "failed to update /proc/self/oom_score_adj: Permission denied".
  restrict_oom_score_adj = true
  # Pods' network namespaces under the state directory, so that down finds and removes them all.
  netns_mounts_under_state_dir = true
[plugins.'io.containerd.cri.v1.runtime'.cni]
  bin_dirs = ["/usr/lib/cni"]
  conf_dir = "$STATE/cni/net.d"
[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  BinaryName = "$node_bin/runc"
[plugins.'io.containerd.cri.v1.images'.pinned_images]
  # Nothing can be pulled here: the sandbox image is the one this script imports.
  sandbox = "localhost/elbow-pause:1"
TOML
  cat >"$STATE/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1 on these machines, without the per-QoS hierarchy (see ../shared/reference/node.md).
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
localStorageCapacityIsolation: false
containerRuntimeEndpoint: unix://$SOCK
podCIDR: $POD_CIDR
tlsCertFile: $PKI/kubelet-server.crt
tlsPrivateKeyFile: $PKI/kubelet-server.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: AlwaysAllow}
evictionHard: {"memory.available": "50Mi"}
imageGCHighThresholdPercent: 100
YAML
}

up() {
  local reason
  reason=$(check) || { echo "node: this machine cannot run a node: $reason" >&2; exit 2; }
  local bin node_bin
  bin=$(scripts/kube-binaries.sh --node)
  node_bin=$(scripts/node-binaries.sh)
  export PATH="$node_bin:$PATH"
  if [[ -f "$RUN/kube-proxy.pid" ]] && kill -0 "$(cat "$RUN/kube-proxy.pid")" 2>/dev/null; then
    echo "$KUBECONFIG_OUT"; return
  fi
  mkdir -p "$STATE" "$RUN" "$LOGS"
  pki
  kubeconfig "$KUBECONFIG_OUT" admin
  kubeconfig "$STATE/kubelet.kubeconfig" node
  network
  configs "$bin" "$node_bin"

  echo "node: starting etcd and the API server" >&2
  start etcd "$bin/etcd" --data-dir "$STATE/etcd" --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
    --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster default=http://127.0.0.1:2380 \
    --unsafe-no-fsync
  start kube-apiserver "$bin/kube-apiserver" --etcd-servers http://127.0.0.1:2379 \
    --advertise-address "$NODE_IP" --bind-address 0.0.0.0 --secure-port 6443 \
    --service-cluster-ip-range "$SERVICE_CIDR" --client-ca-file "$PKI/ca.crt" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc --authorization-mode Node,RBAC \
    --kubelet-client-certificate "$PKI/apiserver-kubelet.crt" --kubelet-client-key "$PKI/apiserver-kubelet.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --allow-privileged=true
  wait_for "the API server" 90 "$bin/kubectl" --kubeconfig "$KUBECONFIG_OUT" get --raw /readyz

  echo "node: starting the controller manager, scheduler, containerd and kubelet" >&2
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$KUBECONFIG_OUT" \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials=false --leader-elect=false --bind-address 127.0.0.1
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$KUBECONFIG_OUT" --leader-elect=false \
    --bind-address 127.0.0.1
  start containerd "$node_bin/containerd" --config "$STATE/containerd/config.toml"
  wait_for "containerd" 30 "$node_bin/ctr" --address "$SOCK" version
  import_pause "$node_bin"
  start kubelet "$bin/kubelet" --config "$STATE/kubelet/config.yaml" \
    --kubeconfig "$STATE/kubelet.kubeconfig" --node-ip "$NODE_IP" --hostname-override "$NODE" \
    --root-dir "$STATE/kubelet/root"
  wait_for "the node" 120 node_ready "$bin/kubectl"
  # kube-proxy only once the node exists (it exits when it cannot find it).
  start kube-proxy "$bin/kube-proxy" --kubeconfig "$KUBECONFIG_OUT" --proxy-mode iptables \
    --hostname-override "$NODE" --nodeport-addresses "$NODE_IP/32" --conntrack-max-per-core 0 \
    --cluster-cidr 10.244.0.0/16 --metrics-bind-address 127.0.0.1:10249
  wait_for "kube-proxy" 60 in_ns iptables -t nat -S KUBE-SERVICES
  echo "$KUBECONFIG_OUT"
}

node_ready() {
  [[ $("$1" --kubeconfig "$KUBECONFIG_OUT" get node "$NODE" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

import_pause() {
  local node_bin=$1 tar="$STATE/pause-image.tar"
  [[ -s "$tar" ]] || python3 images/build.py "$tar" /dev/null 1 --raw "localhost/elbow-pause=$node_bin/pause:/pause" >/dev/null
  "$node_bin/ctr" --address "$SOCK" -n k8s.io images import "$tar" >/dev/null
}

import_image() {
  local node_bin
  node_bin=$(scripts/node-binaries.sh --path)
  "$node_bin/ctr" --address "$SOCK" -n k8s.io images import "$1" >&2
}

down() {
  local node_bin=""
  node_bin=$(scripts/node-binaries.sh --path)
  if [[ -S "$SOCK" && -x "$node_bin/ctr" ]]; then
    for task in $("$node_bin/ctr" --address "$SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
      "$node_bin/ctr" --address "$SOCK" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    done
  fi
  for name in kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver containerd etcd; do
    [[ -f "$RUN/$name.pid" ]] && kill "$(cat "$RUN/$name.pid")" 2>/dev/null || true
  done
  sleep 1
  pkill -KILL -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null || true
  for name in kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver containerd etcd; do
    [[ -f "$RUN/$name.pid" ]] && kill -KILL "$(cat "$RUN/$name.pid")" 2>/dev/null || true
  done
  # A container's processes outlive its shim (they are reparented to init), and the kubelet may
  # have restarted a task killed above before it stopped itself: kill whatever is still in the
  # containers' cgroups, then remove them.
  local cg pid
  for _ in 1 2 3; do
    for cg in /sys/fs/cgroup/pids/k8s.io/*/; do
      [[ -f "$cg/cgroup.procs" ]] || continue
      while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done < "$cg/cgroup.procs" || true
    done
    sleep 0.5
  done
  for cg in /sys/fs/cgroup/*/k8s.io; do
    if [[ -d "$cg" ]]; then
      find "$cg" -depth -mindepth 1 -type d -exec rmdir {} \; 2>/dev/null || true
    fi
  done
  awk -v s="$STATE" -v r="$RUN" 'index($2, s) == 1 || index($2, r) == 1 {print $2}' /proc/mounts \
    | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  ip link delete elbow-h 2>/dev/null || true
  ip netns delete "$NS" 2>/dev/null || true
  rm -rf "$RUN" "$STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  import) import_image "$2" ;;
  ctr) shift; exec "$(scripts/node-binaries.sh --path)/ctr" --address "$SOCK" -n k8s.io "$@" ;;
  check) check ;;
  *) sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
