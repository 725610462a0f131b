{{/* Helpers of the Aeterna server's own templates (templates/server/): named aeterna.server.<what>. */}}

{{- define "aeterna.server.image" -}}
{{- include "aeterna.image" (list .Values.image .Values.global (default (printf "v%s" .Chart.AppVersion) .Values.image.tag)) -}}
{{- end -}}

{{/* Data of the chart's Secret: inline secret values only. */}}
{{- define "aeterna.server.secretData" -}}
{{- range (include "aeterna.secretEnv" . | fromYamlArray) }}
{{- if and .value (not .existingSecret) }}
{{ .env }}: {{ .value | b64enc | quote }}
{{- end }}
{{- end }}
{{- $cache := .Values.cache.external }}
{{- if and (not .Values.dragonfly.enabled) (not .Values.valkey.enabled) $cache.password (not $cache.existingSecret) }}
{{- /* Not given to the server (it sends no password); read by the cache helm test only. */}}
RD_PASSWORD: {{ $cache.password | b64enc | quote }}
{{- end }}
{{- end -}}

{{/* Name of the Secret holding the local KMS key (existing or generated). */}}
{{- define "aeterna.server.kmsSecretName" -}}
{{- .Values.kms.local.existingSecret | default (include "aeterna.componentName" (list . "kms")) -}}
{{- end -}}

{{/* env entries (valueFrom secretKeyRef) for the secret-backed variables the server reads. */}}
{{- define "aeterna.server.secretEnvVars" -}}
{{- $fullname := include "aeterna.fullname" . -}}
{{- range (include "aeterna.secretEnv" . | fromYamlArray) }}
{{- if eq (toString .server) "false" }}
{{- else if .existingSecret }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret | quote }}
      key: {{ .key | quote }}
{{- else if .value }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ $fullname }}
      key: {{ .env }}
{{- end }}
{{- end }}
{{- end -}}

{{/* PostgreSQL environment shared by the server and the migration Job (non-secret part). */}}
{{- define "aeterna.server.postgresEnv" -}}
{{- $pg := include "aeterna.postgresql.settings" . | fromYaml }}
PG_HOST: {{ $pg.host | quote }}
PG_PORT: {{ $pg.port | toString | quote }}
PG_DATABASE: {{ $pg.database | quote }}
PG_USERNAME: {{ $pg.username | quote }}
NO_COLOR: "1"
{{- end -}}

{{/* Volumes the server image needs: a writable config directory and /tmp. */}}
{{- define "aeterna.server.runtimeVolumes" -}}
- name: config
  emptyDir: {}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
- name: home-cache
  emptyDir: {}
{{- end -}}

{{/* Writable paths under a read-only root: the config directory AETERNA_CONFIG_PATH must exist,
/tmp (export archives), the knowledge-repo working copy (boot fails when it is not writable) and
the libraries' caches under HOME (/home/aeterna). */}}
{{- define "aeterna.server.runtimeVolumeMounts" -}}
- name: config
  mountPath: /app/config
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/aeterna
- name: home-cache
  mountPath: /home/aeterna/.cache
{{- end -}}

{{/* Public origin for the post-login redirect: auth.plugin.redirectBaseUrl, else the first
Ingress host (https with TLS), else empty (a relative redirect). */}}
{{- define "aeterna.server.authRedirectBaseUrl" -}}
{{- $p := .Values.auth.plugin -}}
{{- if $p.redirectBaseUrl -}}
{{- $p.redirectBaseUrl | trimSuffix "/" -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.ingress.tls))) (first .Values.ingress.hosts).host -}}
{{- end -}}
{{- end -}}
