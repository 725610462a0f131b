{{/*
Validation of values that the JSON schema cannot express (rules across keys, per mode).
Each rule fails the render with one sentence that names the key.
*/}}
{{- define "aeterna.validate" -}}
{{- $v := .Values -}}
{{- $mode := $v.deploymentMode -}}

{{- /* Deployment mode and the central server */ -}}
{{- if and (has $mode (list "hybrid" "remote")) (not $v.remote.governanceUrl) -}}
{{- fail (printf "remote.governanceUrl is required when deploymentMode is %q: set it to the central Aeterna server's http(s) URL." $mode) -}}
{{- end -}}
{{- if $v.remote.governanceUrl -}}
{{- include "aeterna.validate.httpUrl" (list "remote.governanceUrl" $v.remote.governanceUrl) -}}
{{- end -}}

{{- /* PostgreSQL (required at boot in every mode): bundled CloudNativePG or external */ -}}
{{- $pg := $v.postgresql -}}
{{- if $pg.bundled.enabled -}}
{{- if $pg.external.host -}}
{{- fail (printf "postgresql.bundled.enabled and postgresql.external.host (%q) are mutually exclusive: set postgresql.bundled.enabled=false to use the external server, or clear postgresql.external.host." $pg.external.host) -}}
{{- end -}}
{{- if and $v.capabilityChecks (not (.Capabilities.APIVersions.Has "postgresql.cnpg.io/v1")) -}}
{{- fail "postgresql.bundled.enabled needs the CloudNativePG operator, and this cluster does not serve postgresql.cnpg.io/v1: install the operator first (helm repo add cnpg https://cloudnative-pg.github.io/charts && helm install cnpg cnpg/cloudnative-pg -n cnpg-system --create-namespace), or set postgresql.bundled.enabled=false and postgresql.external.host." -}}
{{- end -}}
{{- else -}}
{{- if not $pg.external.host -}}
{{- fail "postgresql.external.host is required when postgresql.bundled.enabled is false: the server needs PostgreSQL at boot (PG_HOST)." -}}
{{- end -}}
{{- if not $pg.external.database -}}
{{- fail "postgresql.external.database is required: the server needs a database name at boot (PG_DATABASE)." -}}
{{- end -}}
{{- end -}}

{{- /* Cache: exactly one of dragonfly, valkey, external */ -}}
{{- if and $v.dragonfly.enabled $v.valkey.enabled -}}
{{- fail "dragonfly.enabled and valkey.enabled are both true: the cache is exactly one of them (or an external server), so disable one." -}}
{{- end -}}
{{- $bundledCache := "" -}}
{{- if $v.dragonfly.enabled }}{{ $bundledCache = "dragonfly" }}{{ else if $v.valkey.enabled }}{{ $bundledCache = "valkey" }}{{ end -}}
{{- if $bundledCache -}}
{{- if $v.cache.external.host -}}
{{- fail (printf "cache.external.host (%q) is set while the bundled cache is enabled (%s.enabled): clear cache.external.host or set %s.enabled=false." $v.cache.external.host $bundledCache $bundledCache) -}}
{{- end -}}
{{- if and (eq $bundledCache "dragonfly") (dig "passwordFromSecret" "enable" false $v.dragonfly) -}}
{{- fail "dragonfly.passwordFromSecret.enable must stay false: the Aeterna server 0.8.0-rc.12 sends no password, so it could not connect to a password-protected Dragonfly." -}}
{{- end -}}
{{- if and (eq $bundledCache "valkey") (dig "auth" "enabled" false $v.valkey) -}}
{{- fail "valkey.auth.enabled must stay false: the Aeterna server 0.8.0-rc.12 sends no password, so it could not connect to a password-protected Valkey." -}}
{{- end -}}
{{- if dig "tls" "enabled" false (index $v $bundledCache) -}}
{{- fail (printf "%s.tls.enabled must stay false: the Aeterna server 0.8.0-rc.12 does not use TLS for the cache." $bundledCache) -}}
{{- end -}}
{{- else if not $v.cache.external.host -}}
{{- fail "cache.external.host is required when neither dragonfly.enabled nor valkey.enabled is true: set it to a Redis-compatible server the Aeterna server can reach (RD_HOST)." -}}
{{- end -}}
{{- if and $v.cache.external.password $v.cache.external.existingSecret -}}
{{- fail (printf "cache.external.password and its existingSecret (%q) are mutually exclusive: set only one of them." $v.cache.external.existingSecret) -}}
{{- end -}}

{{- /* Bundled vector stores must match the backend in use */ -}}
{{- range $key := list "qdrant" "weaviate" -}}
{{- if (index $v $key).enabled -}}
{{- if not (include "aeterna.vector.enabled" $) -}}
{{- fail (printf "%s.enabled is true but deploymentMode remote uses no vector store: set %s.enabled=false." $key $key) -}}
{{- else if ne $v.vector.backend $key -}}
{{- fail (printf "%s.enabled is true but vector.backend is %q: set vector.backend=%s or %s.enabled=false." $key $v.vector.backend $key $key) -}}
{{- end -}}
{{- $ext := index $v.vector $key -}}
{{- if $ext.url -}}
{{- fail (printf "vector.%s.url (%q) is set while the bundled %s is enabled (%s.enabled): clear vector.%s.url or set %s.enabled=false." $key $ext.url $key $key $key $key) -}}
{{- end -}}
{{- if or $ext.apiKey $ext.existingSecret -}}
{{- fail (printf "vector.%s.apiKey and vector.%s.existingSecret are for an external %s: the bundled one (%s.enabled) takes its key from the subchart's values." $key $key $key $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $mb := $v.vector.mongodb.bundled -}}
{{- if $mb.enabled -}}
{{- if or (not (include "aeterna.vector.enabled" .)) (ne $v.vector.backend "mongodb") -}}
{{- fail (printf "vector.mongodb.bundled.enabled is true but the vector backend in use is not mongodb (vector.backend %q, deploymentMode %q): set vector.mongodb.bundled.enabled=false." $v.vector.backend $mode) -}}
{{- end -}}
{{- if or $v.vector.mongodb.uri $v.vector.mongodb.existingSecret -}}
{{- fail "vector.mongodb.bundled.enabled and vector.mongodb.uri/existingSecret are mutually exclusive: the bundled MongoDB's URI is generated, so clear vector.mongodb.uri and vector.mongodb.existingSecret." -}}
{{- end -}}
{{- if and $v.capabilityChecks (not (.Capabilities.APIVersions.Has "psmdb.percona.com/v1")) -}}
{{- fail "vector.mongodb.bundled.enabled needs the Percona Server for MongoDB operator, and this cluster does not serve psmdb.percona.com/v1: install it first (helm repo add percona https://percona.github.io/percona-helm-charts && helm install psmdb-operator percona/psmdb-operator -n <release namespace>), or use an external MongoDB (vector.mongodb.uri)." -}}
{{- end -}}
{{- end -}}

{{- /* Inline secret vs existingSecret, for every secret in use */ -}}
{{- range (include "aeterna.secretEnv" . | fromYamlArray) -}}
{{- if and .value .existingSecret -}}
{{- fail (printf "%s and its existingSecret (%q) are mutually exclusive: set only one of them (existingSecret: \"\" to use the inline value)." .path .existingSecret) -}}
{{- end -}}
{{- end -}}

{{- /* Vector backend (local and hybrid modes) */ -}}
{{- if include "aeterna.vector.enabled" . -}}
{{- $b := $v.vector.backend -}}
{{- if eq $b "qdrant" -}}
{{- if not $v.qdrant.enabled -}}
{{- include "aeterna.validate.required" (list "vector.qdrant.url" $v.vector.qdrant.url "the qdrant vector backend unless qdrant.enabled is true") -}}
{{- include "aeterna.validate.httpUrl" (list "vector.qdrant.url" $v.vector.qdrant.url) -}}
{{- end -}}
{{- else if eq $b "pinecone" -}}
{{- if not (or $v.vector.pinecone.apiKey $v.vector.pinecone.existingSecret) -}}
{{- fail "vector.pinecone.apiKey (or vector.pinecone.existingSecret) is required for the pinecone vector backend." -}}
{{- end -}}
{{- include "aeterna.validate.required" (list "vector.pinecone.environment" $v.vector.pinecone.environment "the pinecone vector backend") -}}
{{- include "aeterna.validate.required" (list "vector.pinecone.indexName" $v.vector.pinecone.indexName "the pinecone vector backend") -}}
{{- else if eq $b "vertex_ai" -}}
{{- include "aeterna.validate.required" (list "vector.vertexAi.projectId" $v.vector.vertexAi.projectId "the vertex_ai vector backend") -}}
{{- include "aeterna.validate.required" (list "vector.vertexAi.location" $v.vector.vertexAi.location "the vertex_ai vector backend") -}}
{{- include "aeterna.validate.required" (list "vector.vertexAi.indexEndpoint" $v.vector.vertexAi.indexEndpoint "the vertex_ai vector backend") -}}
{{- include "aeterna.validate.required" (list "vector.vertexAi.deployedIndexId" $v.vector.vertexAi.deployedIndexId "the vertex_ai vector backend") -}}
{{- else if eq $b "databricks" -}}
{{- include "aeterna.validate.required" (list "vector.databricks.host" $v.vector.databricks.host "the databricks vector backend") -}}
{{- include "aeterna.validate.httpUrl" (list "vector.databricks.host" $v.vector.databricks.host) -}}
{{- if not (or $v.vector.databricks.token $v.vector.databricks.existingSecret) -}}
{{- fail "vector.databricks.token (or vector.databricks.existingSecret) is required for the databricks vector backend." -}}
{{- end -}}
{{- include "aeterna.validate.required" (list "vector.databricks.catalog" $v.vector.databricks.catalog "the databricks vector backend") -}}
{{- include "aeterna.validate.required" (list "vector.databricks.schema" $v.vector.databricks.schema "the databricks vector backend") -}}
{{- else if eq $b "weaviate" -}}
{{- if not $v.weaviate.enabled -}}
{{- include "aeterna.validate.required" (list "vector.weaviate.url" $v.vector.weaviate.url "the weaviate vector backend unless weaviate.enabled is true") -}}
{{- include "aeterna.validate.httpUrl" (list "vector.weaviate.url" $v.vector.weaviate.url) -}}
{{- end -}}
{{- else if and (eq $b "mongodb") (not $v.vector.mongodb.bundled.enabled) -}}
{{- if not (or $v.vector.mongodb.uri $v.vector.mongodb.existingSecret) -}}
{{- fail "vector.mongodb.uri (or vector.mongodb.existingSecret) is required for the mongodb vector backend unless vector.mongodb.bundled.enabled is true." -}}
{{- end -}}
{{- if and $v.vector.mongodb.uri (not (regexMatch "^mongodb(\\+srv)?://" $v.vector.mongodb.uri)) -}}
{{- fail "vector.mongodb.uri must start with mongodb:// or mongodb+srv://." -}}
{{- end -}}
{{- include "aeterna.validate.required" (list "vector.mongodb.database" $v.vector.mongodb.database "the mongodb vector backend") -}}
{{- end -}}
{{- end -}}

{{- /* LLM provider: only what the server can serve */ -}}
{{- $provider := $v.llm.provider -}}
{{- if not (has $provider (list "openai" "google" "bedrock" "none")) -}}
{{- if has (lower $provider) (list "ollama" "openai-compatible" "openai_compatible" "vllm" "lmstudio") -}}
{{- fail (printf "llm.provider %q is not a provider the Aeterna server serves: use provider openai with llm.openai.baseUrl set to the OpenAI-compatible endpoint (e.g. http://ollama:11434/v1)." $provider) -}}
{{- else -}}
{{- fail (printf "llm.provider %q is not served by the Aeterna server: use openai, google, bedrock or none." $provider) -}}
{{- end -}}
{{- end -}}
{{- if eq $provider "openai" -}}
{{- if not (or $v.llm.openai.apiKey $v.llm.openai.existingSecret $v.llm.openai.baseUrl) -}}
{{- fail "llm.openai.apiKey (or llm.openai.existingSecret) is required for the openai provider unless llm.openai.baseUrl points to a server that needs no key." -}}
{{- end -}}
{{- if $v.llm.openai.baseUrl -}}
{{- include "aeterna.validate.httpUrl" (list "llm.openai.baseUrl" $v.llm.openai.baseUrl) -}}
{{- end -}}
{{- else if eq $provider "google" -}}
{{- include "aeterna.validate.required" (list "llm.google.projectId" $v.llm.google.projectId "the google LLM provider") -}}
{{- include "aeterna.validate.required" (list "llm.google.location" $v.llm.google.location "the google LLM provider") -}}
{{- else if eq $provider "bedrock" -}}
{{- include "aeterna.validate.required" (list "llm.bedrock.region" $v.llm.bedrock.region "the bedrock LLM provider") -}}
{{- end -}}

{{- /* Authorization */ -}}
{{- if and (include "aeterna.opal.cedarEnabled" .) (not $v.auth.cedar.existingConfigMap) -}}
{{- $why := ternary "opal.enabled, which switches the server to Cedar authorization (the server does not boot without it): set it or auth.cedar.existingConfigMap; an example policy set is in examples/cedar/" "auth.backend cedar (the server does not boot without it)" (eq $v.opal.enabled true) -}}
{{- include "aeterna.validate.required" (list "auth.cedar.policyText" $v.auth.cedar.policyText $why) -}}
{{- include "aeterna.validate.required" (list "auth.cedar.schemaText" $v.auth.cedar.schemaText $why) -}}
{{- end -}}
{{- $o := $v.opal -}}
{{- if $o.enabled -}}
{{- if $o.server.enabled -}}
{{- if lt (int $o.server.replicas) 1 -}}
{{- fail (printf "opal.server.replicas must be at least 1 (got %v): set opal.server.enabled=false to use an OPAL server elsewhere (opal.serverUrl)." $o.server.replicas) -}}
{{- end -}}
{{- if and (gt (int $o.server.replicas) 1) (eq $o.server.broadcast.backend "none") -}}
{{- fail (printf "opal.server.replicas is %v but opal.server.broadcast.backend is none: OPAL server replicas need a broadcast channel, so set it to cache or postgresql (or use one replica)." $o.server.replicas) -}}
{{- end -}}
{{- else if and $o.cedarAgent.enabled (not $o.serverUrl) -}}
{{- fail "opal.serverUrl is required when opal.server.enabled is false: the Cedar agents need an OPAL server to connect to." -}}
{{- end -}}
{{- if and $o.serverUrl $o.server.enabled -}}
{{- fail "opal.serverUrl is for an OPAL server elsewhere: set opal.server.enabled=false to use it, or clear it." -}}
{{- end -}}
{{- end -}}
{{- if $v.auth.opalFetcherUrl -}}
{{- include "aeterna.validate.httpUrl" (list "auth.opalFetcherUrl" $v.auth.opalFetcherUrl) -}}
{{- end -}}

{{- /* Availability and scaling */ -}}
{{- $pdb := $v.podDisruptionBudget -}}
{{- if $pdb.enabled -}}
{{- if and (not (kindIs "invalid" $pdb.minAvailable)) (not (kindIs "invalid" $pdb.maxUnavailable)) -}}
{{- fail "podDisruptionBudget.minAvailable and podDisruptionBudget.maxUnavailable are mutually exclusive: set the other one to null." -}}
{{- end -}}
{{- if and (kindIs "invalid" $pdb.minAvailable) (kindIs "invalid" $pdb.maxUnavailable) -}}
{{- fail "podDisruptionBudget needs podDisruptionBudget.minAvailable or podDisruptionBudget.maxUnavailable when enabled." -}}
{{- end -}}
{{- end -}}
{{- if $v.autoscaling.enabled -}}
{{- if gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas) -}}
{{- fail "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas." -}}
{{- end -}}
{{- if and (kindIs "invalid" $v.autoscaling.targetCPUUtilizationPercentage) (kindIs "invalid" $v.autoscaling.targetMemoryUtilizationPercentage) -}}
{{- fail "autoscaling needs autoscaling.targetCPUUtilizationPercentage or autoscaling.targetMemoryUtilizationPercentage when enabled." -}}
{{- end -}}
{{- end -}}
{{- $vpa := $v.verticalPodAutoscaler -}}
{{- if and $vpa.enabled $v.autoscaling.enabled (ne $vpa.updateMode "Off") -}}
{{- $hpaResources := list -}}
{{- if not (kindIs "invalid" $v.autoscaling.targetCPUUtilizationPercentage) }}{{ $hpaResources = append $hpaResources "cpu" }}{{ end -}}
{{- if not (kindIs "invalid" $v.autoscaling.targetMemoryUtilizationPercentage) }}{{ $hpaResources = append $hpaResources "memory" }}{{ end -}}
{{- range $vpa.controlledResources -}}
{{- if has . $hpaResources -}}
{{- fail (printf "verticalPodAutoscaler.controlledResources includes %s, which the HPA scales on: with autoscaling enabled set verticalPodAutoscaler.updateMode to \"Off\" or drop %s." . .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $v.ingress.enabled (not $v.ingress.hosts) -}}
{{- fail "ingress.hosts needs at least one host when ingress.enabled is true." -}}
{{- end -}}

{{- /* Boot contract: the tenant-secret KMS and the platform secret provider (server boot steps 6 and 10) */ -}}
{{- $kms := $v.kms -}}
{{- if eq $kms.provider "aws" -}}
{{- if not $kms.aws.keyArn -}}
{{- fail "kms.aws.keyArn is required for kms.provider aws: the server does not boot without its KMS key." -}}
{{- end -}}
{{- if not $kms.aws.region -}}
{{- fail "kms.aws.region is required for kms.provider aws: the server sets no region itself, and its KMS self-test at boot fails without one." -}}
{{- end -}}
{{- if and $kms.aws.roleArn (not $v.serviceAccount.create) -}}
{{- fail "kms.aws.roleArn annotates the chart's ServiceAccount, and serviceAccount.create is false: annotate your own ServiceAccount and clear kms.aws.roleArn, or set serviceAccount.create=true." -}}
{{- end -}}
{{- end -}}
{{- if eq $v.secretProvider.type "vault" -}}
{{- include "aeterna.validate.required" (list "secretProvider.vault.addr" $v.secretProvider.vault.addr "secretProvider.type vault (the server does not boot without it)") -}}
{{- include "aeterna.validate.httpUrl" (list "secretProvider.vault.addr" $v.secretProvider.vault.addr) -}}
{{- include "aeterna.validate.required" (list "secretProvider.vault.existingSecret" $v.secretProvider.vault.existingSecret "secretProvider.type vault (the Vault token; this provider has no Kubernetes login)") -}}
{{- end -}}
{{- if eq $v.server.environment "production" -}}
{{- if ne $kms.provider "aws" -}}
{{- fail "server.environment is production, and the server refuses to boot in production with a local KMS key: set kms.provider=aws with kms.aws.keyArn and kms.aws.region." -}}
{{- end -}}
{{- if ne $v.secretProvider.type "vault" -}}
{{- fail "server.environment is production, and the server refuses to boot in production without the Vault secret provider: set secretProvider.type=vault with secretProvider.vault.addr and secretProvider.vault.existingSecret." -}}
{{- end -}}
{{- end -}}
{{- if and (eq $kms.provider "local") $kms.local.existingSecret -}}
{{- /* On a cluster the key can be checked before the server trips over it. */ -}}
{{- with (lookup "v1" "Secret" .Release.Namespace $kms.local.existingSecret) -}}
{{- $raw := index (.data | default dict) $kms.local.existingSecretKey | default "" | b64dec -}}
{{- $bytes := len (b64dec $raw) -}}
{{- if or (not (regexMatch "^[A-Za-z0-9+/]{43}=$" $raw)) (ne $bytes 32) -}}
{{- fail (printf "kms.local.existingSecret %q, key %q, must hold the standard base64 of exactly 32 bytes (44 characters ending in =), or the server does not boot: create it with `head -c 32 /dev/urandom | base64`." $kms.local.existingSecret $kms.local.existingSecretKey) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* Authentication and authorization: the server trusts its callers unless told otherwise */ -}}
{{- $a := $v.auth -}}
{{- if eq $a.backend "permit" -}}
{{- if $v.opal.enabled -}}
{{- fail "auth.backend permit and opal.enabled are exclusive: the OPAL stack switches the server to Cedar; set opal.enabled=false to use Permit." -}}
{{- end -}}
{{- include "aeterna.validate.required" (list "auth.permit.pdpUrl" $a.permit.pdpUrl "auth.backend permit (the server does not boot without it)") -}}
{{- include "aeterna.validate.required" (list "auth.permit.existingSecret" $a.permit.existingSecret "auth.backend permit (the Permit.io API key; the server does not boot without it)") -}}
{{- end -}}
{{- if and $a.plugin.github.clientId (not $a.plugin.github.clientSecretExistingSecret) -}}
{{- fail "auth.plugin.github.clientSecretExistingSecret is required with auth.plugin.github.clientId: without the client secret every browser login fails at the callback." -}}
{{- end -}}
{{- if and $a.plugin.github.clientSecretExistingSecret (not $a.plugin.github.clientId) -}}
{{- fail "auth.plugin.github.clientId is required with auth.plugin.github.clientSecretExistingSecret: without it the browser login route answers 500." -}}
{{- end -}}
{{- if and $a.adminBootstrap.email (eq $a.adminBootstrap.provider "github") (not $a.adminBootstrap.providerSubject) -}}
{{- fail "auth.adminBootstrap.providerSubject is required with auth.adminBootstrap.email and provider github: the server matches the GitHub login, so the e-mail alone never logs the first admin in." -}}
{{- end -}}
{{- if and $a.plugin.enabled $a.kubernetes.enabled -}}
{{- fail "auth.plugin.enabled and auth.kubernetes.enabled are exclusive: with plugin auth on, the server rejects Kubernetes tokens before any handler runs; choose one." -}}
{{- end -}}
{{- if not $a.allowUnauthenticated -}}
{{- if not (or $a.plugin.enabled $a.kubernetes.enabled) -}}
{{- fail "auth.allowUnauthenticated must be true for a server without authentication: with auth.plugin and auth.kubernetes off, any caller picks its identity and role (X-User-Role: PlatformAdmin); turn one of them on, or set auth.allowUnauthenticated=true (development only)." -}}
{{- end -}}
{{- if not (or (include "aeterna.opal.cedarEnabled" .) (eq $a.backend "permit")) -}}
{{- fail "auth.allowUnauthenticated must be true for auth.backend none: every MCP tool call and knowledge promotion is then allowed; set auth.backend to cedar or permit, or set auth.allowUnauthenticated=true (development only)." -}}
{{- end -}}
{{- end -}}

{{- /* Knowledge repository, GitHub, and what several replicas need */ -}}
{{- $gh := $v.server.github -}}
{{- if ne (empty $gh.owner) (empty $gh.repo) -}}
{{- fail "server.github.owner and server.github.repo go together: the server needs both for any GitHub provider." -}}
{{- end -}}
{{- if ne (empty $gh.appId) (empty $gh.installationId) -}}
{{- fail "server.github.appId and server.github.installationId go together: the server authenticates as the App installation." -}}
{{- end -}}
{{- if and (or $gh.appId $gh.tokenKey $gh.webhookSecretKey) (not $gh.existingSecret) -}}
{{- fail "server.github.existingSecret is required with server.github.appId, tokenKey or webhookSecretKey: it holds the App's private key, the token and the webhook secret (the server mints the App token at boot and does not start without it)." -}}
{{- end -}}
{{- if and $gh.orgName (not $gh.appId) -}}
{{- fail "server.github.orgName needs server.github.appId, installationId and existingSecret: the organization sync authenticates as the GitHub App." -}}
{{- end -}}
{{- if and (hasPrefix "git@github.com:" $v.server.knowledgeRepo.url) (not (and $gh.owner (or $gh.appId $gh.tokenKey))) -}}
{{- fail "server.knowledgeRepo.url is an SSH URL, which the server only rewrites to HTTPS with a GitHub provider: set server.github.owner, repo and an App or token, or use an https:// URL." -}}
{{- end -}}
{{- if and (or $v.autoscaling.enabled (gt (int $v.replicaCount) 1)) (not $v.server.knowledgeRepo.url) -}}
{{- fail (printf "server.knowledgeRepo.url is required with more than one replica (replicaCount %d, autoscaling %t): at 0.8.0-rc.12 each replica keeps its own local knowledge repository, so replicas would diverge; set a remote repository or run one replica." (int $v.replicaCount) $v.autoscaling.enabled) -}}
{{- end -}}

{{- /* Identity-provider sync, A2A authentication, the Vault resolver */ -}}
{{- $idp := $v.server.idp -}}
{{- if $idp.provider -}}
{{- include "aeterna.validate.required" (list "server.idp.existingSecret" $idp.existingSecret (printf "server.idp.provider %s (its API credentials; the server does not boot without them)" $idp.provider)) -}}
{{- if eq $idp.provider "okta" -}}
{{- include "aeterna.validate.required" (list "server.idp.oktaDomain" $idp.oktaDomain "server.idp.provider okta (the server does not boot without it)") -}}
{{- else -}}
{{- include "aeterna.validate.required" (list "server.idp.azureTenantId" $idp.azureTenantId "server.idp.provider azure (the server does not boot without it)") -}}
{{- include "aeterna.validate.required" (list "server.idp.azureClientId" $idp.azureClientId "server.idp.provider azure (the server does not boot without it)") -}}
{{- end -}}
{{- end -}}
{{- if $v.server.a2a.authEnabled -}}
{{- if not $v.server.features.radkit -}}
{{- fail "server.a2a.authEnabled needs server.features.radkit: the server reads the A2A settings only with RadKit on, so the endpoint would stay open." -}}
{{- end -}}
{{- include "aeterna.validate.required" (list "server.a2a.existingSecret" $v.server.a2a.existingSecret "server.a2a.authEnabled (the A2A API key; the server does not boot without it)") -}}
{{- end -}}
{{- if and (or $v.server.vault.kubernetesRole $v.server.vault.tokenExistingSecret) (not $v.server.vault.addr) -}}
{{- fail "server.vault.addr is required with server.vault.kubernetesRole or tokenExistingSecret: they log in to the Vault at that address." -}}
{{- end -}}

{{- /* Secrets provider: with existing or external-secrets, no secret value in the values */ -}}
{{- $sp := $v.secrets.provider -}}
{{- if ne $sp "helm" -}}
{{- $inline := list (list "postgresql.external.password" $v.postgresql.external.password) (list "cache.external.password" $v.cache.external.password) (list "vector.qdrant.apiKey" $v.vector.qdrant.apiKey) (list "vector.weaviate.apiKey" $v.vector.weaviate.apiKey) (list "vector.pinecone.apiKey" $v.vector.pinecone.apiKey) (list "vector.databricks.token" $v.vector.databricks.token) (list "vector.mongodb.uri" $v.vector.mongodb.uri) (list "llm.openai.apiKey" $v.llm.openai.apiKey) (list "qdrant.apiKey" (ternary $v.qdrant.apiKey "" (kindIs "string" $v.qdrant.apiKey))) -}}
{{- range $inline -}}
{{- if index . 1 -}}
{{- fail (printf "secrets.provider is %s, and %s is set inline: put the value in a Secret and set the matching existingSecret (an inline secret ends up in the values file and in Helm's release records)." $sp (index . 0)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if eq $sp "external-secrets" -}}
{{- include "aeterna.validate.required" (list "secrets.externalSecrets.storeRef.name" $v.secrets.externalSecrets.storeRef.name "secrets.provider external-secrets") -}}
{{- if not $v.secrets.externalSecrets.secrets -}}
{{- fail "secrets.externalSecrets.secrets needs at least one entry with secrets.provider external-secrets: each entry becomes an ExternalSecret creating the Secret an existingSecret names." -}}
{{- end -}}
{{- if and $v.capabilityChecks (not (.Capabilities.APIVersions.Has "external-secrets.io/v1")) -}}
{{- fail "secrets.provider external-secrets needs the External Secrets Operator, and this cluster does not serve external-secrets.io/v1: install it first (helm repo add external-secrets https://charts.external-secrets.io && helm install external-secrets external-secrets/external-secrets -n external-secrets --create-namespace), or use secrets.provider existing." -}}
{{- end -}}
{{- end -}}

{{- /* Registry mirror and pull secrets: the dragonfly, qdrant and weaviate charts read only their own image keys */ -}}
{{- $reg := $v.global.imageRegistry | default "" | trimSuffix "/" -}}
{{- if $reg -}}
{{- if and $v.dragonfly.enabled (not (hasPrefix (printf "%s/" $reg) (toString (dig "image" "repository" "" $v.dragonfly)))) -}}
{{- fail (printf "global.imageRegistry (%s) does not reach the dragonfly subchart, which reads only its own image settings: set dragonfly.image.repository to %s/dragonflydb/dragonfly." $reg $reg) -}}
{{- end -}}
{{- if and $v.qdrant.enabled (not (hasPrefix (printf "%s/" $reg) (toString (dig "image" "repository" "" $v.qdrant)))) -}}
{{- fail (printf "global.imageRegistry (%s) does not reach the qdrant subchart, which reads only its own image settings: set qdrant.image.repository to %s/qdrant/qdrant." $reg $reg) -}}
{{- end -}}
{{- if and $v.weaviate.enabled (ne (toString (dig "image" "registry" "" $v.weaviate)) $reg) -}}
{{- fail (printf "global.imageRegistry (%s) does not reach the weaviate subchart, which reads only its own image settings: set weaviate.image.registry to %s." $reg $reg) -}}
{{- end -}}
{{- end -}}
{{- range $secret := $v.global.imagePullSecrets | default list -}}
{{- range $sub := list "dragonfly" "qdrant" -}}
{{- $sv := index $v $sub -}}
{{- $names := list -}}
{{- range (dig "imagePullSecrets" list $sv) }}{{ $names = append $names (kindIs "map" . | ternary (get (kindIs "map" . | ternary . dict) "name") .) }}{{ end -}}
{{- if and $sv.enabled (not (has $secret $names)) -}}
{{- fail (printf "global.imagePullSecrets does not reach the %s subchart, which reads only its own list: add {name: %s} to %s.imagePullSecrets." $sub $secret $sub) -}}
{{- end -}}
{{- end -}}
{{- if and $v.weaviate.enabled (not (has $secret (dig "image" "pullSecrets" list $v.weaviate))) -}}
{{- fail (printf "global.imagePullSecrets does not reach the weaviate subchart, which reads only its own list: add %s to weaviate.image.pullSecrets." $secret) -}}
{{- end -}}
{{- end -}}

{{- include "aeterna.backup.validate" . -}}

{{- /* Monitoring and VPA resources need their operators' APIs */ -}}
{{- if $v.capabilityChecks -}}
{{- $prom := .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" -}}
{{- if and $v.metrics.serviceMonitor.enabled (not $prom) -}}
{{- fail "metrics.serviceMonitor.enabled needs the Prometheus Operator, and this cluster does not serve monitoring.coreos.com/v1: install it first (e.g. the kube-prometheus-stack chart), or set metrics.serviceMonitor.enabled=false." -}}
{{- end -}}
{{- if and $pg.bundled.enabled $pg.bundled.monitoring.podMonitor (not $prom) -}}
{{- fail "postgresql.bundled.monitoring.podMonitor needs the Prometheus Operator, and this cluster does not serve monitoring.coreos.com/v1: install it first (e.g. the kube-prometheus-stack chart), or set postgresql.bundled.monitoring.podMonitor=false." -}}
{{- end -}}
{{- range $key := list "prometheusRule" "componentMonitors" -}}
{{- if and (index $v.monitoring $key).enabled (not $prom) -}}
{{- fail (printf "monitoring.%s.enabled needs the Prometheus Operator, and this cluster does not serve monitoring.coreos.com/v1: install it first (e.g. the kube-prometheus-stack chart), or set monitoring.%s.enabled=false." $key $key) -}}
{{- end -}}
{{- end -}}
{{- if and $vpa.enabled (not (.Capabilities.APIVersions.Has "autoscaling.k8s.io/v1")) -}}
{{- fail "verticalPodAutoscaler.enabled needs the Vertical Pod Autoscaler, and this cluster does not serve autoscaling.k8s.io/v1: install it first (kubernetes/autoscaler, vertical-pod-autoscaler), or set verticalPodAutoscaler.enabled=false." -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* (list key value purpose): fail when value is empty. */}}
{{- define "aeterna.validate.required" -}}
{{- if not (index . 1) -}}
{{- fail (printf "%s is required for %s." (index . 0) (index . 2)) -}}
{{- end -}}
{{- end -}}

{{/* (list key value): fail unless value is an http(s) URL with a host. */}}
{{- define "aeterna.validate.httpUrl" -}}
{{- $u := urlParse (index . 1) -}}
{{- if or (not (has $u.scheme (list "http" "https"))) (not $u.host) -}}
{{- fail (printf "%s must be an http:// or https:// URL with a host, got %q." (index . 0) (index . 1)) -}}
{{- end -}}
{{- end -}}
