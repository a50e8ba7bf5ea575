#!/usr/bin/env bash
# detect.sh - can `make run` use the real one-node cluster here? Prints one line on stdout:
#   node                    this machine can run the node, and no other node runs
#   local <reason>          it cannot (or MAILSUB_RUN_MODE=local): the reason, and what to do
# and exits 0 either way; exits 1 with the reason on stderr when MAILSUB_RUN_MODE=node asks for
# the node and it cannot run, 2 for a MAILSUB_RUN_MODE it does not know.
#
# Sourced, it defines node_run_mode (the decision) over small checks that a test can replace:
# node_preflight (node.sh: root, overlay filesystem, the node's tools, working iptables),
# node_busy (the machine-wide lock and the bridge).
# shellcheck shell=bash

# shellcheck source=hack/node/node.sh
. "$(dirname "${BASH_SOURCE[0]}")/node.sh"

# node_busy [LOCK [BRIDGE]]: says on stdout why another node holds the machine; false when none
# does. Reads /proc/locks rather than trying the lock, so it never takes it from a start.sh that
# is about to.
node_busy() {
  local lock="${1:-${NODE_LOCK}}" bridge="${2:-${NODE_BRIDGE}}" dev ino
  if [[ -e "${lock}" ]]; then
    read -r dev ino < <(stat -L -c '%d %i' "${lock}")
    dev="$(printf '%02x:%02x' $(((dev >> 8) & 0xfff)) $(((dev & 0xff) | ((dev >> 12) & 0xfff00))))"
    if awk -v id="${dev}:${ino}" '$2 == "FLOCK" && $6 == id {found = 1} END {exit !found}' /proc/locks; then
      echo "another one-node cluster runs on this machine (${lock} is held: an end-to-end test or another make run)"
      return 0
    fi
  fi
  if ip link show "${bridge}" >/dev/null 2>&1; then
    echo "the bridge ${bridge} exists: a node runs or was not stopped (hack/node/stop.sh on its DIR removes it)"
  else
    return 1
  fi
}

# node_run_mode: the decision, as described at the top. Another node running is a reason to fall
# back, not to fail: the node is one per machine and shared with the end-to-end tests, while the
# loopback mode runs beside it; MAILSUB_RUN_MODE=node refuses instead.
node_run_mode() {
  local want="${MAILSUB_RUN_MODE:-}" why
  case "${want}" in
    local) echo "local MAILSUB_RUN_MODE=local"; return 0 ;;
    "" | node) ;;
    *) echo "MAILSUB_RUN_MODE=${want}: use node, local, or leave it unset (node when the machine allows it)" >&2; return 2 ;;
  esac
  # node_preflight says why not through log (stderr); keep its last line as the reason.
  if ! why="$(node_preflight 2>&1 >/dev/null)"; then
    why="$(tail -n 1 <<<"${why}" | sed 's/^\[[^]]*\] [^:]*: //')"
  elif why="$(node_busy)"; then
    :
  else
    echo node
    return 0
  fi
  if [[ "${want}" == node ]]; then
    echo "MAILSUB_RUN_MODE=node, but ${why}" >&2
    return 1
  fi
  echo "local ${why}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  node_run_mode
fi
