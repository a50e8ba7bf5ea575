#!/usr/bin/env bash
# Installs the Debian packages the one-node cluster and its images need: containerd, runc and the
# CNI plugins, iptables and conntrack (kube-proxy), debootstrap (images.sh), gcc and libc6-dev (the
# static pause binary). Idempotent; asks apt only for what is missing.
set -euo pipefail
packages=(containerd runc containernetworking-plugins iptables conntrack debootstrap gcc libc6-dev jq curl iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "error: missing Debian packages: ${missing[*]}. Run as root, or: sudo apt-get install ${missing[*]}" >&2; exit 1; }
echo "[node-deps] installing ${missing[*]} (apt-get; about a minute)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian starts containerd as a service on install; the node runs its own, so the service stays off.
systemctl disable --now containerd >/dev/null 2>&1 || true
echo "[node-deps] done" >&2
