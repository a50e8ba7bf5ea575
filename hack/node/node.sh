# Sourced by hack/node/{start,stop}.sh: the node's fixed addresses and names, what it may change on
# the host (and so what stop.sh restores), and small process helpers.
# shellcheck shell=bash
# shellcheck source=hack/controlplane/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/../controlplane/log.sh"

# One node per machine: the bridge, the ranges and the ports below are fixed.
readonly NODE_NAME=mailsub-node
readonly NODE_BRIDGE=mailsub0
readonly NODE_BRIDGE_IP=10.88.0.1
readonly NODE_POD_CIDR=10.88.0.0/24
readonly NODE_SERVICE_CIDR=10.96.0.0/24
readonly NODE_LOCK=/run/mailsub-node.lock
readonly NODE_GUARD=mailsub-node-guard
readonly NODE_AUDIT=mailsub-node-audit
readonly NODE_PORT_KUBELET=10350 NODE_PORT_KUBELET_HEALTHZ=10348 NODE_PORT_SCHEDULER=10359
readonly NODE_PORT_PROXY_HEALTHZ=10356 NODE_PORT_PROXY_METRICS=10357
# Stop order: consumers before what they consume.
readonly NODE_COMPONENTS=(kube-proxy kubelet kube-scheduler containerd)

# Set by kube-proxy and the kubelet; stop.sh writes back what start.sh recorded.
readonly NODE_SYSCTLS=(net.ipv4.ip_forward net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
# Host folders the kubelet, containerd and CNI create whatever their flags say; stop.sh removes
# the ones that did not exist before start.sh.
readonly NODE_HOST_PATHS=(/var/log/pods /var/log/containers /var/lib/cni /run/containerd /var/run/netns
  /var/lib/kubelet /etc/kubernetes /usr/libexec/kubernetes)

# node_preflight: can this machine run a node? Says why not on stderr (make run falls back on it).
node_preflight() {
  local missing=() t
  ((EUID == 0)) || { log "cannot run a node: not root (containerd, kubelet, iptables and mounts need root)"; return 1; }
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || grep -qw overlay /proc/filesystems ||
    { log "cannot run a node: the kernel has no overlay filesystem (containerd's snapshotter needs it)"; return 1; }
  for t in containerd ctr runc iptables iptables-save ip conntrack curl kubectl jq; do
    command -v "${t}" >/dev/null || missing+=("${t}")
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] || missing+=(CNI-plugins)
  if ((${#missing[@]})); then
    log "cannot run a node: missing ${missing[*]} (run hack/node/deps.sh)"
    return 1
  fi
  iptables -L OUTPUT -n >/dev/null 2>&1 || { log "cannot run a node: iptables does not work here ($(iptables -L OUTPUT -n 2>&1 | head -1))"; return 1; }
}

# node_start_bg DIR NAME COMMAND...: detached, in its own session, logging to DIR/logs/NAME.log.
node_start_bg() {
  local dir="$1" name="$2"
  shift 2
  printf '### %s %s\n' "$(date '+%F %T')" "$*" >>"${dir}/logs/${name}.log"
  setsid "$@" >>"${dir}/logs/${name}.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"${dir}/${name}.pid"
}

# node_wait DIR NAME SECONDS CHECK...: poll CHECK every 0.5 s; fail with NAME's log tail.
node_wait() {
  local dir="$1" name="$2" deadline=$(($(date +%s) + $3)) pid
  shift 3
  pid="$(cat "${dir}/${name}.pid" 2>/dev/null || true)"
  until "$@" >/dev/null 2>&1; do
    if [[ -n "${pid}" ]] && ! kill -0 "${pid}" 2>/dev/null; then
      tail -n 20 "${dir}/logs/${name}.log" >&2 || true
      die "${name} exited during start." "Full log: ${dir}/logs/${name}.log"
    fi
    (($(date +%s) < deadline)) || { tail -n 20 "${dir}/logs/${name}.log" >&2 || true; die "${name} not ready in time." "Full log: ${dir}/logs/${name}.log"; }
    sleep 0.5
  done
}

# node_stop_pid DIR NAME: SIGTERM, SIGKILL after 10 s.
node_stop_pid() {
  local f="$1/$2.pid" pid i
  [[ -s "${f}" ]] || return 0
  pid="$(<"${f}")"
  if kill -0 "${pid}" 2>/dev/null; then
    kill -TERM "${pid}" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.1; done
    kill -0 "${pid}" 2>/dev/null && { log "$2 ignored SIGTERM for 10 s; SIGKILL"; kill -KILL "${pid}" 2>/dev/null || true; }
  fi
  rm -f "${f}"
}
