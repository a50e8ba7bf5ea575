#!/usr/bin/env bash
# make run. On a machine that can run the real one-node cluster (root, overlayfs, iptables; see
# hack/node/detect.sh) it runs hack/node/run.sh: the chart, the operator and Postfix as pods. Else,
# or with MAILSUB_RUN_MODE=local, the loopback mode below, after saying why: a local control
# plane, the CRDs, the operator (bin/mailsub run), the modern sample with a self-signed
# certificate, and a "kubelet for one pod" that projects the ConfigMap and Secrets the operator
# wrote into folders (with the kubelet's atomic ..data swap) and runs bin/mailsub-entrypoint on
# loopback. Either mode prints the conditions, a swaks command and a line starting with READY;
# stays in the foreground until interrupted, then stops everything it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${MAILSUB_RUN_DIR:-/tmp/mailsub-run}
ns=mail
name=modern
metrics=${MAILSUB_RUN_METRICS:-127.0.0.1:18080}
probes=${MAILSUB_RUN_PROBES:-127.0.0.1:18081}
log() { echo "[$(date -u +%T)] run: $*" >&2; }
# The printed kubeconfig's context is the sample's namespace (both modes), so `kubectl get msub` finds it.
export MAILSUB_CP_NAMESPACE=$ns

# One run per folder: a second run would start its etcd on the first one's data. The lock is
# inherited by everything this starts, so it is held until the last of them has stopped.
mkdir -p "$(dirname "$dir")"
exec 8>"$dir.lock"
if ! flock -n 8; then
  echo "error: another 'make run' is using $dir. Stop it first (Ctrl-C in its terminal), or give this one" \
    "a folder of its own: MAILSUB_RUN_DIR=/tmp/mailsub-run-2 make run" >&2
  exit 1
fi

# Node or loopback. As root, the node's Debian packages are installed first (as make node does).
if [ "${MAILSUB_RUN_MODE:-}" != local ] && [ "$(id -u)" = 0 ]; then
  "$root/hack/node/deps.sh" || log "the node's packages could not be installed (see above)"
fi
decision=$("$root/hack/node/detect.sh") || exit 1
if [ "$decision" = node ]; then
  log "mode: node (this machine can run the one-node cluster; MAILSUB_RUN_MODE=local for the loopback mode)"
  exec "$root/hack/node/run.sh"   # keeps the lock on fd 8
fi
log "mode: local (loopback), because ${decision#local }"

pids=()
cleanup() {
  trap - EXIT INT TERM
  log "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$root/hack/controlplane/stop.sh" "$dir/cp" >/dev/null 2>&1 || true
  # It holds a private key, generated passwords and etcd data: gone unless asked to keep it.
  if [ "${MAILSUB_RUN_KEEP:-0}" = 1 ]; then
    log "kept $dir (MAILSUB_RUN_KEEP=1): logs, etcd data, the private key and the passwords; rm -rf $dir when done"
  elif rm -rf "$dir"; then
    log "removed $dir (its private key, passwords and etcd data)"
  else
    log "could not remove $dir (see above); it holds a private key and passwords: rm -rf $dir"
  fi
  log "stopped"
}
trap cleanup EXIT INT TERM

rm -rf "$dir" && mkdir -p "$dir/pod"
"$root/hack/controlplane/start.sh" "$dir/cp" >&2
# shellcheck disable=SC1091
. "$dir/cp/env"
# shellcheck source=hack/run-steps.sh
. "$root/hack/run-steps.sh"
url=$MAILSUB_CP_APISERVER_URL
apply_yaml() { # FILE PATH: server-side apply of a one-document YAML file
  api -X PATCH -H 'Content-Type: application/apply-patch+yaml' --data-binary @"$1" "$url$2?fieldManager=make-run&force=true" >/dev/null
}
crd_name() { awk '/^metadata:/{m=1;next} m&&/^  name:/{print $2; exit}' "$1"; }

for f in "$root"/crds/*.yaml "$root"/third_party/cert-manager-v1.12.9/*.yaml; do
  apply_yaml "$f" "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$(crd_name "$f")"
done
until api "$url/apis/mailsub.dev/v1alpha1/mailsubmissions" >/dev/null 2>&1 && api "$url/apis/cert-manager.io/v1/certificates" >/dev/null 2>&1; do sleep 0.5; done
api -X POST -H 'Content-Type: application/json' -d "{\"metadata\":{\"name\":\"$ns\"}}" "$url/api/v1/namespaces" >/dev/null
log "CRDs installed, namespace $ns created"

"$root/bin/mailsub" run --kubeconfig "$dir/cp/kubeconfig" --metrics-bind-address "$metrics" --health-probe-bind-address "$probes" >"$dir/operator.log" 2>&1 &
pids+=($!)
until curl -sf "http://$probes/readyz" >/dev/null 2>&1; do sleep 0.2; done
log "operator ready (log: $dir/operator.log)"

b64() { base64 -w0; }
alice=$(openssl rand -base64 18)
api -X POST -H 'Content-Type: application/json' "$url/api/v1/namespaces/$ns/secrets" \
  -d "{\"metadata\":{\"name\":\"alice-password\"},\"data\":{\"password\":\"$(printf %s "$alice" | b64)\"}}" >/dev/null
apply_yaml "$root/samples/modern.yaml" "/apis/mailsub.dev/v1alpha1/namespaces/$ns/mailsubmissions/$name"
log "applied samples/modern.yaml"

# The Secrets the pod mounts, as the status names them; the ConfigMap, which status does not name,
# by the submission's label (the one ConfigMap a submission owns): no child name is spelled here.
until status=$(api "$url/apis/mailsub.dev/v1alpha1/namespaces/$ns/mailsubmissions/$name" 2>/dev/null) \
  && users_secret=$(jq -er '.status.usersSecretName' <<<"$status") && tls_secret=$(jq -er '.status.tlsSecretName' <<<"$status") \
  && config_map=$(api "$url/api/v1/namespaces/$ns/configmaps?labelSelector=mailsub.dev%2Fsubmission%3D$name" 2>/dev/null | jq -er '.items[0].metadata.name'); do
  sleep 0.2
done

play_cert_manager "$ns" "$tls_secret" "$dir"
log "certificate issued (self-signed)"

# The kubelet for one pod: project a ConfigMap or Secret into a folder as the kubelet does
# (files in a timestamped folder, ..data -> it swapped atomically, key -> ..data/key).
project() { # KIND NAME FOLDER
  local json new old stamp
  json=$(api "$url/api/v1/namespaces/$ns/$1/$2" 2>/dev/null) || return 1
  new=$(jq -S -c '.data // {}' <<<"$json" | sha256sum | cut -c1-16)
  old=$(cat "$3/.hash" 2>/dev/null || true)
  [ "$new" = "$old" ] && return 0
  mkdir -p "$3"
  stamp="..$(date -u +%Y_%m_%d_%H_%M_%S.%N)"
  mkdir "$3/$stamp"
  for key in $(jq -r '.data // {} | keys[]' <<<"$json"); do
    if [ "$1" = secrets ]; then jq -r --arg k "$key" '.data[$k]' <<<"$json" | base64 -d >"$3/$stamp/$key"
    else jq -j --arg k "$key" '.data[$k]' <<<"$json" >"$3/$stamp/$key"; fi
    ln -sfn "..data/$key" "$3/$key"
  done
  ln -sfn "$stamp" "$3/..data_tmp" && mv -T "$3/..data_tmp" "$3/..data"
  find "$3" -maxdepth 1 -name '..20*' ! -name "$stamp" -exec rm -rf {} +
  find "$3" -maxdepth 1 -type l ! -name '..data' ! -exec test -e {} \; -delete
  echo "$new" >"$3/.hash"
}
mark_pods_ready() {
  local now; now=$(date -u +%FT%TZ)
  for pod in $(api "$url/api/v1/namespaces/$ns/pods" | jq -r '.items[] | select(.status.phase != "Running") | .metadata.name'); do
    api -X PATCH -H 'Content-Type: application/merge-patch+json' "$url/api/v1/namespaces/$ns/pods/$pod/status" \
      -d "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"},{\"type\":\"ContainersReady\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"}]}}" >/dev/null
  done
}
kubelet() {
  while true; do
    project configmaps "$config_map" "$dir/pod/config" || true
    project secrets "$users_secret" "$dir/pod/users" || true
    project secrets "$tls_secret" "$dir/pod/tls" || true
    sleep 1
  done
}
until project configmaps "$config_map" "$dir/pod/config" && project secrets "$users_secret" "$dir/pod/users" \
  && project secrets "$tls_secret" "$dir/pod/tls"; do sleep 0.5; done
kubelet &
pids+=($!)
"$root/bin/mailsub-entrypoint" --config "$dir/pod/config" --users "$dir/pod/users" --tls "$dir/pod/tls" \
  --state "$dir/pod/state" --listen 127.0.0.1 >"$dir/postfix.log" 2>&1 &
pids+=($!)
entrypoint=$!
until (exec 3<>/dev/tcp/127.0.0.1/587) 2>/dev/null; do
  kill -0 "$entrypoint" 2>/dev/null || { log "mailsub-entrypoint exited:"; tail -20 "$dir/postfix.log" >&2; exit 1; }
  sleep 0.3
done
log "postfix listening on 127.0.0.1:587 and :465 (log: $dir/postfix.log)"
# Only now report the pods ready (all replicas: this kubelet runs one Postfix for them).
until [ "$(api "$url/apis/mailsub.dev/v1alpha1/namespaces/$ns/mailsubmissions/$name" | jq -r '.status.conditions[]? | select(.type=="Ready") | .status')" = True ]; do
  mark_pods_ready; sleep 0.5
done

print_status "$ns" "$name"
# Generated passwords land in the users Secret too (one key per login), which status names.
bob=$(api "$url/api/v1/namespaces/$ns/secrets/$users_secret" | jq -r '.data.bob' | base64 -d)
echo "export KUBECONFIG=$dir/cp/kubeconfig   # kubectl get msub: the context's namespace is $ns"
echo "swaks --server 127.0.0.1:587 --tls --auth PLAIN --auth-user bob --auth-password '$bob' --from bob@example.com --to someone@example.net --quit-after AUTH"
echo "swaks --server 127.0.0.1:465 --tls-on-connect --auth PLAIN --auth-user alice --auth-password '$alice' --from alice@example.com --to someone@example.net --quit-after AUTH"
echo "READY $name: Ready=True, metrics http://$metrics/metrics, Ctrl-C stops everything"
wait "$entrypoint"
