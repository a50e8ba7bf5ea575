#!/usr/bin/env bash
# stop.sh DIR - stop the control plane that start.sh started from DIR:
# kube-controller-manager, kube-apiserver, then etcd; SIGTERM, then SIGKILL
# after MAILSUB_CP_STOP_TIMEOUT seconds (default 10). Removes nothing.
set -euo pipefail

TIMEOUT="${MAILSUB_CP_STOP_TIMEOUT:-10}"

# shellcheck source=hack/controlplane/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"

[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 DIR" "DIR is the folder given to start.sh."
[[ -d "$1" ]] || die "$1 is not a folder." "Pass the folder given to start.sh."
DIR="$1"

# is_ours PID NAME: PID is alive and runs NAME (guards against reused pids).
is_ours() {
  kill -0 "$1" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"
}

failed=0
for name in kube-controller-manager kube-apiserver etcd; do
  pidf="${DIR}/${name}.pid"
  [[ -s "${pidf}" ]] || continue
  pid="$(<"${pidf}")"
  if ! [[ "${pid}" =~ ^[0-9]+$ ]]; then
    log "ignoring ${pidf}: not a pid"
    continue
  fi
  if ! is_ours "${pid}" "${name}"; then
    log "${name} (pid ${pid}) is not running"
    continue
  fi
  kill -TERM "${pid}" 2>/dev/null || true
  deadline=$(($(date +%s) + TIMEOUT))
  while is_ours "${pid}" "${name}" && (($(date +%s) < deadline)); do sleep 0.1; done
  if is_ours "${pid}" "${name}"; then
    log "${name} (pid ${pid}) ignored SIGTERM for ${TIMEOUT} s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    for _ in $(seq 50); do is_ours "${pid}" "${name}" || break; sleep 0.1; done
  fi
  if is_ours "${pid}" "${name}"; then
    log "ERROR: ${name} (pid ${pid}) still running after SIGKILL"
    failed=1
  else
    log "stopped ${name} (pid ${pid})"
  fi
done
((failed == 0)) || die "some processes did not stop." "Inspect with: ps -p <pid> -o pid,stat,cmd"
