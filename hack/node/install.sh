#!/usr/bin/env bash
# install.sh DIR POSTFIX_IMAGE OPERATOR_IMAGE - on the node start.sh started from DIR, install
# what Mailsub runs on as a user would: cert-manager's CRDs (third_party; no cert-manager
# controller runs here, its caller plays it), the chart with helm (release mailsub in
# mailsub-system, the operator's own image, pullPolicy Never, `--wait`), and the smtp-sink
# Deployment and Service of sink.yaml that every MailSubmission on the node relays to, so no mail
# leaves the node. The end-to-end tests (NodeFixture) and `make run` both call it.
#
# Progress on stderr; the LAST stdout line is the sink Service's ClusterIP (port 2525).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
# shellcheck source=hack/controlplane/log.sh
. "${ROOT}/hack/controlplane/log.sh"

[[ $# -eq 3 && -s "$1/env" ]] || die "usage: $0 DIR POSTFIX_IMAGE OPERATOR_IMAGE" "DIR is the folder given to start.sh (it holds DIR/env)."
DIR="$(cd "$1" && pwd)"
postfix_image="$2" operator_image="$3"
# shellcheck disable=SC1091
. "${DIR}/env"
tools="$("${ROOT}/hack/tools.sh" | tail -n 1)" || die "hack/tools.sh failed (see above)." "It installs helm and kubectl into ~/.cache/mailsub/tools."
kubectl() { "${tools}/kubectl" --kubeconfig "${KUBECONFIG}" "$@"; }
# A private helm home: no repositories, plugins or cache from the machine.
export HELM_CONFIG_HOME="${DIR}/helm/config" HELM_CACHE_HOME="${DIR}/helm/cache" HELM_DATA_HOME="${DIR}/helm/data"
t0=$(date +%s)

log "cert-manager CRDs (third_party/cert-manager-v1.12.9)"
kubectl apply --server-side -f "${ROOT}/third_party/cert-manager-v1.12.9" >/dev/null
kubectl wait --for=condition=established crd/certificates.cert-manager.io --timeout=60s >/dev/null

log "helm install mailsub charts/mailsub -n mailsub-system (image ${operator_image}; waits for the operator pods, up to 180 s)"
"${tools}/helm" --kubeconfig "${KUBECONFIG}" install mailsub "${ROOT}/charts/mailsub" --namespace mailsub-system --create-namespace \
  --set "image.repository=${operator_image%:*}" --set "image.tag=${operator_image##*:}" --set image.pullPolicy=Never \
  --set "postfix.image=${postfix_image}" --wait --timeout 180s >"${DIR}/logs/helm-install.log" 2>&1 || {
  tail -n 20 "${DIR}/logs/helm-install.log" >&2
  kubectl -n mailsub-system get pods -o wide >&2 || true
  die "helm install did not finish (operator pods not Ready in 180 s)." \
    "Pod logs: kubectl --kubeconfig ${KUBECONFIG} -n mailsub-system logs -l app.kubernetes.io/name=mailsub"
}

# The webhook (on by default, failurePolicy Fail) admits nothing until the API server trusts its
# certificate: the leader sets the caBundle seconds after it starts.
if kubectl get validatingwebhookconfiguration mailsub >/dev/null 2>&1; then
  log "waiting for the leader to set the admission webhook's caBundle (up to 60 s)"
  for _ in $(seq 1 120); do
    [[ -n "$(kubectl get validatingwebhookconfiguration mailsub -o 'jsonpath={.webhooks[0].clientConfig.caBundle}')" ]] && break
    sleep 0.5
  done
  [[ -n "$(kubectl get validatingwebhookconfiguration mailsub -o 'jsonpath={.webhooks[0].clientConfig.caBundle}')" ]] ||
    die "the admission webhook's caBundle is not set 60 s after the operator pods were Ready." \
      "The leader sets it: kubectl --kubeconfig ${KUBECONFIG} -n mailsub-system logs -l app.kubernetes.io/name=mailsub | grep -i webhook"
fi

log "smtp-sink (hack/node/sink.yaml), the relay host of the node's MailSubmissions"
sed "s#image: IMAGE#image: ${postfix_image}#" "${HERE}/sink.yaml" | kubectl apply -f - >/dev/null
kubectl -n sink rollout status deploy/sink --timeout=120s >/dev/null ||
  die "the sink Deployment is not ready in 120 s." "kubectl --kubeconfig ${KUBECONFIG} -n sink describe pods"
sink="$(kubectl -n sink get svc sink -o 'jsonpath={.spec.clusterIP}')"
log "installed in $(($(date +%s) - t0)) s; sink at ${sink}:2525"
printf '%s\n' "${sink}"
