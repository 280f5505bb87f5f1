{{/* Names */}}
{{- define "caracal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release> if it contains the chart's name, else <release>-<chart>; "caracal" for the release "caracal". */}}
{{- define "caracal.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "caracal.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "caracal.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "caracal.namespace" -}}
{{- default .Release.Namespace .Values.global.namespace -}}
{{- end -}}

{{- define "caracal.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of one component: include "caracal.labels" (dict "root" $ "component" "gateway") */}}
{{- define "caracal.labels" -}}
helm.sh/chart: {{ include "caracal.chart" .root }}
{{ include "caracal.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: caracal
{{- end -}}

{{- define "caracal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "caracal.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every pod of the release, whatever its component (the bundled services admit these). */}}
{{- define "caracal.releaseSelector" -}}
app.kubernetes.io/name: {{ include "caracal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "caracal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "caracal.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A Caracal image: include "caracal.image" (dict "root" $ "image" .Values.gateway.image) */}}
{{- define "caracal.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- $registry := .root.Values.global.imageRegistry | trimSuffix "/" -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* A bundled service's image: repository and tag as given. */}}
{{- define "caracal.serviceImage" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{- define "caracal.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ if kindIs "map" . }}{{ .name }}{{ else }}{{ . }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The Secret of a reference whose existingSecret may be empty. */}}
{{- define "caracal.secretName" -}}
{{- default .root.Values.secrets.existingSecret .ref.existingSecret -}}
{{- end -}}

{{/* Connections ---------------------------------------------------------------------------------------- */}}
{{- define "caracal.postgresql.fullname" -}}{{ include "caracal.fullname" . }}-postgres{{- end -}}
{{- define "caracal.redis.fullname" -}}{{ include "caracal.fullname" . }}-redis{{- end -}}
{{- define "caracal.kafka.fullname" -}}{{ include "caracal.fullname" . }}-kafka{{- end -}}

{{- define "caracal.db.host" -}}
{{- if .Values.postgresql.enabled -}}
{{- include "caracal.postgresql.fullname" . -}}
{{- else -}}
{{- required "externalDatabase.host is required when postgresql.enabled is false" .Values.externalDatabase.host -}}
{{- end -}}
{{- end -}}

{{/* The reference (existingSecret, secretKey) of the database password. */}}
{{- define "caracal.db.passwordRef" -}}
{{- $ref := ternary .Values.postgresql.auth .Values.externalDatabase .Values.postgresql.enabled -}}
name: {{ include "caracal.secretName" (dict "root" . "ref" $ref) }}
key: {{ $ref.secretKey }}
{{- end -}}

{{- define "caracal.redis.authEnabled" -}}
{{- if .Values.redis.enabled -}}{{ .Values.redis.auth.enabled }}{{- else -}}{{ .Values.externalRedis.auth.enabled }}{{- end -}}
{{- end -}}

{{- define "caracal.redis.passwordRef" -}}
{{- $ref := ternary .Values.redis.auth .Values.externalRedis.auth .Values.redis.enabled -}}
name: {{ include "caracal.secretName" (dict "root" . "ref" $ref) }}
key: {{ $ref.secretKey }}
{{- end -}}

{{- define "caracal.kafka.bootstrapServers" -}}
{{- if .Values.kafka.enabled -}}
{{- printf "%s:9092" (include "caracal.kafka.fullname" .) -}}
{{- else -}}
{{- required "externalKafka.bootstrapServers is required when kafka.enabled is false" .Values.externalKafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{/* Refuse literal secrets: the seeds' postgresql.auth.password and redis.auth.password. */}}
{{- define "caracal.refuseLiteralSecrets" -}}
{{- if hasKey .Values.postgresql.auth "password" -}}
{{- fail "postgresql.auth.password is not accepted (secrets by reference only): put the password in a Secret under the key DB_PASSWORD (kubectl create secret generic caracal-secrets --from-literal=DB_PASSWORD=...) and name it in secrets.existingSecret or postgresql.auth.existingSecret" -}}
{{- end -}}
{{- if hasKey .Values.redis.auth "password" -}}
{{- fail "redis.auth.password is not accepted (secrets by reference only): put the password in a Secret under the key REDIS_PASSWORD and name it in secrets.existingSecret or redis.auth.existingSecret" -}}
{{- end -}}
{{- end -}}

{{/* The environment every Caracal process gets besides the ConfigMap: the secrets, by reference. */}}
{{- define "caracal.secretEnv" -}}
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
{{ include "caracal.db.passwordRef" . | indent 6 }}
{{- if eq (include "caracal.redis.authEnabled" .) "true" }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
{{ include "caracal.redis.passwordRef" . | indent 6 }}
{{- end }}
{{- if and (not .Values.kafka.enabled) .Values.externalKafka.sasl.mechanism (ne .Values.externalKafka.sasl.mechanism "AWS_MSK_IAM") }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "caracal.secretName" (dict "root" . "ref" .Values.externalKafka.sasl) }}
      key: {{ .Values.externalKafka.sasl.secretKey }}
{{- end }}
{{- end -}}

{{/* env entries from a map of docs/configuration.md names to values, sorted by name. */}}
{{- define "caracal.envMap" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* The parts every Caracal pod shares ------------------------------------------------------------------- */}}
{{- define "caracal.podAnnotations" -}}
checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
{{- with .values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "caracal.podCommon" -}}
serviceAccountName: {{ include "caracal.serviceAccountName" .root }}
automountServiceAccountToken: false
{{- include "caracal.imagePullSecrets" .root }}
securityContext:
{{ toYaml .root.Values.podSecurityContext | indent 2 }}
{{- with .values.nodeSelector }}
nodeSelector:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
{{- range . }}
  - {{ toYaml (merge (deepCopy .) (dict "labelSelector" (dict "matchLabels" (fromYaml (include "caracal.selectorLabels" (dict "root" $.root "component" $.component)))))) | indent 4 | trim }}
{{- end }}
{{- end }}
{{- end -}}

{{/* HTTP probes on /health (liveness) and /ready (readiness). */}}
{{- define "caracal.probes" -}}
livenessProbe:
  httpGet:
    path: /health
    port: {{ .port }}
    scheme: {{ .scheme | default "HTTP" }}
  initialDelaySeconds: 20
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 6
readinessProbe:
  httpGet:
    path: /ready
    port: {{ .port }}
    scheme: {{ .scheme | default "HTTP" }}
  initialDelaySeconds: 5
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{/* A writable /tmp for the JVM and Netty's native libraries, the root filesystem being read-only. */}}
{{- define "caracal.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}
{{- define "caracal.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

