{{/*
Backing services: one place that turns the bundled/external choice of each service into the
endpoint the server, the helm tests and the NetworkPolicies use.
*/}}

{{/*
Full name a subchart gives its resources (the common `<chart>.fullname` rule, which the
dragonfly, valkey and qdrant charts all use). Arguments: (list ctx subchartKey).
*/}}
{{- define "aeterna.subchartFullname" -}}
{{- $ctx := index . 0 -}}
{{- $key := index . 1 -}}
{{- $sv := index $ctx.Values $key | default dict -}}
{{- if $sv.fullnameOverride -}}
{{- $sv.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default $key $sv.nameOverride -}}
{{- if contains $name $ctx.Release.Name -}}
{{- $ctx.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" $ctx.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* app.kubernetes.io/name a subchart gives its pods. Arguments: (list ctx subchartKey). */}}
{{- define "aeterna.subchartName" -}}
{{- $ctx := index . 0 -}}
{{- $key := index . 1 -}}
{{- $sv := index $ctx.Values $key | default dict -}}
{{- default $key $sv.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the CloudNativePG Cluster. */}}
{{- define "aeterna.postgresql.clusterName" -}}
{{- include "aeterna.componentName" (list . "pg") -}}
{{- end -}}

{{/* Name of the PerconaServerMongoDB resource. */}}
{{- define "aeterna.mongodb.name" -}}
{{- include "aeterna.componentName" (list . "mongodb") -}}
{{- end -}}

{{/*
PostgreSQL endpoint as a YAML dict: bundled, host, port, database, username, and where the
password is (secretName/secretKey, or the chart's own Secret when inline).
*/}}
{{- define "aeterna.postgresql.settings" -}}
{{- $v := .Values.postgresql -}}
{{- if $v.bundled.enabled -}}
{{- $cluster := include "aeterna.postgresql.clusterName" . -}}
bundled: true
host: {{ printf "%s-rw" $cluster | quote }}
port: 5432
database: {{ $v.bundled.database | quote }}
username: {{ $v.bundled.owner | quote }}
secretName: {{ printf "%s-app" $cluster | quote }}
secretKey: password
sslmode: require
{{- else -}}
bundled: false
host: {{ $v.external.host | quote }}
port: {{ $v.external.port }}
database: {{ $v.external.database | quote }}
username: {{ $v.external.username | quote }}
secretName: {{ $v.external.existingSecret | default (ternary (include "aeterna.fullname" .) "" (ne $v.external.password "")) | quote }}
secretKey: {{ ternary $v.external.existingSecretPasswordKey "PG_PASSWORD" (ne $v.external.existingSecret "") | quote }}
sslmode: {{ $v.external.sslmode | quote }}
{{- end -}}
{{- end -}}

{{/*
Cache endpoint as a YAML dict: kind (dragonfly, valkey, external), host, port, db, and the
password's Secret (external only; used by the helm test, never by the server).
*/}}
{{- define "aeterna.cache.settings" -}}
{{- $v := .Values -}}
{{- if $v.dragonfly.enabled -}}
kind: dragonfly
host: {{ printf "%s.%s.svc" (include "aeterna.subchartFullname" (list . "dragonfly")) .Release.Namespace | quote }}
port: {{ dig "service" "port" 6379 $v.dragonfly }}
{{- /* the container listens on 6379 whatever the Service port (NetworkPolicies select pod ports) */}}
podPort: 6379
podName: {{ include "aeterna.subchartName" (list . "dragonfly") | quote }}
{{- else if $v.valkey.enabled -}}
kind: valkey
host: {{ printf "%s.%s.svc" (include "aeterna.subchartFullname" (list . "valkey")) .Release.Namespace | quote }}
port: {{ dig "service" "port" 6379 $v.valkey }}
podPort: {{ dig "service" "port" 6379 $v.valkey }}
podName: {{ include "aeterna.subchartName" (list . "valkey") | quote }}
{{- else -}}
kind: external
host: {{ $v.cache.external.host | quote }}
port: {{ $v.cache.external.port }}
podPort: {{ $v.cache.external.port }}
{{- if $v.cache.external.existingSecret }}
secretName: {{ $v.cache.external.existingSecret | quote }}
secretKey: {{ $v.cache.external.existingSecretPasswordKey | quote }}
{{- else if $v.cache.external.password }}
secretName: {{ include "aeterna.fullname" . | quote }}
secretKey: RD_PASSWORD
{{- end }}
{{- end }}
db: {{ $v.cache.external.db }}
{{- end -}}

{{/* URL of the vector store for qdrant and weaviate (bundled: derived from the subchart). */}}
{{- define "aeterna.vector.url" -}}
{{- $v := .Values -}}
{{- if eq $v.vector.backend "qdrant" -}}
{{- if $v.qdrant.enabled -}}
{{- printf "http://%s.%s.svc:6334" (include "aeterna.subchartFullname" (list . "qdrant")) .Release.Namespace -}}
{{- else -}}
{{- $v.vector.qdrant.url -}}
{{- end -}}
{{- else if eq $v.vector.backend "weaviate" -}}
{{- if $v.weaviate.enabled -}}
{{- $port := 80 -}}
{{- with (dig "service" "ports" list $v.weaviate) }}{{ $port = (first .).port }}{{ end -}}
{{- printf "http://%s.%s.svc:%v" (dig "service" "name" "weaviate" $v.weaviate) .Release.Namespace $port -}}
{{- else -}}
{{- $v.vector.weaviate.url -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the bundled Weaviate's API key (the weaviate chart reads it through envSecrets). */}}
{{- define "aeterna.weaviate.keySecret" -}}
{{- dig "envSecrets" "AUTHENTICATION_APIKEY_ALLOWED_KEYS" "weaviate-apikey" .Values.weaviate -}}
{{- end -}}

{{/* HTTP URL of the bundled Qdrant's REST port (readiness checks). */}}
{{- define "aeterna.vector.qdrantHttpUrl" -}}
{{- if .Values.qdrant.enabled -}}
{{- printf "http://%s.%s.svc:6333" (include "aeterna.subchartFullname" (list . "qdrant")) .Release.Namespace -}}
{{- else -}}
{{- $u := urlParse .Values.vector.qdrant.url -}}
{{- printf "%s://%s:6333" $u.scheme (first (splitList ":" $u.host)) -}}
{{- end -}}
{{- end -}}

{{/* True when a bundled (subchart or operator-managed) vector store is in use. */}}
{{- define "aeterna.vector.bundled" -}}
{{- if include "aeterna.vector.enabled" . -}}
{{- $b := .Values.vector.backend -}}
{{- if or (and (eq $b "qdrant") .Values.qdrant.enabled) (and (eq $b "weaviate") .Values.weaviate.enabled) (and (eq $b "mongodb") .Values.vector.mongodb.bundled.enabled) }}true{{ end -}}
{{- end -}}
{{- end -}}

{{/* A full image reference "registry/repo:tag" with global.imageRegistry replacing the registry. Arguments: (list ref global). */}}
{{- define "aeterna.imageRef" -}}
{{- $ref := index . 0 -}}
{{- $global := index . 1 -}}
{{- if $global.imageRegistry -}}
{{- $parts := splitList "/" $ref -}}
{{- if and (gt (len $parts) 1) (or (contains "." (first $parts)) (contains ":" (first $parts)) (eq (first $parts) "localhost")) -}}
{{- $parts = rest $parts -}}
{{- end -}}
{{- printf "%s/%s" $global.imageRegistry (join "/" $parts) -}}
{{- else -}}
{{- $ref -}}
{{- end -}}
{{- end -}}

{{/*
Selector of the release's pods allowed to reach a backing service: the server, migrations and
tests, plus the given OPAL components when OPAL is on. Arguments: (list ctx opalComponents).
*/}}
{{- define "aeterna.clientPeers" -}}
{{- $ctx := index . 0 -}}
{{- $components := list "server" "migrations" "test" -}}
{{- if $ctx.Values.opal.enabled }}{{ $components = concat $components (index . 1) }}{{ end -}}
- podSelector:
    matchLabels:
      {{- include "aeterna.selectorLabels" $ctx | nindent 6 }}
    matchExpressions:
      - key: app.kubernetes.io/component
        operator: In
        values: {{ toJson $components }}
{{- end -}}

{{/* Egress rule for DNS (any destination, port 53), for the policies of the bundled services. */}}
{{- define "aeterna.dnsEgress" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}
