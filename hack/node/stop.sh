#!/usr/bin/env bash
# stop.sh DIR - stop the node that start.sh started from DIR and remove what it created: pods and
# their sandboxes, kube-proxy, kubelet, scheduler, containerd and its shims, the control plane,
# mounts under DIR, the pods' network namespaces, the bridge, every iptables rule and chain the
# node added, host folders that did not exist before, and the sysctls as they were. Prints what the
# guards caught (it must be 0) and exits 1 if anything is left. Removes DIR itself only with --purge.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
# shellcheck source=hack/node/node.sh
. "${HERE}/node.sh"

purge=0
[[ "${1:-}" == --purge ]] && { purge=1; shift; }
[[ $# -eq 1 && -d "$1" ]] || die "usage: $0 [--purge] DIR" "DIR is the folder given to start.sh."
DIR="$(cd "$1" && pwd)"
SOCK="${DIR}/containerd/containerd.sock"
CTR=(ctr -a "${SOCK}" -n k8s.io)

# Pods first, while the API server and kubelet still run, so their containers stop cleanly.
if [[ -s "${DIR}/kubelet.pid" ]] && kill -0 "$(<"${DIR}/kubelet.pid")" 2>/dev/null && [[ -s "${DIR}/cp/env" ]]; then
  # shellcheck disable=SC1091
  . "${DIR}/cp/env"
  log "deleting workloads and pods"
  kubectl delete deploy,statefulset,daemonset,replicaset --all -A --wait=false >/dev/null 2>&1 || true
  kubectl delete pod --all -A --grace-period=2 --timeout=60s >/dev/null 2>&1 || true
fi
for c in "${NODE_COMPONENTS[@]}"; do
  [[ "${c}" == containerd && -S "${SOCK}" ]] && for t in $("${CTR[@]}" tasks ls -q 2>/dev/null); do
    "${CTR[@]}" tasks kill -s SIGKILL "${t}" >/dev/null 2>&1 || true
  done
  node_stop_pid "${DIR}" "${c}"
done
# Shims outlive containerd by design; these are ours by their socket address.
for p in $(pgrep -f "containerd-shim.*-address ${SOCK}" || true); do kill -KILL "${p}" 2>/dev/null || true; done
[[ -d "${DIR}/cp" ]] && "${ROOT}/hack/controlplane/stop.sh" "${DIR}/cp" >/dev/null 2>&1

log "removing mounts, network namespaces, the bridge, iptables rules, host folders; restoring sysctls"
awk '{print $5}' /proc/self/mountinfo | grep "^${DIR}/" | sort -r | while read -r m; do umount -l "${m}" 2>/dev/null || true; done
for ns in $(ls /var/run/netns 2>/dev/null); do
  grep -qx "${ns}" "${DIR}/state/netns" 2>/dev/null || ip netns delete "${ns}" 2>/dev/null || true
done
for v in $(ip -o link show master "${NODE_BRIDGE}" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do ip link del "${v}" 2>/dev/null || true; done
ip link del "${NODE_BRIDGE}" 2>/dev/null || true
ip route del "${NODE_SERVICE_CIDR}" 2>/dev/null || true

# What the guards caught, before their rules go.
caught="$(iptables -L -v -n -x 2>/dev/null | awk -v g="${NODE_GUARD}" 'index($0, g) && $3 != "" {s += $1} END {print s + 0}')"
# Which guard, so that a catch names the traffic (chain, packets, the rule's match).
caught_by="$(for c in INPUT FORWARD OUTPUT; do
  iptables -L "${c}" -v -n -x 2>/dev/null | awk -v g="${NODE_GUARD}" -v c="${c}" 'index($0, g) && $1 > 0 {$2 = ""; print c ": " $0}'
done)"
dns="$(iptables -L OUTPUT -v -n -x 2>/dev/null | awk -v g="${NODE_AUDIT}" 'index($0, g) {s += $1} END {print s + 0}')"
for ipt in iptables ip6tables; do
  for t in filter nat mangle; do
    # Rules: the guards, and every jump into a KUBE- chain (kubelet's and kube-proxy's).
    "${ipt}" -t "${t}" -S 2>/dev/null | grep -E -- "^-A .*(-j KUBE-|--comment \"?(${NODE_GUARD}|${NODE_AUDIT}))" | grep -v '^-A KUBE-' |
      sed 's/^-A/-D/' | while read -r rule; do eval "${ipt} -t ${t} ${rule}" 2>/dev/null || true; done
    for c in $("${ipt}" -t "${t}" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do "${ipt}" -t "${t}" -F "${c}" 2>/dev/null; done
    for c in $("${ipt}" -t "${t}" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do "${ipt}" -t "${t}" -X "${c}" 2>/dev/null; done
  done
done
conntrack -D -s "${NODE_POD_CIDR}" >/dev/null 2>&1 || true
conntrack -D -d "${NODE_SERVICE_CIDR}" >/dev/null 2>&1 || true
if [[ -s "${DIR}/state/sysctl" ]]; then
  while IFS='=' read -r k v; do [[ "${v}" == - ]] || sysctl -qw "${k}=${v}" 2>/dev/null || true; done <"${DIR}/state/sysctl"
fi
if [[ -e "${DIR}/state/paths" ]]; then
  for p in "${NODE_HOST_PATHS[@]}"; do
    grep -qx "${p}" "${DIR}/state/paths" || rm -rf "${p}"
  done
fi
# containerd's cgroups (cgroupfs driver, no QoS cgroups): empty once the tasks are gone.
find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name k8s.io 2>/dev/null | while read -r cg; do
  find "${cg}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
done

# What is left?
left=()
procs="$(pgrep -f -- "${DIR}/(containerd|kubelet|cp)/" | tr '\n' ' ')"
[[ -z "${procs// /}" ]] || left+=("processes ${procs}")
grep -q " ${DIR}/" /proc/self/mountinfo && left+=("mounts under ${DIR}")
ip link show "${NODE_BRIDGE}" >/dev/null 2>&1 && left+=("bridge ${NODE_BRIDGE}")
iptables-save 2>/dev/null | grep -qE -- "KUBE-|${NODE_GUARD}|${NODE_AUDIT}" && left+=("iptables rules")
log "guards caught ${caught} packet(s); DNS queries that left the host: ${dns}"
[[ -z "${caught_by}" ]] || log "caught by: ${caught_by//$'\n'/; }"
if ((${#left[@]})); then
  log "ERROR: left behind: ${left[*]}"
  exit 1
fi
((purge)) && rm -rf "${DIR}"
log "stopped; nothing left"
