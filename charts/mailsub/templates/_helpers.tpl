{{/* Full name: the release name, with the chart name unless the release already holds it. */}}
{{- define "mailsub.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mailsub.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{/* No helm.sh/chart version or date: `helm template` output depends on the values only. */}}
{{- define "mailsub.labels" -}}
{{ include "mailsub.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: mailsub
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "mailsub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mailsub.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* policy/v1 where served (1.21+), policy/v1beta1 before (the local 1.20 control plane). */}}
{{- define "mailsub.pdbApiVersion" -}}
{{- if .Capabilities.APIVersions.Has "policy/v1" -}}
policy/v1
{{- else -}}
policy/v1beta1
{{- end -}}
{{- end -}}
