#!/usr/bin/env bash
# start.sh DIR - start etcd, kube-apiserver and kube-controller-manager on free
# loopback ports, all state in DIR; returns once the control plane is ready.
#
# Writes DIR/kubeconfig (admin, token auth) and DIR/env (shell-sourceable).
# Stop with: hack/controlplane/stop.sh DIR
#
# Environment:
#   MAILSUB_CP_BIN_DIR       binaries to use (default: output of build.sh)
#   MAILSUB_CP_READY_TIMEOUT seconds to wait for each component (default 60)
#   MAILSUB_CP_API_PORT      kube-apiserver port (default: a free one); set it to
#                            restart on the same address, so running clients reconnect
#   MAILSUB_CP_ADDRESS       kube-apiserver bind and advertise address (default 127.0.0.1);
#                            hack/node sets the node bridge's address, so that the
#                            `kubernetes` Service gets a real endpoint pods can reach
#   MAILSUB_CP_SERVICE_CIDR  Service ClusterIP range (default 10.0.0.0/16)
#   MAILSUB_CP_SERVICE_ROUTING  how the API server calls a webhook's Service: `endpoints`
#                            (default: to a pod's address, never a ClusterIP: with no kube-proxy
#                            a ClusterIP is not translated and the call would leave the machine)
#                            or `clusterip` (hack/node, where kube-proxy translates it)
#   MAILSUB_CP_NAMESPACE     namespace of DIR/kubeconfig's context (default `default`); make run
#                            sets its sample's, so `kubectl get msub` finds it
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
TIMEOUT="${MAILSUB_CP_READY_TIMEOUT:-60}"
ADDRESS="${MAILSUB_CP_ADDRESS:-127.0.0.1}"
SERVICE_CIDR="${MAILSUB_CP_SERVICE_CIDR:-10.0.0.0/16}"
CONTEXT_NAMESPACE="${MAILSUB_CP_NAMESPACE:-default}"
case "${MAILSUB_CP_SERVICE_ROUTING:-endpoints}" in
  endpoints) AGGREGATOR_ROUTING=true ;;
  clusterip) AGGREGATOR_ROUTING=false ;;
  *) echo "start.sh: MAILSUB_CP_SERVICE_ROUTING must be endpoints or clusterip, not '${MAILSUB_CP_SERVICE_ROUTING}'" >&2; exit 2 ;;
esac
# The first address of the range is the `kubernetes` Service's ClusterIP (IPv4 ranges on a byte boundary).
IFS=./ read -r o1 o2 o3 o4 _ <<<"${SERVICE_CIDR}"
KUBERNETES_SERVICE_IP="${o1}.${o2}.${o3}.$((o4 + 1))"

# shellcheck source=hack/controlplane/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"

[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 DIR" "DIR holds all state (certs, tokens, etcd data, logs, pids); it is created if missing."
mkdir -p "$1" || die "cannot create $1." "Pass a writable folder."
DIR="$(cd "$1" && pwd)"
readonly DIR

for tool in openssl curl ss flock base64; do
  command -v "${tool}" >/dev/null || die "'${tool}' not found on PATH." "Install it (Debian: apt-get install -y openssl curl iproute2 util-linux coreutils)."
done

# pid_alive NAME: true when DIR/NAME.pid names a live process running NAME.
pid_alive() {
  local pidf="${DIR}/$1.pid" pid
  [[ -s "${pidf}" ]] || return 1
  pid="$(<"${pidf}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -q -- "$1"
}

exec 9>"${DIR}/.start.lock"
flock -n 9 || die "another start.sh is running on ${DIR}." "Wait for it, or use another DIR."
for c in etcd kube-apiserver kube-controller-manager; do
  if pid_alive "${c}"; then
    die "${c} is already running from ${DIR} (pid $(<"${DIR}/${c}.pid"))." "Run: ${HERE}/stop.sh ${DIR}   (or use another DIR)"
  fi
done

# --- binaries ----------------------------------------------------------------
if [[ -n "${MAILSUB_CP_BIN_DIR:-}" ]]; then
  BIN="${MAILSUB_CP_BIN_DIR}"
else
  BIN="$("${HERE}/build.sh" | tail -n 1)" || die "build.sh failed (see its output above)." "Fix that first; start.sh needs its binaries."
fi
for b in etcd kube-apiserver; do
  [[ -x "${BIN}/${b}" ]] || die "${BIN}/${b} is missing." "Run ${HERE}/build.sh, or set MAILSUB_CP_BIN_DIR / KUBEBUILDER_ASSETS to a folder holding it."
done
HAVE_KCM=0
[[ -x "${BIN}/kube-controller-manager" ]] && HAVE_KCM=1
((HAVE_KCM)) || log "warning: no ${BIN}/kube-controller-manager: running without it (no garbage collection, no Deployment->ReplicaSet)"

mkdir -p "${DIR}/certs" "${DIR}/logs"

# --- on failure: stop what we started and show the log -------------------------
STARTED=()
cleanup_on_error() {
  local rc=$?
  ((rc == 0)) && return 0
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    kill -TERM "${STARTED[i]}" 2>/dev/null || true
  done
  sleep 1
  for i in "${STARTED[@]}"; do kill -KILL "${i}" 2>/dev/null || true; done
  ((${#STARTED[@]} == 0)) || log "stopped the processes this run had started (${STARTED[*]})"
  return "${rc}"
}
trap cleanup_on_error EXIT
trap 'exit 130' INT TERM

fail_with_log() { # fail_with_log COMPONENT MESSAGE
  local logf="${DIR}/logs/$1.log"
  if [[ -f "${logf}" ]]; then
    printf -- '--- last 25 lines of %s ---\n' "${logf}" >&2
    tail -n 25 "${logf}" >&2
    printf -- '---\n' >&2
  fi
  die "$2" "Full log: ${logf}" "Stale state? Remove ${DIR} (after stop.sh) and retry with a fresh DIR."
}

# --- free ports (loopback) -------------------------------------------------------
USED_PORTS=" "
free_port() { # free_port VAR: set VAR to a free loopback TCP port
  local p i listening
  listening=" $(ss -Htan 2>/dev/null | awk '{n=split($4,a,":"); printf "%s ", a[n]}') "
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 40000))
    [[ "${listening}" == *" ${p} "* || "${USED_PORTS}" == *" ${p} "* ]] && continue
    USED_PORTS+="${p} "
    printf -v "$1" '%s' "${p}"
    return 0
  done
  die "could not find a free TCP port on 127.0.0.1." "Check: ss -ltn"
}

# --- credentials: CA, serving cert, service-account key, tokens (kept on restart)
gen_certs() {
  local c="${DIR}/certs"
  if [[ ! -s "${c}/ca.crt" ]]; then
    log "generating CA and serving certificate (SAN ${SAN})"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -subj "/CN=mailsub-local-ca" -keyout "${c}/ca.key" -out "${c}/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
      die "openssl could not create the CA." "Check that openssl works: openssl version"
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=127.0.0.1" \
      -keyout "${c}/apiserver.key" -out "${c}/apiserver.csr" 2>/dev/null
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" "subjectAltName=${SAN}" >"${c}/apiserver.ext"
    openssl x509 -req -in "${c}/apiserver.csr" -CA "${c}/ca.crt" -CAkey "${c}/ca.key" -CAcreateserial \
      -days 3650 -sha256 -extfile "${c}/apiserver.ext" -out "${c}/apiserver.crt" 2>/dev/null ||
      die "openssl could not sign the serving certificate." "Check that openssl works: openssl version"
  fi
  if [[ ! -s "${c}/sa.key" ]]; then
    openssl genrsa -out "${c}/sa.key" 2048 2>/dev/null
    openssl rsa -in "${c}/sa.key" -pubout -out "${c}/sa.pub" 2>/dev/null
  fi
  if [[ ! -s "${DIR}/tokens.csv" ]]; then
    (
      umask 077
      printf '%s,admin,admin,"system:masters"\n' "$(openssl rand -hex 32)"
      printf '%s,system:kube-controller-manager,kcm,"system:masters"\n' "$(openssl rand -hex 32)"
    ) >"${DIR}/tokens.csv"
  fi
  chmod 600 "${c}"/*.key "${DIR}/tokens.csv"
}
# In-cluster clients reach the API server through the `kubernetes` Service's ClusterIP and name.
SAN="IP:127.0.0.1,DNS:localhost"
[[ "${ADDRESS}" == 127.0.0.1 ]] ||
  SAN+=",IP:${ADDRESS},IP:${KUBERNETES_SERVICE_IP},DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
gen_certs
ADMIN_TOKEN="$(sed -n '1s/,.*//p' "${DIR}/tokens.csv")"
KCM_TOKEN="$(sed -n '2s/,.*//p' "${DIR}/tokens.csv")"
CA="${DIR}/certs/ca.crt"

# start_bg NAME ARGS...: start BIN/NAME detached, log to DIR/logs/NAME.log.
start_bg() {
  local name="$1"
  shift
  {
    printf '### %s start.sh: %s' "$(date '+%F %T')" "${name}"
    printf ' %q' "$@"
    printf '\n'
  } >>"${DIR}/logs/${name}.log"
  setsid "${BIN}/${name}" "$@" >>"${DIR}/logs/${name}.log" 2>&1 </dev/null 9>&- &
  local pid=$!
  STARTED+=("${pid}")
  printf '%s\n' "${pid}" >"${DIR}/${name}.pid"
}

# wait_for NAME PID CHECK-COMMAND...: poll until CHECK succeeds; fail if PID dies.
wait_for() {
  local name="$1" pid="$2" deadline
  shift 2
  deadline=$(($(date +%s) + TIMEOUT))
  while ! "$@" >/dev/null 2>&1; do
    if ! kill -0 "${pid}" 2>/dev/null; then
      if grep -qi 'address already in use' "${DIR}/logs/${name}.log" 2>/dev/null; then
        return 2 # port race: caller retries with new ports
      fi
      fail_with_log "${name}" "${name} exited during startup."
    fi
    (($(date +%s) < deadline)) || fail_with_log "${name}" "${name} not ready after ${TIMEOUT} s."
    sleep 0.2
  done
}

now_ms() { date +%s%3N; }

# --- etcd ------------------------------------------------------------------------
for attempt in 1 2 3; do
  free_port ETCD_PORT
  free_port ETCD_PEER_PORT
  ETCD_URL="http://127.0.0.1:${ETCD_PORT}"
  log "starting etcd on ${ETCD_URL}"
  start_bg etcd --name=mailsub --data-dir="${DIR}/etcd-data" \
    --listen-client-urls="${ETCD_URL}" --advertise-client-urls="${ETCD_URL}" \
    --listen-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-advertise-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster="mailsub=http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster-state=new --log-level=warn
  ETCD_PID="$(<"${DIR}/etcd.pid")"
  rc=0
  wait_for etcd "${ETCD_PID}" curl -fsS --max-time 2 "${ETCD_URL}/health" || rc=$?
  ((rc == 0)) && break
  ((attempt < 3)) || fail_with_log etcd "etcd could not bind a port after 3 attempts."
  log "etcd port taken; retrying with other ports"
done
log "etcd ready (pid ${ETCD_PID})"

# --- kube-apiserver -----------------------------------------------------------------
for attempt in 1 2 3; do
  if [[ -n "${MAILSUB_CP_API_PORT:-}" ]]; then
    ((attempt == 1)) || fail_with_log kube-apiserver "kube-apiserver could not bind port ${MAILSUB_CP_API_PORT} (MAILSUB_CP_API_PORT)."
    API_PORT="${MAILSUB_CP_API_PORT}"
  else
    free_port API_PORT
  fi
  API_URL="https://${ADDRESS}:${API_PORT}"
  log "starting kube-apiserver on ${API_URL}"
  # --endpoint-reconciler-type=none on loopback: Endpoints may not hold loopback IPs, so
  # the default reconciler would log an error for 127.0.0.1 every 10 s.
  # InternalIP: the API server reaches a kubelet by the address it registered, never by
  # resolving the node's name through this machine's DNS.
  t0=$(now_ms)
  start_bg kube-apiserver \
    --etcd-servers="${ETCD_URL}" \
    --bind-address="${ADDRESS}" --advertise-address="${ADDRESS}" \
    --secure-port="${API_PORT}" --insecure-port=0 \
    --cert-dir="${DIR}/certs" \
    --tls-cert-file="${DIR}/certs/apiserver.crt" --tls-private-key-file="${DIR}/certs/apiserver.key" \
    --client-ca-file="${CA}" \
    --token-auth-file="${DIR}/tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-key-file="${DIR}/certs/sa.pub" \
    --service-account-signing-key-file="${DIR}/certs/sa.key" \
    --service-account-issuer="${API_URL}" \
    --service-cluster-ip-range="${SERVICE_CIDR}" \
    --enable-aggregator-routing="${AGGREGATOR_ROUTING}" \
    --endpoint-reconciler-type="$([[ "${ADDRESS}" == 127.0.0.1 ]] && echo none || echo lease)" \
    --kubelet-preferred-address-types=InternalIP \
    --allow-privileged=true \
    --profiling=false
  API_PID="$(<"${DIR}/kube-apiserver.pid")"
  rc=0
  wait_for kube-apiserver "${API_PID}" curl -fsS --max-time 2 --cacert "${CA}" \
    -H "Authorization: Bearer ${ADMIN_TOKEN}" "${API_URL}/readyz" || rc=$?
  ((rc == 0)) && break
  ((attempt < 3)) || fail_with_log kube-apiserver "kube-apiserver could not bind a port after 3 attempts."
  log "kube-apiserver port taken; retrying with another port"
done
API_READY_MS=$(($(now_ms) - t0))
log "kube-apiserver ready in ${API_READY_MS} ms (pid ${API_PID})"

# --- kubeconfigs ------------------------------------------------------------------------
write_kubeconfig() { # write_kubeconfig FILE USER TOKEN NAMESPACE
  local ca_data
  ca_data="$(base64 -w0 <"${CA}")"
  (
    umask 077
    cat >"$1.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: mailsub-local
  cluster:
    server: ${API_URL}
    certificate-authority-data: ${ca_data}
users:
- name: $2
  user:
    token: $3
contexts:
- name: mailsub-local
  context:
    cluster: mailsub-local
    user: $2
    namespace: $4
current-context: mailsub-local
EOF
  )
  mv "$1.tmp" "$1"
}
write_kubeconfig "${DIR}/kubeconfig" admin "${ADMIN_TOKEN}" "${CONTEXT_NAMESPACE}"
write_kubeconfig "${DIR}/kube-controller-manager.kubeconfig" system:kube-controller-manager "${KCM_TOKEN}" default

# --- kube-controller-manager ----------------------------------------------------------------
KCM_PID=""
api_get() { curl -fsS --max-time 2 --cacert "${CA}" -H "Authorization: Bearer ${ADMIN_TOKEN}" "${API_URL}$1"; }
if ((HAVE_KCM)); then
  log "starting kube-controller-manager"
  # serviceaccount-token stays on (unlike envtest setups): without it the
  # ServiceAccount admission plugin rejects every Pod ("No API token found"),
  # so a Deployment's ReplicaSet would never get Pods.
  start_bg kube-controller-manager \
    --kubeconfig="${DIR}/kube-controller-manager.kubeconfig" \
    --controllers='*,-csrsigning,-nodeipam' \
    --leader-elect=false --secure-port=0 --port=0 \
    --root-ca-file="${CA}" \
    --service-account-private-key-file="${DIR}/certs/sa.key" \
    --cert-dir="${DIR}/certs"
  KCM_PID="$(<"${DIR}/kube-controller-manager.pid")"
  # Ready once default/default exists and has its token (Pods can be created).
  kcm_ready() { [[ "$(api_get /api/v1/namespaces/default/serviceaccounts/default)" == *'"secrets"'* ]]; }
  wait_for kube-controller-manager "${KCM_PID}" kcm_ready ||
    fail_with_log kube-controller-manager "kube-controller-manager failed to start."
  log "kube-controller-manager ready (pid ${KCM_PID})"
fi

# --- env file -----------------------------------------------------------------------------------
{
  printf '# Written by hack/controlplane/start.sh on %s; source it.\n' "$(date '+%F %T')"
  printf 'export %s=%q\n' \
    KUBECONFIG "${DIR}/kubeconfig" \
    MAILSUB_CP_DIR "${DIR}" \
    MAILSUB_CP_BIN_DIR "${BIN}" \
    MAILSUB_CP_APISERVER_URL "${API_URL}" \
    MAILSUB_CP_TOKEN "${ADMIN_TOKEN}" \
    MAILSUB_CP_CA_FILE "${CA}" \
    MAILSUB_CP_ETCD_URL "${ETCD_URL}" \
    MAILSUB_CP_ETCD_PID "${ETCD_PID}" \
    MAILSUB_CP_APISERVER_PID "${API_PID}" \
    MAILSUB_CP_CONTROLLER_MANAGER_PID "${KCM_PID}" \
    MAILSUB_CP_APISERVER_READY_MS "${API_READY_MS}"
} >"${DIR}/env.tmp"
chmod 600 "${DIR}/env.tmp"
mv "${DIR}/env.tmp" "${DIR}/env"

trap - EXIT
log "control plane ready: ${API_URL}  (source ${DIR}/env; stop with ${HERE}/stop.sh ${DIR})"
