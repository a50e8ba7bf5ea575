# Sourced by hack/run.sh (loopback mode) and hack/node/run.sh (node mode): the steps of `make run`
# both modes take against the API server of a sourced control-plane env (MAILSUB_CP_*).
# shellcheck shell=bash

api() { curl -sS --fail-with-body --cacert "$MAILSUB_CP_CA_FILE" -H "Authorization: Bearer $MAILSUB_CP_TOKEN" "$@"; }

# play_cert_manager NS TLS_SECRET DIR: the one fake of make run. No cert-manager runs, so this
# issues what the operator's Certificate asks for: a self-signed certificate (key in DIR) in the
# Secret the Certificate names, and the Certificate's status Ready.
play_cert_manager() {
  local ns="$1" secret="$2" dir="$3" url="$MAILSUB_CP_APISERVER_URL" certificate
  until certificate=$(api "$url/apis/cert-manager.io/v1/namespaces/$ns/certificates" 2>/dev/null \
    | jq -er --arg s "$secret" '.items[] | select(.spec.secretName == $s) | .metadata.name'); do sleep 0.2; done
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 -subj "/CN=mail.example.com" \
    -addext "subjectAltName=DNS:mail.example.com,DNS:smtp.example.com" -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
  api -X POST -H 'Content-Type: application/json' "$url/api/v1/namespaces/$ns/secrets" \
    -d "{\"metadata\":{\"name\":\"$secret\"},\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"$(base64 -w0 <"$dir/tls.crt")\",\"tls.key\":\"$(base64 -w0 <"$dir/tls.key")\"}}" >/dev/null
  api -X PATCH -H 'Content-Type: application/merge-patch+json' "$url/apis/cert-manager.io/v1/namespaces/$ns/certificates/$certificate/status" \
    -d '{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Ready","message":"self-signed by make run"}]}}' >/dev/null
}

# print_status NS NAME: the MailSubmission's conditions, policy and config hash, one per line.
print_status() {
  local status
  status=$(api "$MAILSUB_CP_APISERVER_URL/apis/mailsub.dev/v1alpha1/namespaces/$1/mailsubmissions/$2")
  jq -r '.status.conditions[] | "\(.type)=\(.status)\t\(.reason)\t\(.message)"' <<<"$status"
  jq -r '"policy=\(.status.policy) configHash=\(.status.configHash)"' <<<"$status"
}
