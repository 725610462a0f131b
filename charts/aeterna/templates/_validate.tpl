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

{{- /* PostgreSQL (required at boot in every mode) */ -}}
{{- if not $v.postgresql.external.host -}}
{{- fail "postgresql.external.host is required: the server needs PostgreSQL at boot (PG_HOST)." -}}
{{- end -}}
{{- if not $v.postgresql.external.database -}}
{{- fail "postgresql.external.database is required: the server needs a database name at boot (PG_DATABASE)." -}}
{{- end -}}

{{- /* Cache */ -}}
{{- if not $v.cache.external.host -}}
{{- fail "cache.external.host is required: set it to a Redis-compatible server the Aeterna server can reach (RD_HOST)." -}}
{{- end -}}

{{- /* Inline secret vs existingSecret, for every secret in use */ -}}
{{- range (include "aeterna.secretEnv" . | fromYamlArray) -}}
{{- if and .value .existingSecret -}}
{{- fail (printf "%s and its existingSecret (%q) are mutually exclusive: set only one of them (existingSecret: \"\" to use the inline value)." .path .existingSecret) -}}
{{- end -}}
{{- end -}}

{{- /* Vector backend (local and hybrid modes) */ -}}
{{- if include "aeterna.vectorEnabled" . -}}
{{- $b := $v.vector.backend -}}
{{- if eq $b "qdrant" -}}
{{- include "aeterna.validate.required" (list "vector.qdrant.url" $v.vector.qdrant.url "the qdrant vector backend") -}}
{{- include "aeterna.validate.httpUrl" (list "vector.qdrant.url" $v.vector.qdrant.url) -}}
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
{{- include "aeterna.validate.required" (list "vector.weaviate.url" $v.vector.weaviate.url "the weaviate vector backend") -}}
{{- include "aeterna.validate.httpUrl" (list "vector.weaviate.url" $v.vector.weaviate.url) -}}
{{- else if eq $b "mongodb" -}}
{{- if not (or $v.vector.mongodb.uri $v.vector.mongodb.existingSecret) -}}
{{- fail "vector.mongodb.uri (or vector.mongodb.existingSecret) is required for the mongodb vector backend." -}}
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
{{- if eq $v.auth.backend "cedar" -}}
{{- include "aeterna.validate.required" (list "auth.cedar.policyText" $v.auth.cedar.policyText "auth.backend cedar (the server does not boot without it)") -}}
{{- include "aeterna.validate.required" (list "auth.cedar.schemaText" $v.auth.cedar.schemaText "auth.backend cedar (the server does not boot without it)") -}}
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
