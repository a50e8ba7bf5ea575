#!/usr/bin/env bash
# hack/node/run.sh - `make run` on the real one-node cluster (hack/run.sh runs it when
# hack/node/detect.sh says node). Builds the node binaries and the images, starts the node, installs
# cert-manager's CRDs, the chart and the smtp-sink (install.sh, as the end-to-end tests do), applies
# samples/modern.yaml relaying to the sink (nothing leaves the node), plays cert-manager (the one
# fake: a self-signed certificate, see hack/run-steps.sh), waits for the conditions and prints them,
# sends one message with swaks through the Service's ClusterIP (587, STARTTLS, AUTH) to prove it,
# prints that swaks command, then READY. Ctrl-C, SIGTERM or SIGHUP: hack/node/stop.sh removes the
# node and everything it made; its failure (something left) is this script's exit code 1.
#
# No password is printed or written to a log: the printed swaks commands read theirs from the
# Secrets when they run. Environment: MAILSUB_RUN_DIR (default /tmp/mailsub-run), MAILSUB_RUN_KEEP=1
# keeps that folder (logs, node state) after the stop.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
# shellcheck source=hack/controlplane/log.sh
. "${ROOT}/hack/controlplane/log.sh"
dir=${MAILSUB_RUN_DIR:-/tmp/mailsub-run}
node="${dir}/node"
ns=mail
name=modern
T0=$(date +%s)

# Every long step runs as a child this shell waits for, so a signal reaches the trap at once and
# the trap stops that child (start.sh undoes what it had started) before stopping the node.
child=""
cleanup() {
  local rc=$?
  trap '' INT TERM HUP
  trap - EXIT
  if [[ -n "${child}" ]] && kill -0 "${child}" 2>/dev/null; then
    kill -TERM "${child}" 2>/dev/null || true
    wait "${child}" 2>/dev/null || true
  fi
  # Only a node this run started: start.sh writes DIR/env last, and undoes itself when it fails.
  if [[ -s "${node}/env" ]]; then
    log "stopping: hack/node/stop.sh ${node}"
    if ! "${HERE}/stop.sh" "${node}"; then
      log "ERROR: hack/node/stop.sh left something behind (see above); kept ${dir} for its logs. Look, then run: hack/node/stop.sh ${node}"
      exit 1
    fi
  fi
  # It holds a private key and the node's state: gone unless asked to keep it.
  if [[ "${MAILSUB_RUN_KEEP:-0}" == 1 ]]; then
    log "kept ${dir} (MAILSUB_RUN_KEEP=1): logs, the node's state and the private key; rm -rf ${dir} when done"
  elif rm -rf "${dir}"; then
    log "removed ${dir} (its private key and the node's state)"
  else
    log "could not remove ${dir} (see above); it holds a private key: rm -rf ${dir}"
  fi
  log "stopped"
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# step WHAT OUT COMMAND...: run COMMAND as a waited-for child, stdout into OUT, progress on stderr.
step() {
  local what="$1" out="$2" t rc=0
  shift 2
  t=$(date +%s)
  log "${what}..."
  "$@" >"${out}" &
  child=$!
  wait "${child}" || rc=$?
  child=""
  ((rc == 0)) || die "${what} failed (exit ${rc}, see above)." "Fix that, then make run again; MAILSUB_RUN_MODE=local runs the loopback mode meanwhile."
  log "${what}: done in $(($(date +%s) - t)) s"
}

rm -rf "${dir}" && mkdir -p "${dir}"
step "node binaries (hack/controlplane/build.sh --node; cached after the first build)" "${dir}/node-bin" \
  "${ROOT}/hack/controlplane/build.sh" --node
node_bin="$(tail -n 1 "${dir}/node-bin")"
step "images pause, postfix, operator (hack/node/images.sh; a minute or two per rootfs not cached)" "${dir}/images.txt" \
  env MAILSUB_BIN="${ROOT}/bin" MAILSUB_NODE_BIN="${node_bin}" "${HERE}/images.sh" "${dir}/images"
image() { awk -v n="$1" '$1 == n {print $'"$2"'}' "${dir}/images.txt"; }
step "node (hack/node/start.sh)" /dev/null \
  env MAILSUB_CP_BIN_DIR="${node_bin}" "${HERE}/start.sh" "${node}" "$(image pause 3)" "$(image postfix 3)" "$(image operator 3)"
step "CRDs, chart and sink (hack/node/install.sh)" "${dir}/sink" \
  "${HERE}/install.sh" "${node}" "$(image postfix 2)" "$(image operator 2)"
sink="$(tail -n 1 "${dir}/sink")"

# shellcheck disable=SC1091
. "${node}/env"
# shellcheck source=hack/run-steps.sh
. "${ROOT}/hack/run-steps.sh"
tools="$("${ROOT}/hack/tools.sh" | tail -n 1)"
kubectl() { "${tools}/kubectl" --kubeconfig "${KUBECONFIG}" "$@"; }

kubectl create namespace "${ns}" >/dev/null
kubectl -n "${ns}" create secret generic alice-password --from-literal="password=$(openssl rand -base64 18)" >/dev/null
# The sample as it is, but relaying to the sink (else Postfix would deliver to the Internet) and
# with a ClusterIP Service (no load balancer here; a LoadBalancer's node ports open on every address).
kubectl create --dry-run=client -o json -f "${ROOT}/samples/modern.yaml" |
  jq --arg sink "${sink}" '.spec.relayHost = {host: $sink, port: 2525, tlsLevel: "may"} | .spec.workload.service = {type: "ClusterIP"}' |
  kubectl apply --server-side --field-manager=make-run -f - >/dev/null
log "applied samples/modern.yaml (relayHost ${sink}:2525, the sink; Service ClusterIP)"

until tls_secret=$(kubectl -n "${ns}" get msub "${name}" -o json 2>/dev/null | jq -er '.status.tlsSecretName'); do sleep 0.2; done
play_cert_manager "${ns}" "${tls_secret}" "${dir}"
log "certificate issued (self-signed, in Secret ${tls_secret}; the one fake: no cert-manager runs here)"

log "waiting for ${ns}/${name} Ready and its Postfix pods (up to 180 s)"
child_wait() { "$@" & child=$!; wait "${child}"; }
if ! child_wait kubectl -n "${ns}" wait --for=condition=Ready "msub/${name}" --timeout=180s >/dev/null ||
  ! deploy=$(kubectl -n "${ns}" get deploy -l "mailsub.dev/submission=${name}" -o name) ||
  ! child_wait kubectl -n "${ns}" rollout status "${deploy}" --timeout=180s >/dev/null; then
  child=""
  print_status "${ns}" "${name}" >&2 || true
  kubectl -n "${ns}" logs -l "app.kubernetes.io/instance=${name}" --all-containers --tail=20 --prefix >&2 || true
  die "${ns}/${name} did not become Ready in 180 s (conditions and pod logs above)." \
    "Operator log: kubectl --kubeconfig ${KUBECONFIG} -n mailsub-system logs -l app.kubernetes.io/name=mailsub"
fi
child=""
print_status "${ns}" "${name}"
svc="$(kubectl -n "${ns}" get svc "${name}" -o 'jsonpath={.spec.clusterIP}')"

# The swaks commands as printed: each reads its password from the Secret when it runs.
password_of() { # SECRET KEY
  printf '"$(%s/kubectl --kubeconfig %s -n %s get secret %s -o jsonpath={.data.%s} | base64 -d)"' "${tools}" "${KUBECONFIG}" "${ns}" "$1" "$2"
}
subject="make run $(date -u +%FT%TZ)"
swaks_587="SWAKS_OPT_auth_password=$(password_of "${name}-generated-passwords" bob) swaks --server ${svc}:587 --tls --auth PLAIN --auth-user bob --from bob@example.com --to someone@example.net"
swaks_465="SWAKS_OPT_auth_password=$(password_of alice-password password) swaks --server ${svc}:465 --tls-on-connect --auth PLAIN --auth-user alice --from alice@example.com --to someone@example.net --quit-after AUTH"

# Prove it once: the 587 command, through the ClusterIP, into the sink. kube-proxy writes a new
# endpoint's rules a moment after the pod is Ready, so a failure is retried (20 times, 0.5 s apart).
# swaks' transcript holds the AUTH exchange, so only its result lines are shown.
proof=""
for _ in $(seq 20); do
  if proof="$(timeout 30 bash -c "${swaks_587} --header 'Subject: ${subject}'" 2>&1)"; then break; fi
  proof=""
  sleep 0.5
done
[[ -n "${proof}" ]] || die "swaks through ${svc}:587 failed 20 times." \
  "Pod logs: kubectl --kubeconfig ${KUBECONFIG} -n ${ns} logs -l app.kubernetes.io/instance=${name} --all-containers"
grep -E '^<~? +(235|250 .*queued)' <<<"${proof}" | sed 's/^/  swaks: /' >&2
for _ in $(seq 20); do
  kubectl -n sink exec deploy/sink -- grep -rqF "Subject: ${subject}" /sink 2>/dev/null && break
  sleep 1
done
kubectl -n sink exec deploy/sink -- grep -rqF "Subject: ${subject}" /sink 2>/dev/null ||
  die "the message was accepted on ${svc}:587 but did not reach the sink in 20 s." \
    "Postfix queue: kubectl --kubeconfig ${KUBECONFIG} -n ${ns} logs -l app.kubernetes.io/instance=${name} --all-containers"
log "swaks: bob authenticated on ${svc}:587 (STARTTLS), the message reached the sink"

echo "export KUBECONFIG=${KUBECONFIG}   # kubectl get msub: the context's namespace is ${ns}"
echo "${swaks_587}"
echo "${swaks_465}"
echo "READY ${name}: Ready=True in $(($(date +%s) - T0)) s, Service ${svc} (587, 465), operator and Postfix as pods on node ${MAILSUB_NODE_NAME}, Ctrl-C stops everything"
while true; do
  sleep 3600 &
  child=$!
  wait "${child}" || true
done
