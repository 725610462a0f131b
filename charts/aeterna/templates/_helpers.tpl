{{/* vim: set filetype=mustache: */}}

{{/* Chart name, overridable with nameOverride. */}}
{{- define "aeterna.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full resource name: fullnameOverride, or <release>-<name> (the release alone when it already contains the name). */}}
{{- define "aeterna.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A name derived from the full name with a suffix, kept within 63 characters. */}}
{{- define "aeterna.componentName" -}}
{{- $suffix := index . 1 -}}
{{- printf "%s-%s" (include "aeterna.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "aeterna.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: name and instance only (immutable in Deployment selectors). */}}
{{- define "aeterna.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aeterna.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "aeterna.labels" -}}
helm.sh/chart: {{ include "aeterna.chart" . }}
{{ include "aeterna.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: aeterna
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Metadata annotations block (commonAnnotations) indented for metadata, or nothing. */}}
{{- define "aeterna.annotations" -}}
{{- with .Values.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "aeterna.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "aeterna.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Image reference. Arguments: (list imageValues global).
registry: global.imageRegistry wins; digest pins the image.
*/}}
{{- define "aeterna.image" -}}
{{- $img := index . 0 -}}
{{- $global := index . 1 -}}
{{- $tag := index . 2 -}}
{{- $registry := default $img.registry $global.imageRegistry -}}
{{- $repo := $img.repository -}}
{{- if $registry }}{{ $repo = printf "%s/%s" $registry $repo }}{{ end -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $repo $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{- define "aeterna.tests.image" -}}
{{- include "aeterna.image" (list .Values.tests.image .Values.global .Values.tests.image.tag) -}}
{{- end -}}

{{/* imagePullSecrets block from global + chart values, or nothing. Arguments: (list ctx indent). */}}
{{- define "aeterna.imagePullSecrets" -}}
{{- $ctx := index . 0 -}}
{{- $secrets := concat ($ctx.Values.global.imagePullSecrets | default list) ($ctx.Values.imagePullSecrets | default list) | uniq -}}
{{- if $secrets }}
{{- $block := dict "imagePullSecrets" list -}}
{{- range $secrets }}{{ $_ := set $block "imagePullSecrets" (append $block.imagePullSecrets (dict "name" .)) }}{{ end }}
{{- toYaml $block | nindent (index . 1) }}
{{- end }}
{{- end -}}

{{/* True when the vector backend is configured (local and hybrid modes). */}}
{{- define "aeterna.vector.enabled" -}}
{{- if ne .Values.deploymentMode "remote" }}true{{ end -}}
{{- end -}}

{{/*
Secret-backed environment variables. Each entry: env name, the inline value, the existing
Secret and its key. Only entries in use are listed (backend/provider selected).
Returns a YAML list of dicts.
*/}}
{{- define "aeterna.secretEnv" -}}
{{- $v := .Values -}}
{{- $out := list -}}
{{- if $v.postgresql.bundled.enabled -}}
{{- $pg := include "aeterna.postgresql.settings" . | fromYaml -}}
{{- $out = append $out (dict "env" "PG_PASSWORD" "value" "" "existingSecret" $pg.secretName "key" $pg.secretKey "path" "postgresql.bundled") -}}
{{- else -}}
{{- $pg := $v.postgresql.external -}}
{{- $out = append $out (dict "env" "PG_PASSWORD" "value" $pg.password "existingSecret" $pg.existingSecret "key" $pg.existingSecretPasswordKey "path" "postgresql.external.password") -}}
{{- end -}}
{{- if include "aeterna.vector.enabled" . -}}
{{- $b := $v.vector.backend -}}
{{- if and (eq $b "qdrant") $v.qdrant.enabled -}}
{{- if $v.qdrant.apiKey -}}
{{- $out = append $out (dict "env" "QDRANT_API_KEY" "value" "" "existingSecret" (printf "%s-apikey" (include "aeterna.subchartFullname" (list . "qdrant"))) "key" "api-key" "server" false "path" "qdrant.apiKey") -}}
{{- end -}}
{{- else if eq $b "qdrant" -}}
{{- $out = append $out (dict "env" "QDRANT_API_KEY" "value" $v.vector.qdrant.apiKey "existingSecret" $v.vector.qdrant.existingSecret "key" $v.vector.qdrant.existingSecretKey "server" false "path" "vector.qdrant.apiKey") -}}
{{- else if eq $b "pinecone" -}}
{{- $out = append $out (dict "env" "PINECONE_API_KEY" "value" $v.vector.pinecone.apiKey "existingSecret" $v.vector.pinecone.existingSecret "key" $v.vector.pinecone.existingSecretKey "server" false "path" "vector.pinecone.apiKey") -}}
{{- else if eq $b "databricks" -}}
{{- $out = append $out (dict "env" "DATABRICKS_TOKEN" "value" $v.vector.databricks.token "existingSecret" $v.vector.databricks.existingSecret "key" $v.vector.databricks.existingSecretKey "server" false "path" "vector.databricks.token") -}}
{{- else if and (eq $b "weaviate") $v.weaviate.enabled -}}
{{- $out = append $out (dict "env" "WEAVIATE_API_KEY" "value" "" "existingSecret" (include "aeterna.weaviate.keySecret" .) "key" "AUTHENTICATION_APIKEY_ALLOWED_KEYS" "server" false "path" "weaviate.envSecrets") -}}
{{- else if eq $b "weaviate" -}}
{{- $out = append $out (dict "env" "WEAVIATE_API_KEY" "value" $v.vector.weaviate.apiKey "existingSecret" $v.vector.weaviate.existingSecret "key" $v.vector.weaviate.existingSecretKey "server" false "path" "vector.weaviate.apiKey") -}}
{{- else if and (eq $b "mongodb") $v.vector.mongodb.bundled.enabled -}}
{{- $out = append $out (dict "env" "MONGODB_URI" "value" "" "existingSecret" (include "aeterna.componentName" (list . "mongodb-uri")) "key" "uri" "server" false "path" "vector.mongodb.bundled") -}}
{{- else if eq $b "mongodb" -}}
{{- $out = append $out (dict "env" "MONGODB_URI" "value" $v.vector.mongodb.uri "existingSecret" $v.vector.mongodb.existingSecret "key" $v.vector.mongodb.existingSecretKey "server" false "path" "vector.mongodb.uri") -}}
{{- end -}}
{{- end -}}
{{- $a := $v.auth -}}
{{- if $a.plugin.enabled -}}
{{- $out = append $out (dict "env" "AETERNA_PLUGIN_AUTH_JWT_SECRET" "value" "" "existingSecret" ($a.plugin.jwtExistingSecret | default (include "aeterna.componentName" (list . "auth"))) "key" (ternary $a.plugin.jwtExistingSecretKey "AETERNA_PLUGIN_AUTH_JWT_SECRET" (ne $a.plugin.jwtExistingSecret "")) "path" "auth.plugin") -}}
{{- if $a.plugin.github.clientSecretExistingSecret -}}
{{- $out = append $out (dict "env" "AETERNA_PLUGIN_AUTH_GITHUB_CLIENT_SECRET" "value" "" "existingSecret" $a.plugin.github.clientSecretExistingSecret "key" $a.plugin.github.clientSecretExistingSecretKey "path" "auth.plugin.github.clientSecretExistingSecret") -}}
{{- end -}}
{{- end -}}
{{- if eq $a.backend "permit" -}}
{{- $out = append $out (dict "env" "AETERNA_PERMIT_API_KEY" "value" "" "existingSecret" $a.permit.existingSecret "key" $a.permit.existingSecretKey "path" "auth.permit.existingSecret") -}}
{{- end -}}
{{- $gh := $v.server.github -}}
{{- if $gh.existingSecret -}}
{{- if $gh.appId -}}
{{- $out = append $out (dict "env" "AETERNA_GITHUB_APP_PEM" "value" "" "existingSecret" $gh.existingSecret "key" $gh.appPemKey "path" "server.github.existingSecret") -}}
{{- end -}}
{{- with $gh.tokenKey -}}
{{- $out = append $out (dict "env" "AETERNA_GITHUB_TOKEN" "value" "" "existingSecret" $gh.existingSecret "key" . "path" "server.github.tokenKey") -}}
{{- end -}}
{{- with $gh.webhookSecretKey -}}
{{- $out = append $out (dict "env" "AETERNA_WEBHOOK_SECRET" "value" "" "existingSecret" $gh.existingSecret "key" . "path" "server.github.webhookSecretKey") -}}
{{- end -}}
{{- end -}}
{{- $idp := $v.server.idp -}}
{{- if and $idp.provider $idp.existingSecret -}}
{{- if eq $idp.provider "okta" -}}
{{- $out = append $out (dict "env" "AETERNA_OKTA_API_TOKEN" "value" "" "existingSecret" $idp.existingSecret "key" $idp.oktaApiTokenKey "path" "server.idp.existingSecret") -}}
{{- else -}}
{{- $out = append $out (dict "env" "AETERNA_AZURE_CLIENT_SECRET" "value" "" "existingSecret" $idp.existingSecret "key" $idp.azureClientSecretKey "path" "server.idp.existingSecret") -}}
{{- end -}}
{{- with $idp.webhookSecretKey -}}
{{- $out = append $out (dict "env" "AETERNA_IDP_WEBHOOK_SECRET" "value" "" "existingSecret" $idp.existingSecret "key" . "path" "server.idp.webhookSecretKey") -}}
{{- end -}}
{{- end -}}
{{- if and $v.server.a2a.authEnabled $v.server.a2a.existingSecret -}}
{{- $out = append $out (dict "env" "AGENT_A2A_AUTH_API_KEY" "value" "" "existingSecret" $v.server.a2a.existingSecret "key" $v.server.a2a.existingSecretKey "path" "server.a2a.existingSecret") -}}
{{- end -}}
{{- if and $v.server.vault.addr $v.server.vault.tokenExistingSecret -}}
{{- $out = append $out (dict "env" "VAULT_TOKEN" "value" "" "existingSecret" $v.server.vault.tokenExistingSecret "key" $v.server.vault.tokenExistingSecretKey "path" "server.vault.tokenExistingSecret") -}}
{{- end -}}
{{- if eq $v.kms.provider "local" -}}
{{- $out = append $out (dict "env" "AETERNA_LOCAL_KMS_KEY" "value" "" "existingSecret" (include "aeterna.server.kmsSecretName" .) "key" (ternary $v.kms.local.existingSecretKey "AETERNA_LOCAL_KMS_KEY" (ne $v.kms.local.existingSecret "")) "path" "kms.local") -}}
{{- end -}}
{{- if eq $v.secretProvider.type "vault" -}}
{{- $out = append $out (dict "env" "AETERNA_VAULT_TOKEN" "value" "" "existingSecret" $v.secretProvider.vault.existingSecret "key" $v.secretProvider.vault.existingSecretKey "path" "secretProvider.vault.existingSecret") -}}
{{- end -}}
{{- if eq $v.llm.provider "openai" -}}
{{- /* The server does not boot without OPENAI_API_KEY; a keyless OpenAI-compatible server (baseUrl, no key) gets a placeholder. */ -}}
{{- $openaiKey := $v.llm.openai.apiKey | default (ternary "not-needed" "" (and (not $v.llm.openai.existingSecret) (ne $v.llm.openai.baseUrl ""))) -}}
{{- $out = append $out (dict "env" "OPENAI_API_KEY" "value" $openaiKey "existingSecret" $v.llm.openai.existingSecret "key" $v.llm.openai.existingSecretKey "path" "llm.openai.apiKey") -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Port of a URL: explicit port, else 443 for https and 80 otherwise. */}}
{{- define "aeterna.urlPort" -}}
{{- $u := urlParse . -}}
{{- $hostport := splitList ":" $u.host -}}
{{- if gt (len $hostport) 1 -}}
{{- last $hostport -}}
{{- else if eq $u.scheme "http" -}}
80
{{- else -}}
443
{{- end -}}
{{- end -}}

{{/* A generated secret value kept across upgrades: the value stored under key in the Secret
secretName (read back with lookup), else fresh. Arguments: (list ctx secretName key fresh).
Without a cluster (`helm template`) lookup finds nothing, so fresh is used on every render. */}}
{{- define "aeterna.keptSecretValue" -}}
{{- $ctx := index . 0 -}}
{{- $key := index . 2 -}}
{{- $found := "" -}}
{{- with (lookup "v1" "Secret" $ctx.Release.Namespace (index . 1)) -}}
{{- $found = index (.data | default dict) $key | default "" | b64dec -}}
{{- end -}}
{{- $found | default (index . 3) -}}
{{- end -}}
