#!/usr/bin/env bash
# start.sh DIR [IMAGE_TARBALL...] - a real one-node Kubernetes 1.20 cluster without a container
# engine or registry: the control plane of hack/controlplane (etcd, kube-apiserver on the node
# bridge, kube-controller-manager), kube-scheduler, containerd + runc + CNI bridge (Debian),
# kubelet and kube-proxy (iptables), with network guards. Every image is imported from a
# tarball (hack/node/images.sh). All state is in DIR; stop with hack/node/stop.sh DIR, which
# removes everything this created and nothing else. See README.md in this folder.
#
# Prints progress on stderr; writes DIR/env (source it: KUBECONFIG, MAILSUB_NODE_*).
# Environment: MAILSUB_NODE_READY_TIMEOUT (s, default 120), MAILSUB_CP_BIN_DIR (binaries;
# default: output of hack/controlplane/build.sh --node).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
# shellcheck source=hack/node/node.sh
. "${HERE}/node.sh"

[[ $# -ge 1 && -n "$1" ]] || die "usage: $0 DIR [IMAGE_TARBALL...]" "DIR holds all state; stop with hack/node/stop.sh DIR."
mkdir -p "$1"
DIR="$(cd "$1" && pwd)"
shift
TIMEOUT="${MAILSUB_NODE_READY_TIMEOUT:-120}"
T0=$(date +%s%3N)

node_preflight || exit 1
exec 8>"${NODE_LOCK}"
flock -n 8 || die "another one-node cluster runs on this machine (${NODE_LOCK} is held)." \
  "Stop it first (hack/node/stop.sh DIR of that run), or wait for it."
ip link show "${NODE_BRIDGE}" >/dev/null 2>&1 &&
  die "the bridge ${NODE_BRIDGE} exists: a node was not stopped." "Run hack/node/stop.sh on its DIR (or: ip link del ${NODE_BRIDGE})."
if iptables-save | grep -q -- "--comment ${NODE_GUARD}\|^:KUBE-"; then
  die "iptables already holds Kubernetes or node-guard rules; another node runs or was not cleaned up." \
    "Run hack/node/stop.sh on its DIR; 'iptables-save | grep -E \"KUBE-|${NODE_GUARD}\"' shows them."
fi

if [[ -n "${MAILSUB_CP_BIN_DIR:-}" ]]; then
  BIN="${MAILSUB_CP_BIN_DIR}"
else
  BIN="$("${ROOT}/hack/controlplane/build.sh" --node | tail -n 1)" || die "build.sh --node failed (see above)."
fi
for b in kubelet kube-proxy kube-scheduler; do
  [[ -x "${BIN}/${b}" ]] || die "${BIN}/${b} is missing." "Run hack/controlplane/build.sh --node."
done

mkdir -p "${DIR}/logs" "${DIR}/state"
# On any failure from here on, undo what was started.
trap 'rc=$?; if ((rc != 0)); then log "start failed; stopping what was started"; "${HERE}/stop.sh" "${DIR}" >&2 || true; fi' EXIT
trap 'exit 130' INT TERM

# --- what stop.sh restores and removes -----------------------------------------------------
record_before() {
  local s
  [[ -s "${DIR}/state/sysctl" ]] || for s in "${NODE_SYSCTLS[@]}"; do
    printf '%s=%s\n' "${s}" "$(sysctl -n "${s}" 2>/dev/null || echo -)"
  done >"${DIR}/state/sysctl"
  [[ -e "${DIR}/state/paths" ]] || for s in "${NODE_HOST_PATHS[@]}"; do
    [[ -e "${s}" ]] && printf '%s\n' "${s}"
  done >"${DIR}/state/paths" || true
  [[ -e "${DIR}/state/netns" ]] || { ls /var/run/netns 2>/dev/null || true; } >"${DIR}/state/netns"
}
record_before

# --- network: bridge, service route, guards ---------------------------------------------------
log "network: bridge ${NODE_BRIDGE} ${NODE_BRIDGE_IP}/24, pods ${NODE_POD_CIDR}, services ${NODE_SERVICE_CIDR} routed onto the bridge"
ip link add "${NODE_BRIDGE}" type bridge
ip addr add "${NODE_BRIDGE_IP}/24" dev "${NODE_BRIDGE}"
ip link set "${NODE_BRIDGE}" up
# A ClusterIP with no endpoint must die on the bridge, never follow the default route.
ip route replace "${NODE_SERVICE_CIDR}" dev "${NODE_BRIDGE}"
uplink="$(ip route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") {print $(i + 1); exit}}')"
printf '%s\n' "${uplink}" >"${DIR}/state/uplink"
guard() { iptables "$@" -m comment --comment "${NODE_GUARD}"; }
# kubelet 1.20's in-tree ECR provider probes the metadata service; AWS_EC2_METADATA_DISABLED stops it, this is the backstop.
guard -I OUTPUT -d 169.254.0.0/16 -j REJECT
guard -I FORWARD -s "${NODE_POD_CIDR}" ! -d "${NODE_POD_CIDR}" -j DROP
[[ -z "${uplink}" ]] || guard -I FORWARD -o "${uplink}" -j DROP
# Pods may reach the host only at the bridge address (the API server and kubelet live there).
guard -I INPUT -s "${NODE_POD_CIDR}" ! -d "${NODE_BRIDGE_IP}" -j DROP
# Counted, not blocked (other work on this machine may resolve names): DNS leaving the host.
iptables -I OUTPUT -p udp --dport 53 ! -d 127.0.0.0/8 -m comment --comment "${NODE_AUDIT}"
iptables -I OUTPUT -p tcp --dport 53 ! -d 127.0.0.0/8 -m comment --comment "${NODE_AUDIT}"

# --- control plane on the bridge address -------------------------------------------------------
log "control plane (hack/controlplane/start.sh) on ${NODE_BRIDGE_IP}"
MAILSUB_CP_BIN_DIR="${BIN}" MAILSUB_CP_ADDRESS="${NODE_BRIDGE_IP}" MAILSUB_CP_SERVICE_CIDR="${NODE_SERVICE_CIDR}" MAILSUB_CP_SERVICE_ROUTING=clusterip \
  "${ROOT}/hack/controlplane/start.sh" "${DIR}/cp"
# shellcheck disable=SC1091
. "${DIR}/cp/env"

# --- containerd ---------------------------------------------------------------------------------
mkdir -p "${DIR}/containerd" "${DIR}/cni/net.d" "${DIR}/kubelet"
printf 'nameserver 127.0.0.1\n' >"${DIR}/resolv.conf"
# restrict_oom_score_adj: this machine cannot lower oom_score_adj, and runc otherwise fails
# with "can't get final child's PID from pipe: EOF". Root and state stay in DIR; runc's too.
containerd config default | sed \
  -e "s#^root = .*#root = \"${DIR}/containerd/root\"#" \
  -e "s#^state = .*#state = \"${DIR}/containerd/state\"#" \
  -e "s#address = \"/run/containerd/containerd.sock\"#address = \"${DIR}/containerd/containerd.sock\"#" \
  -e "s#sandbox_image = .*#sandbox_image = \"localhost/pause:3.4.1\"#" \
  -e 's#bin_dir = "/opt/cni/bin"#bin_dir = "/usr/lib/cni"#' \
  -e "s#conf_dir = \"/etc/cni/net.d\"#conf_dir = \"${DIR}/cni/net.d\"#" \
  -e "s#path = \"/opt/containerd\"#path = \"${DIR}/containerd/opt\"#" \
  -e 's#restrict_oom_score_adj = false#restrict_oom_score_adj = true#' \
  -e "s#^\\( *\\)Root = \"\"#\\1Root = \"${DIR}/containerd/runc\"#" \
  >"${DIR}/containerd/config.toml"
cat >"${DIR}/cni/net.d/10-mailsub.conflist" <<EOF
{ "cniVersion": "0.4.0", "name": "mailsub-node",
  "plugins": [ { "type": "bridge", "bridge": "${NODE_BRIDGE}", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "${DIR}/cni/ipam",
                "ranges": [[{"subnet": "${NODE_POD_CIDR}", "gateway": "${NODE_BRIDGE_IP}"}]],
                "routes": [{"dst": "0.0.0.0/0"}] } } ] }
EOF
SOCK="${DIR}/containerd/containerd.sock"
node_start_bg "${DIR}" containerd containerd --config "${DIR}/containerd/config.toml"
node_wait "${DIR}" containerd 60 test -S "${SOCK}"
for tarball in "$@"; do
  t=$(date +%s%3N)
  ctr -a "${SOCK}" -n k8s.io images import --no-unpack=false "${tarball}" >>"${DIR}/logs/images.log" 2>&1 ||
    die "ctr images import ${tarball} failed." "Log: ${DIR}/logs/images.log"
  log "imported ${tarball##*/} in $(($(date +%s%3N) - t)) ms"
done

# --- scheduler, kubelet, kube-proxy -----------------------------------------------------------
node_start_bg "${DIR}" kube-scheduler "${BIN}/kube-scheduler" --kubeconfig="${KUBECONFIG}" --leader-elect=false \
  --bind-address=127.0.0.1 --secure-port="${NODE_PORT_SCHEDULER}" --port=0
# AWS_EC2_METADATA_DISABLED: see the guard above. --resolv-conf: pods resolve nothing outside.
# Image GC off: every image here was imported, none can be pulled again.
node_start_bg "${DIR}" kubelet env AWS_EC2_METADATA_DISABLED=true "${BIN}/kubelet" \
  --kubeconfig="${KUBECONFIG}" --register-node=true --hostname-override="${NODE_NAME}" \
  --container-runtime=remote --container-runtime-endpoint="unix://${SOCK}" --image-service-endpoint="unix://${SOCK}" \
  --cgroup-driver=cgroupfs --cgroups-per-qos=false --enforce-node-allocatable= --fail-swap-on=false \
  --node-ip="${NODE_BRIDGE_IP}" --address="${NODE_BRIDGE_IP}" --port="${NODE_PORT_KUBELET}" --read-only-port=0 \
  --healthz-bind-address=127.0.0.1 --healthz-port="${NODE_PORT_KUBELET_HEALTHZ}" \
  --root-dir="${DIR}/kubelet" --cert-dir="${DIR}/kubelet/pki" --volume-plugin-dir="${DIR}/kubelet/volume-plugins" \
  --resolv-conf="${DIR}/resolv.conf" --pod-infra-container-image=localhost/pause:3.4.1 \
  --image-gc-high-threshold=100 --image-gc-low-threshold=99 --v=2
node_wait "${DIR}" kubelet "${TIMEOUT}" kubectl get node "${NODE_NAME}"
node_start_bg "${DIR}" kube-proxy "${BIN}/kube-proxy" --kubeconfig="${KUBECONFIG}" --hostname-override="${NODE_NAME}" \
  --bind-address="${NODE_BRIDGE_IP}" --proxy-mode=iptables --cluster-cidr="${NODE_POD_CIDR}" \
  --conntrack-max-per-core=0 --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 \
  --healthz-bind-address="127.0.0.1:${NODE_PORT_PROXY_HEALTHZ}" --metrics-bind-address="127.0.0.1:${NODE_PORT_PROXY_METRICS}" --v=2
node_wait "${DIR}" kubelet "${TIMEOUT}" kubectl wait --for=condition=Ready "node/${NODE_NAME}" --timeout=5s
node_wait "${DIR}" kube-proxy "${TIMEOUT}" curl -fsS --max-time 2 "http://127.0.0.1:${NODE_PORT_PROXY_HEALTHZ}/healthz"

{
  cat "${DIR}/cp/env"
  printf 'export %s=%q\n' MAILSUB_NODE_DIR "${DIR}" MAILSUB_NODE_NAME "${NODE_NAME}" \
    MAILSUB_NODE_CONTAINERD_SOCK "${SOCK}" MAILSUB_NODE_BRIDGE_IP "${NODE_BRIDGE_IP}" \
    MAILSUB_NODE_POD_CIDR "${NODE_POD_CIDR}" MAILSUB_NODE_SERVICE_CIDR "${NODE_SERVICE_CIDR}"
} >"${DIR}/env.tmp"
chmod 600 "${DIR}/env.tmp"
mv "${DIR}/env.tmp" "${DIR}/env"
trap - EXIT
log "node ${NODE_NAME} Ready in $(($(date +%s%3N) - T0)) ms (source ${DIR}/env; stop with ${HERE}/stop.sh ${DIR})"
