{{/*
Validation of values that the JSON schema cannot express (rules across keys). Each rule fails the
render with one sentence that names the key; no secret value is ever printed.
*/}}
{{- define "verta.validate" -}}
{{- $v := .Values -}}
{{- $s := $v.secrets -}}

{{- /* Secrets: one source per value; the provider's rules */ -}}
{{- $pairs := list
  (list "database.url" $v.database.url "database.existingSecret" $v.database.existingSecret)
  (list "secrets.adminApiKey.value" $s.adminApiKey.value "secrets.adminApiKey.existingSecret" $s.adminApiKey.existingSecret)
  (list "secrets.discordBotToken.value" $s.discordBotToken.value "secrets.discordBotToken.existingSecret" $s.discordBotToken.existingSecret)
  (list "secrets.mlApiKey.value" $s.mlApiKey.value "secrets.mlApiKey.existingSecret" $s.mlApiKey.existingSecret)
  (list "secrets.openrouterApiKey.value" $s.openrouterApiKey.value "secrets.openrouterApiKey.existingSecret" $s.openrouterApiKey.existingSecret)
  (list "redis.external.password" $v.redis.external.password "redis.external.existingSecret" $v.redis.external.existingSecret) -}}
{{- range $pairs -}}
{{- if and (index . 1) (index . 3) -}}
{{- fail (printf "%s and %s are mutually exclusive: keep the value in one place (the existing Secret, or the inline value)." (index . 0) (index . 2)) -}}
{{- end -}}
{{- if and (index . 1) (ne $s.provider "helm") -}}
{{- fail (printf "%s is set inline, but secrets.provider is %q: with that provider every secret comes from a Secret, so move it there and set %s." (index . 0) $s.provider (index . 2)) -}}
{{- end -}}
{{- end -}}
{{- if eq $s.provider "external-secrets" -}}
{{- if not $s.externalSecrets.storeRef.name -}}
{{- fail "secrets.externalSecrets.storeRef.name is required when secrets.provider is \"external-secrets\": name the SecretStore or ClusterSecretStore to read from." -}}
{{- end -}}
{{- if not $s.externalSecrets.secrets -}}
{{- fail "secrets.externalSecrets.secrets is empty while secrets.provider is \"external-secrets\": list the Secrets the existingSecret references name." -}}
{{- end -}}
{{- if and $v.capabilityChecks (not (.Capabilities.APIVersions.Has "external-secrets.io/v1")) -}}
{{- fail "secrets.provider \"external-secrets\" needs the External Secrets Operator, and this cluster does not serve external-secrets.io/v1: install it first (helm repo add external-secrets https://charts.external-secrets.io && helm install external-secrets external-secrets/external-secrets -n external-secrets --create-namespace)." -}}
{{- end -}}
{{- end -}}
{{- with $s.adminApiKey.value -}}
{{- if lt (len .) 16 -}}
{{- fail "secrets.adminApiKey.value is shorter than 16 characters: use a long random key (or leave it empty to have one generated)." -}}
{{- end -}}
{{- end -}}

{{- /* Database: external TiDB, DATABASE_URL required */ -}}
{{- if and (not $v.database.url) (not $v.database.existingSecret) -}}
{{- fail "database.url or database.existingSecret is required: the backend exits without DATABASE_URL (mysql://user:password@host:port/database of your TiDB)." -}}
{{- end -}}
{{- if and $v.database.url (not (regexMatch "^mysql://[^/@\\s]+(:[^@\\s]*)?@[^/:@\\s]+(:[0-9]+)?/[^/\\s]+$" $v.database.url)) -}}
{{- fail "database.url must be a mysql:// URL of the form mysql://user:password@host:port/database (the value is not printed)." -}}
{{- end -}}
{{- if and (not $s.discordBotToken.value) (not $s.discordBotToken.existingSecret) -}}
{{- fail "secrets.discordBotToken.value or secrets.discordBotToken.existingSecret is required: the backend exits without DISCORD_BOT_TOKEN." -}}
{{- end -}}

{{- /* Redis: the bundled Valkey or an external server */ -}}
{{- if $v.valkey.enabled -}}
{{- if $v.redis.external.host -}}
{{- fail (printf "redis.external.host (%q) is set while valkey.enabled is true: clear redis.external.host or set valkey.enabled=false." $v.redis.external.host) -}}
{{- end -}}
{{- if dig "auth" "enabled" false $v.valkey -}}
{{- fail "valkey.auth.enabled must stay false: the chart gives the backend no password for the bundled Valkey (the NetworkPolicy admits only the backend and the tests); use redis.external for a password-protected server." -}}
{{- end -}}
{{- if dig "replica" "enabled" false $v.valkey -}}
{{- fail "valkey.replica.enabled must stay false: BullMQ needs one writable primary and the chart points the backend at a Service that would spread over replicas." -}}
{{- end -}}
{{- else if not $v.redis.external.host -}}
{{- fail "redis.external.host is required when valkey.enabled is false: BullMQ needs a Redis 7 compatible server (REDIS_HOST)." -}}
{{- end -}}

{{- /* Images: pinned */ -}}
{{- range $c := list "backend" "frontend" "ml" -}}
{{- $img := (index $v $c).image -}}
{{- if and (eq (default "" $img.tag) "latest") (not $img.digest) -}}
{{- fail (printf "%s.image.tag must be a fixed version, not \"latest\": pin a release tag or set %s.image.digest." $c $c) -}}
{{- end -}}
{{- end -}}
{{- if and (eq $v.tests.redisImage.tag "latest") (not $v.tests.redisImage.digest) -}}
{{- fail "tests.redisImage.tag must be a fixed version, not \"latest\": pin a release tag or set tests.redisImage.digest." -}}
{{- end -}}

{{- /* Backend behaviour */ -}}
{{- if eq $v.backend.nodeEnv "test" -}}
{{- fail "backend.nodeEnv must not be \"test\": the backend then skips its database migrations at start." -}}
{{- end -}}
{{- $own := dict
  "backend" (list "NODE_ENV" "PORT" "LOG_LEVEL" "DATABASE_POOL_SIZE" "REDIS_HOST" "REDIS_PORT" "REDIS_PASSWORD" "ML_SERVICE_URL" "FRONTEND_URL" "DISCORD_CLIENT_ID" "ADMIN_API_KEY" "DATABASE_URL" "DISCORD_BOT_TOKEN" "ML_SERVICE_API_KEY" "HOME")
  "frontend" (list "NODE_ENV" "PORT" "HOSTNAME" "BACKEND_URL" "NEXT_PUBLIC_TENANT_SLUG" "NEXT_PUBLIC_API_URL" "ADMIN_API_KEY" "HOME")
  "ml" (list "ML_SERVICE_HOST" "ML_SERVICE_PORT" "ML_SERVICE_WORKERS" "ML_SERVICE_DEBUG" "ADMIN_API_KEY" "OPENROUTER_API_KEY" "DATABASE_URL") -}}
{{- range $c, $names := $own -}}
{{- range $k, $_ := (index $v $c).env -}}
{{- if has $k $names -}}
{{- fail (printf "%s.env.%s is set by the chart itself: use the chart's own value for it (see the README values table) instead of %s.env." $c $k $c) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $c := list "backend" "frontend" -}}
{{- $a := (index $v $c).autoscaling -}}
{{- if and $a.enabled (gt (int $a.minReplicas) (int $a.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas (%d) is greater than %s.autoscaling.maxReplicas (%d)." $c (int $a.minReplicas) $c (int $a.maxReplicas)) -}}
{{- end -}}
{{- end -}}

{{- /* Ingress */ -}}
{{- if and $v.ingress.enabled (not $v.ingress.host) -}}
{{- fail "ingress.host is required when ingress.enabled is true: the site's host name." -}}
{{- end -}}
{{- if $v.ingress.admin.enabled -}}
{{- if not $v.ingress.enabled -}}
{{- fail "ingress.admin.enabled needs ingress.enabled: the admin Ingress shares the public host and TLS settings." -}}
{{- end -}}
{{- if not $v.ingress.admin.sourceRanges -}}
{{- fail "ingress.admin.sourceRanges is required when ingress.admin.enabled is true: list the client CIDRs allowed on the admin paths." -}}
{{- end -}}
{{- end -}}
{{- end -}}
