#!/usr/bin/env bash
# selftest.sh - build (cached), start a local control plane, check it with curl,
# stop it. Nothing is left running, whatever happens.
#
# Environment:
#   MAILSUB_CERT_MANAGER_CRDS  folder of cert-manager CRD *.yaml
#                              (default: shared/third_party/cert-manager-v1.12.9)
#   MAILSUB_SELFTEST_KEEP=1    keep the state folder afterwards
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
REPO="$(cd "${HERE}/../.." && pwd)"
readonly REPO
NS=mailsub-selftest
PASSED=0
FAILED=0

# shellcheck source=hack/controlplane/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"
pass() { PASSED=$((PASSED + 1)); log "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); log "FAIL: $*"; }

# --- cert-manager CRDs folder ----------------------------------------------------
CRDS="${MAILSUB_CERT_MANAGER_CRDS:-}"
if [[ -z "${CRDS}" ]]; then
  for d in "${REPO}/../shared/third_party/cert-manager-v1.12.9" /work/shared/third_party/cert-manager-v1.12.9; do
    if [[ -d "${d}" ]]; then CRDS="${d}"; break; fi
  done
fi
if [[ -z "${CRDS}" ]] || ! compgen -G "${CRDS}/*.yaml" >/dev/null; then
  die "cert-manager CRDs not found (looked in ${REPO}/../shared/third_party/cert-manager-v1.12.9 and /work/shared/...)." \
    "Set MAILSUB_CERT_MANAGER_CRDS to the folder holding cert-manager.io_*.yaml."
fi

# --- YAML -> JSON: a Python with PyYAML (Debian: python3-yaml) ------------------------
PY=""
for p in python3 /usr/bin/python3; do
  if command -v "${p}" >/dev/null && "${p}" -c 'import yaml' 2>/dev/null; then PY="${p}"; break; fi
done
if [[ -z "${PY}" ]]; then
  log "no python3 with PyYAML; installing Debian's python3-yaml"
  ((EUID == 0)) || die "python3-yaml is missing and this is not root." "Run: sudo apt-get install -y python3-yaml"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-yaml >&2 ||
    die "apt-get install python3-yaml failed." "Run apt-get update, then retry."
  PY=/usr/bin/python3
fi
yaml2json() { # one JSON document per line
  "${PY}" -c 'import sys, json, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d: print(json.dumps(d))' "$1"
}

# --- build, start, always stop ------------------------------------------------------------
BIN="$("${HERE}/build.sh" | tail -n 1)" || die "build.sh failed (see above)."
DIR="$(mktemp -d "${TMPDIR:-/tmp}/mailsub-cp.XXXXXX")"
cleanup() {
  local rc=$?
  "${HERE}/stop.sh" "${DIR}" || rc=1
  if [[ "${MAILSUB_SELFTEST_KEEP:-0}" == 1 || ${rc} -ne 0 ]]; then
    log "state kept in ${DIR} (logs in ${DIR}/logs)"
  else
    rm -rf "${DIR}"
  fi
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$(date +%s%3N)
MAILSUB_CP_BIN_DIR="${BIN}" "${HERE}/start.sh" "${DIR}"
log "start.sh took $(($(date +%s%3N) - t0)) ms"
# shellcheck source=/dev/null
source "${DIR}/env"
[[ -n "${MAILSUB_CP_CONTROLLER_MANAGER_PID}" ]] || die "selftest needs kube-controller-manager (not in ${BIN})."

# api METHOD PATH [CONTENT-TYPE BODY-FILE]: body to $RESP, status code to $CODE.
RESP="${DIR}/resp.json"
api() {
  local args=(-sS --max-time 30 --cacert "${MAILSUB_CP_CA_FILE}"
    -H "Authorization: Bearer ${MAILSUB_CP_TOKEN}" -H "Accept: application/json"
    -X "$1" -o "${RESP}" -w '%{http_code}')
  [[ $# -ge 4 ]] && args+=(-H "Content-Type: $3" --data-binary "@$4")
  CODE="$(curl "${args[@]}" "${MAILSUB_CP_APISERVER_URL}$2")" || CODE=000
}
# expect WHAT CODE...: pass if $CODE is one of CODE...
expect() {
  local what="$1" c
  shift
  for c in "$@"; do
    if [[ "${CODE}" == "${c}" ]]; then pass "${what} (HTTP ${CODE})"; return 0; fi
  done
  fail "${what}: HTTP ${CODE}, wanted $*: $(head -c 400 "${RESP}" 2>/dev/null)"
  return 1
}
# poll SECONDS COMMAND...: retry COMMAND every 0.5 s until it succeeds.
poll() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    (($(date +%s) < deadline)) || return 1
    sleep 0.5
  done
}
body() { cat >"${DIR}/body"; }

# 1. version
api GET /version
expect "GET /version" 200 || true
if [[ "$(jq -r .gitVersion "${RESP}" 2>/dev/null)" == v1.20.2 ]]; then
  pass "server version is v1.20.2"
else
  fail "server version is $(jq -r .gitVersion "${RESP}" 2>/dev/null), wanted v1.20.2"
fi

# 2. namespace
body <<EOF
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"${NS}"}}
EOF
api POST /api/v1/namespaces application/json "${DIR}/body"
expect "create namespace ${NS}" 201 || true

# 3. server-side apply of a ConfigMap (create, then update)
CM="/api/v1/namespaces/${NS}/configmaps"
for v in one two; do
  body <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: applied
data:
  key: ${v}
EOF
  api PATCH "${CM}/applied?fieldManager=mailsub-selftest" application/apply-patch+yaml "${DIR}/body"
  expect "server-side apply ConfigMap (key=${v})" 201 200 || true
done
if [[ "$(jq -r '.data.key + " " + ([.metadata.managedFields[] | select(.operation=="Apply") | .manager] | join(","))' "${RESP}")" == "two mailsub-selftest" ]]; then
  pass "applied ConfigMap has data.key=two, managed by mailsub-selftest"
else
  fail "applied ConfigMap content: $(head -c 400 "${RESP}")"
fi

# 3b. server-side apply of a Service (1.20: every port needs `protocol`)
body <<EOF
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    protocol: TCP
EOF
api PATCH "/api/v1/namespaces/${NS}/services/web?fieldManager=mailsub-selftest" application/apply-patch+yaml "${DIR}/body"
expect "server-side apply Service web" 201 || true
if [[ "$(jq -r .spec.clusterIP "${RESP}")" == 10.0.* ]]; then
  pass "Service got a ClusterIP in 10.0.0.0/16"
else
  fail "Service clusterIP is $(jq -r .spec.clusterIP "${RESP}"), wanted 10.0.x.y"
fi

# 4. Deployment -> ReplicaSet (kube-controller-manager)
body <<EOF
{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
  "template":{"metadata":{"labels":{"app":"web"}},
   "spec":{"containers":[{"name":"web","image":"example.invalid/web:1"}]}}}}
EOF
api POST "/apis/apps/v1/namespaces/${NS}/deployments" application/json "${DIR}/body"
expect "create Deployment web" 201 || true
rs_exists() {
  api GET "/apis/apps/v1/namespaces/${NS}/replicasets?labelSelector=app%3Dweb"
  [[ "${CODE}" == 200 ]] && jq -e '[.items[] | select(.metadata.ownerReferences[]?.kind == "Deployment" and .metadata.ownerReferences[]?.name == "web")] | length > 0' "${RESP}" >/dev/null
}
t0=$(date +%s%3N)
if poll 60 rs_exists; then
  pass "Deployment got a ReplicaSet after $(($(date +%s%3N) - t0)) ms"
else
  fail "no ReplicaSet for Deployment web after 60 s (see ${DIR}/logs/kube-controller-manager.log)"
fi

pod_exists() {
  api GET "/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dweb"
  [[ "${CODE}" == 200 ]] && jq -e '.items | length == 1' "${RESP}" >/dev/null
}
if poll 60 pod_exists; then
  pass "ReplicaSet created its Pod (Pending: there is no scheduler or kubelet)"
else
  fail "no Pod for ReplicaSet of web after 60 s (see ${DIR}/logs/kube-controller-manager.log)"
fi

# 5. owner-reference garbage collection
body <<EOF
{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner"},"data":{"role":"owner"}}
EOF
api POST "${CM}" application/json "${DIR}/body"
expect "create owner ConfigMap" 201 || true
OWNER_UID="$(jq -r .metadata.uid "${RESP}")"
body <<EOF
{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"child",
 "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"${OWNER_UID}"}]},
 "data":{"role":"child"}}
EOF
api POST "${CM}" application/json "${DIR}/body"
expect "create child ConfigMap owned by owner" 201 || true
api DELETE "${CM}/owner"
expect "delete owner ConfigMap" 200 || true
child_gone() { api GET "${CM}/child"; [[ "${CODE}" == 404 ]]; }
t0=$(date +%s%3N)
if poll 60 child_gone; then
  pass "garbage collector deleted the child after $(($(date +%s%3N) - t0)) ms"
else
  fail "child ConfigMap still there 60 s after its owner was deleted (HTTP ${CODE})"
fi

# 6. cert-manager CRDs: create, wait for Established, create an Issuer
CRD_NAMES=()
for f in "${CRDS}"/*.yaml; do
  while IFS= read -r doc; do
    [[ "$(jq -r .kind <<<"${doc}")" == CustomResourceDefinition ]] || continue
    name="$(jq -r .metadata.name <<<"${doc}")"
    printf '%s' "${doc}" >"${DIR}/body"
    api POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions application/json "${DIR}/body"
    expect "create CRD ${name}" 201 409 && CRD_NAMES+=("${name}")
  done < <(yaml2json "${f}")
done
((${#CRD_NAMES[@]} > 0)) || fail "no CustomResourceDefinition found in ${CRDS}"
established() {
  api GET "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$1"
  [[ "${CODE}" == 200 ]] && jq -e '.status.conditions[]? | select(.type == "Established" and .status == "True")' "${RESP}" >/dev/null
}
for name in "${CRD_NAMES[@]}"; do
  if poll 30 established "${name}"; then pass "CRD ${name} Established"; else fail "CRD ${name} not Established after 30 s"; fi
done
body <<EOF
{"apiVersion":"cert-manager.io/v1","kind":"Issuer","metadata":{"name":"selfsigned"},"spec":{"selfSigned":{}}}
EOF
issuer_created() {
  api POST "/apis/cert-manager.io/v1/namespaces/${NS}/issuers" application/json "${DIR}/body"
  [[ "${CODE}" == 201 ]]
}
# discovery of a new CRD can lag Established by a moment
poll 15 issuer_created || true
expect "create cert-manager Issuer" 201 || true

log "${PASSED} passed, ${FAILED} failed"
printf 'selftest: %s passed, %s failed\n' "${PASSED}" "${FAILED}"
((FAILED == 0))
