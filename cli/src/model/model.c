#include "model.h"
#include "facts.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const char *const target_names[] = { "kubernetes", "docker-compose", "opencode-only", NULL };
static const char *const mode_names[] = { "local", "hybrid", "remote", NULL };
static const char *const auth_names[] = { "api-key", "oauth2", "service-account", NULL };
static const char *const vector_names[] = { "qdrant", "weaviate", "mongodb", "pinecone", "vertex-ai", "databricks", NULL };
static const char *const placement_names[] = { "bundled", "external", NULL };
static const char *const cache_names[] = { "dragonfly", "valkey", "external", NULL };
static const char *const pg_names[] = { "cloudnativepg", "external", NULL };
static const char *const sslmode_names[] = { "disable", "allow", "prefer", "require", "verify-ca", "verify-full", NULL };
static const char *const llm_names[] = { "none", "openai", "openai-compatible", "google", "bedrock", NULL };
static const char *const scope_names[] = { "project", "user", NULL };
static const char *const secrets_names[] = { "file", "external-secrets", NULL };
static const char *const backup_provider_names[] = { "s3", "gcs", "azure", NULL };

#define OFF(m) offsetof(struct deployment, m)
#define S(sec, k, fl, grp, m, hlp, ph) { sec, k, fl, grp, hlp, F_STRING, OFF(m), NULL, 0, 0, false, NULL, ph }
#define SECRET(sec, k, fl, grp, m, hlp, env) { sec, k, fl, grp, hlp, F_STRING, OFF(m), NULL, 0, 0, true, env, "SECRET" }
#define E(sec, k, fl, grp, m, names, hlp) { sec, k, fl, grp, hlp, F_ENUM, OFF(m), names, 0, 0, false, NULL, NULL }
#define I(sec, k, fl, grp, m, lo, hi, hlp) { sec, k, fl, grp, hlp, F_INT, OFF(m), NULL, lo, hi, false, NULL, "N" }
#define B(sec, k, fl, grp, m, hlp) { sec, k, fl, grp, hlp, F_BOOL, OFF(m), NULL, 0, 0, false, NULL, NULL }

const struct field model_fields[FLD_COUNT] = {
	[FLD_TARGET] = E("setup", "target", "target", "Deployment", target, target_names, "where Aeterna runs"),
	[FLD_MODE] = E("setup", "mode", "mode", "Deployment", mode, mode_names, "local, hybrid (local + central sync) or remote (thin client)"),

	[FLD_CENTRAL_URL] = S("central", "url", "central-url", "Central server (hybrid/remote)", central_url, "central Aeterna server URL (http or https)", "URL"),
	[FLD_CENTRAL_AUTH] = E("central", "auth_method", "central-auth", "Central server (hybrid/remote)", central_auth, auth_names, "how this instance authenticates to the central server"),
	[FLD_CENTRAL_CREDENTIAL] = SECRET("central", "credential", "central-credential", "Central server (hybrid/remote)", central_credential, "API key, OAuth2 client secret or service-account token", "AETERNA_CENTRAL_CREDENTIAL"),

	[FLD_CACHE_SIZE_MB] = I("hybrid", "cache_size_mb", "cache-size-mb", "Hybrid", cache_size_mb, 16, 1048576, "local cache size in MiB"),
	[FLD_OFFLINE_CEDAR] = B("hybrid", "offline_cedar", "offline-cedar", "Hybrid", offline_cedar, "keep a local Cedar agent for offline policy decisions"),
	[FLD_SYNC_INTERVAL] = I("hybrid", "sync_interval_seconds", "sync-interval", "Hybrid", sync_interval, 10, 86400, "seconds between syncs with the central server"),

	[FLD_VECTOR_BACKEND] = E("vector", "backend", "vector-backend", "Vector store (local/hybrid)", vector, vector_names, "vector backend"),
	[FLD_VECTOR_DEPLOYMENT] = E("vector", "deployment", "vector-deployment", "Vector store (local/hybrid)", vector_placement, placement_names, "bundled with the deployment, or an external service (qdrant, weaviate, mongodb)"),
	[FLD_QDRANT_URL] = S("vector", "qdrant_url", "qdrant-url", "Vector store (local/hybrid)", qdrant_url, "Qdrant URL (gRPC port, e.g. http://qdrant:6334)", "URL"),
	[FLD_QDRANT_API_KEY] = SECRET("vector", "qdrant_api_key", "qdrant-api-key", "Vector store (local/hybrid)", qdrant_api_key, "Qdrant API key (optional)", "QDRANT_API_KEY"),
	[FLD_WEAVIATE_URL] = S("vector", "weaviate_url", "weaviate-url", "Vector store (local/hybrid)", weaviate_url, "Weaviate URL", "URL"),
	[FLD_WEAVIATE_API_KEY] = SECRET("vector", "weaviate_api_key", "weaviate-api-key", "Vector store (local/hybrid)", weaviate_api_key, "Weaviate API key (optional)", "WEAVIATE_API_KEY"),
	[FLD_MONGODB_URI] = SECRET("vector", "mongodb_uri", "mongodb-uri", "Vector store (local/hybrid)", mongodb_uri, "MongoDB URI (mongodb:// or mongodb+srv://)", "MONGODB_URI"),
	[FLD_PINECONE_API_KEY] = SECRET("vector", "pinecone_api_key", "pinecone-api-key", "Vector store (local/hybrid)", pinecone_api_key, "Pinecone API key", "PINECONE_API_KEY"),
	[FLD_PINECONE_ENVIRONMENT] = S("vector", "pinecone_environment", "pinecone-environment", "Vector store (local/hybrid)", pinecone_environment, "Pinecone environment", "ENV"),
	[FLD_PINECONE_INDEX] = S("vector", "pinecone_index", "pinecone-index", "Vector store (local/hybrid)", pinecone_index, "Pinecone index name", "NAME"),
	[FLD_VERTEX_PROJECT] = S("vector", "vertex_project", "vertex-project", "Vector store (local/hybrid)", vertex_project, "Google Cloud project of the Vertex AI index", "ID"),
	[FLD_VERTEX_REGION] = S("vector", "vertex_region", "vertex-region", "Vector store (local/hybrid)", vertex_region, "Vertex AI region", "REGION"),
	[FLD_VERTEX_ENDPOINT] = S("vector", "vertex_endpoint", "vertex-endpoint", "Vector store (local/hybrid)", vertex_endpoint, "Vertex AI index endpoint", "ENDPOINT"),
	[FLD_VERTEX_DEPLOYED_INDEX] = S("vector", "vertex_deployed_index", "vertex-deployed-index", "Vector store (local/hybrid)", vertex_deployed_index, "Vertex AI deployed index id", "ID"),
	[FLD_DATABRICKS_URL] = S("vector", "databricks_url", "databricks-url", "Vector store (local/hybrid)", databricks_url, "Databricks workspace URL", "URL"),
	[FLD_DATABRICKS_TOKEN] = SECRET("vector", "databricks_token", "databricks-token", "Vector store (local/hybrid)", databricks_token, "Databricks token", "DATABRICKS_TOKEN"),
	[FLD_DATABRICKS_CATALOG] = S("vector", "databricks_catalog", "databricks-catalog", "Vector store (local/hybrid)", databricks_catalog, "Unity Catalog name", "NAME"),
	[FLD_DATABRICKS_SCHEMA] = S("vector", "databricks_schema", "databricks-schema", "Vector store (local/hybrid)", databricks_schema, "schema name", "NAME"),

	[FLD_CACHE] = E("cache", "kind", "cache", "Cache", cache, cache_names, "Redis-compatible cache"),
	[FLD_CACHE_HOST] = S("cache", "host", "cache-host", "Cache", cache_host, "cache host", "HOST"),
	[FLD_CACHE_PORT] = I("cache", "port", "cache-port", "Cache", cache_port, 1, 65535, "cache port"),
	[FLD_CACHE_PASSWORD] = SECRET("cache", "password", "cache-password", "Cache", cache_password, "cache password (recorded; server 0.8.0-rc.12 does not send one)", "AETERNA_CACHE_PASSWORD"),

	[FLD_POSTGRES] = E("postgresql", "kind", "postgres", "PostgreSQL", postgres, pg_names, "CloudNativePG (a postgres container with docker-compose) or external"),
	[FLD_POSTGRES_HOST] = S("postgresql", "host", "postgres-host", "PostgreSQL", pg_host, "PostgreSQL host", "HOST"),
	[FLD_POSTGRES_PORT] = I("postgresql", "port", "postgres-port", "PostgreSQL", pg_port, 1, 65535, "PostgreSQL port"),
	[FLD_POSTGRES_DATABASE] = S("postgresql", "database", "postgres-database", "PostgreSQL", pg_database, "database name", "NAME"),
	[FLD_POSTGRES_USER] = S("postgresql", "user", "postgres-user", "PostgreSQL", pg_user, "user name", "USER"),
	[FLD_POSTGRES_PASSWORD] = SECRET("postgresql", "password", "postgres-password", "PostgreSQL", pg_password, "password", "AETERNA_POSTGRES_PASSWORD"),
	[FLD_POSTGRES_SSLMODE] = E("postgresql", "sslmode", "postgres-sslmode", "PostgreSQL", pg_sslmode, sslmode_names, "sslmode (recorded; the server has no setting for it)"),

	[FLD_OPAL] = B("authorization", "opal", "opal", "Authorization", opal, "OPAL/Cedar policy-based authorization"),

	[FLD_LLM] = E("llm", "provider", "llm", "LLM", llm, llm_names, "LLM provider (openai-compatible: Ollama, vLLM, … via a base URL)"),
	[FLD_LLM_API_KEY] = SECRET("llm", "api_key", "llm-api-key", "LLM", llm_api_key, "API key", "OPENAI_API_KEY"),
	[FLD_LLM_MODEL] = S("llm", "model", "llm-model", "LLM", llm_model, "chat model", "MODEL"),
	[FLD_LLM_EMBEDDING_MODEL] = S("llm", "embedding_model", "llm-embedding-model", "LLM", llm_embedding_model, "embedding model", "MODEL"),
	[FLD_LLM_BASE_URL] = S("llm", "base_url", "llm-base-url", "LLM", llm_base_url, "base URL of an OpenAI-compatible server", "URL"),
	[FLD_GOOGLE_PROJECT] = S("llm", "google_project", "google-project", "LLM", google_project, "Google Cloud project", "ID"),
	[FLD_GOOGLE_LOCATION] = S("llm", "google_location", "google-location", "LLM", google_location, "Google Cloud location", "REGION"),
	[FLD_BEDROCK_REGION] = S("llm", "bedrock_region", "bedrock-region", "LLM", bedrock_region, "AWS region for Bedrock", "REGION"),

	[FLD_OPENCODE] = B("opencode", "enabled", "opencode", "OpenCode", opencode, "write an OpenCode MCP entry for Aeterna"),
	[FLD_OPENCODE_SCOPE] = E("opencode", "scope", "opencode-scope", "OpenCode", opencode_scope, scope_names, "project opencode.json, or the user file ~/.config/opencode/opencode.json"),

	[FLD_INGRESS] = B("kubernetes", "ingress", "ingress", "Kubernetes", ingress, "expose the server through an Ingress"),
	[FLD_INGRESS_HOST] = S("kubernetes", "ingress_host", "ingress-host", "Kubernetes", ingress_host, "Ingress host name", "HOST"),
	[FLD_INGRESS_TLS] = B("kubernetes", "ingress_tls", "ingress-tls", "Kubernetes", ingress_tls, "TLS on the Ingress (certificate Secret named after the host, e.g. aeterna-example-com-tls)"),
	[FLD_SERVICE_MONITOR] = B("kubernetes", "service_monitor", "service-monitor", "Kubernetes", service_monitor, "Prometheus Operator ServiceMonitor"),
	[FLD_NETWORK_POLICY] = B("kubernetes", "network_policy", "network-policy", "Kubernetes", network_policy, "deny-by-default NetworkPolicy"),
	[FLD_HPA] = B("kubernetes", "hpa", "hpa", "Kubernetes", hpa, "HorizontalPodAutoscaler"),
	[FLD_PDB] = B("kubernetes", "pdb", "pdb", "Kubernetes", pdb, "PodDisruptionBudget"),
	[FLD_KNOWLEDGE_REPO] = S("kubernetes", "knowledge_repo", "knowledge-repo", "Kubernetes", knowledge_repo,
	  "remote git repository of the knowledge base (https://…); required with --hpa or --pdb, which run several replicas", "URL"),
	[FLD_SECRETS] = E("kubernetes", "secrets", "secrets", "Kubernetes", secrets_mode, secrets_names,
	  "where the chart takes the secret answers from: file (secrets.yaml, a Secret applied before helm install) or external-secrets (ExternalSecrets reading --secret-store; no secret is written)"),
	[FLD_SECRET_STORE] = S("kubernetes", "secret_store", "secret-store", "Kubernetes", secret_store,
	  "ClusterSecretStore the ExternalSecrets read (with --secrets external-secrets); the secrets are looked up as aeterna/<key>", "NAME"),

	[FLD_BACKUP] = B("backup", "enabled", "backup", "Backup (Kubernetes)", backup,
	  "back up PostgreSQL and the vector store to object storage on a schedule (docs/backup-restore.md)"),
	[FLD_BACKUP_PROVIDER] = E("backup", "provider", "backup-provider", "Backup (Kubernetes)", backup_provider, backup_provider_names,
	  "object store: s3 (AWS or S3-compatible), gcs or azure"),
	[FLD_BACKUP_BUCKET] = S("backup", "bucket", "backup-bucket", "Backup (Kubernetes)", backup_bucket,
	  "bucket (S3, GCS) or container (Azure); must exist; required with --backup", "BUCKET"),
	[FLD_BACKUP_PREFIX] = S("backup", "prefix", "backup-prefix", "Backup (Kubernetes)", backup_prefix,
	  "folder inside the bucket (each component writes below <prefix>/<component>/)", "PATH"),
	[FLD_BACKUP_S3_REGION] = S("backup", "s3_region", "backup-s3-region", "Backup (Kubernetes)", backup_s3_region,
	  "S3 region, e.g. eu-west-1", "REGION"),
	[FLD_BACKUP_S3_ENDPOINT] = S("backup", "s3_endpoint", "backup-s3-endpoint", "Backup (Kubernetes)", backup_s3_endpoint,
	  "S3-compatible endpoint (MinIO, Ceph, R2…; http:// or https://); empty: AWS", "URL"),
	[FLD_BACKUP_AZURE_ACCOUNT] = S("backup", "azure_storage_account", "backup-azure-account", "Backup (Kubernetes)", backup_azure_account,
	  "Azure storage account name (required with --backup-provider azure)", "NAME"),
	[FLD_BACKUP_CREDENTIALS_SECRET] = S("backup", "credentials_secret", "backup-credentials-secret", "Backup (Kubernetes)", backup_credentials_secret,
	  "existing Secret with the object-store credentials (s3: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; gcs: credentials.json; azure: AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_KEY)", "NAME"),
	[FLD_BACKUP_WORKLOAD_IDENTITY] = B("backup", "workload_identity", "backup-workload-identity", "Backup (Kubernetes)", backup_workload_identity,
	  "use the cloud's workload identity (IRSA, GKE, Azure) instead of --backup-credentials-secret"),
	[FLD_BACKUP_SCHEDULE] = S("backup", "schedule", "backup-schedule", "Backup (Kubernetes)", backup_schedule,
	  "five-field cron schedule (UTC) of the backups", "CRON"),
	[FLD_BACKUP_RETENTION_DAYS] = I("backup", "retention_days", "backup-retention-days", "Backup (Kubernetes)", backup_retention_days, 1, 36500,
	  "days backups are kept"),
	[FLD_BACKUP_VERIFY] = B("backup", "verify", "backup-verify", "Backup (Kubernetes)", backup_verify,
	  "restore the newest PostgreSQL backup into a throw-away database every day and check it"),
};
const size_t model_field_count = FLD_COUNT;

const struct field *model_field(enum field_id id) { return &model_fields[id]; }
enum field_id model_field_id(const struct field *f) { return (enum field_id)(f - model_fields); }

const struct field *model_field_by_flag(const char *flag)
{
	for (size_t i = 0; i < model_field_count; i++)
		if (strcmp(model_fields[i].flag, flag) == 0)
			return &model_fields[i];
	return NULL;
}

const struct field *model_field_by_key(const char *section, const char *key)
{
	for (size_t i = 0; i < model_field_count; i++)
		if (strcmp(model_fields[i].section, section) == 0 && strcmp(model_fields[i].key, key) == 0)
			return &model_fields[i];
	return NULL;
}

char **model_str(struct deployment *d, const struct field *f) { return (char **)((char *)d + f->offset); }
int *model_int(struct deployment *d, const struct field *f) { return (int *)((char *)d + f->offset); }

static const char *str_of(const struct deployment *d, const struct field *f)
{
	return *(char *const *)((const char *)d + f->offset);
}
static int int_of(const struct deployment *d, const struct field *f)
{
	return *(const int *)((const char *)d + f->offset);
}

bool model_is_set(const struct deployment *d, const struct field *f)
{
	return f->type == F_STRING ? str_of(d, f) != NULL : int_of(d, f) != UNSET;
}

void model_init(struct deployment *d)
{
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < model_field_count; i++)
		if (model_fields[i].type != F_STRING)
			*model_int(d, &model_fields[i]) = UNSET;
}

void model_free(struct deployment *d)
{
	for (size_t i = 0; i < model_field_count; i++)
		if (model_fields[i].type == F_STRING)
			free(*model_str(d, &model_fields[i]));
	model_init(d);
}

int model_copy(struct deployment *dst, const struct deployment *src)
{
	model_free(dst);
	*dst = *src;
	for (size_t i = 0; i < model_field_count; i++)
		if (model_fields[i].type == F_STRING)
			*model_str(dst, &model_fields[i]) = NULL;
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (f->type != F_STRING || !str_of(src, f))
			continue;
		char *c = strdup(str_of(src, f));
		if (!c) {
			model_free(dst);
			return -1;
		}
		*model_str(dst, f) = c;
	}
	return 0;
}

static int parse_enum(const struct field *f, const char *text)
{
	char norm[64];
	size_t n = 0;
	for (; text[n] && n + 1 < sizeof(norm); n++)
		norm[n] = text[n] == '_' ? '-' : (char)tolower((unsigned char)text[n]);
	norm[n] = '\0';
	for (int i = 0; f->choices[i]; i++)
		if (strcmp(f->choices[i], norm) == 0)
			return i;
	return UNSET;
}

static void choices_list(const struct field *f, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; f->choices[i]; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", f->choices[i]);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* Every answer is one line of UTF-8 text: NULL when text is, else what it must be. */
const char *model_text_problem(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		if (*p == '\n' || *p == '\r')
			return "one line (it contains a line break)";
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return "text without control characters";
		size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
		if (!n || (n == 2 && *p < 0xC2) || (n == 4 && *p > 0xF4))
			return "valid UTF-8 text";
		unsigned cp = n == 1 ? *p : n == 2 ? (*p & 0x1Fu) : n == 3 ? (*p & 0x0Fu) : (*p & 0x07u);
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return "valid UTF-8 text";
			cp = (cp << 6) | (p[i] & 0x3Fu);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
			return "valid UTF-8 text";
		p += n;
	}
	return NULL;
}

int model_set_text(struct deployment *d, const struct field *f, const char *text,
		   struct ae_error *err)
{
	switch (f->type) {
	case F_STRING: {
		const char *why = model_text_problem(text);
		if (why)
			return ae_error_set(err, "--%s must be %s", f->flag, why);
		char *c = strdup(text);
		if (!c)
			return ae_error_set(err, "out of memory");
		free(*model_str(d, f));
		*model_str(d, f) = c;
		return 0;
	}
	case F_INT: {
		char *end;
		errno = 0;
		long v = strtol(text, &end, 10);
		if (errno || end == text || *end || v < f->min || v > f->max)
			return ae_error_set(err, "--%s must be a whole number from %d to %d, got '%s'",
					    f->flag, f->min, f->max, text);
		*model_int(d, f) = (int)v;
		return 0;
	}
	case F_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "yes") || !strcmp(text, "on") || !strcmp(text, "1")) {
			*model_int(d, f) = 1;
			return 0;
		}
		if (!strcmp(text, "false") || !strcmp(text, "no") || !strcmp(text, "off") || !strcmp(text, "0")) {
			*model_int(d, f) = 0;
			return 0;
		}
		return ae_error_set(err, "--%s must be true or false, got '%s'", f->flag, text);
	case F_ENUM: {
		int v = parse_enum(f, text);
		if (v == UNSET) {
			char list[256];
			choices_list(f, list, sizeof(list));
			return ae_error_set(err, "--%s must be one of %s, got '%s'", f->flag, list, text);
		}
		*model_int(d, f) = v;
		return 0;
	}
	}
	return ae_error_set(err, "internal: unknown field type");
}

void model_format(const struct deployment *d, const struct field *f, bool mask, struct strbuf *out)
{
	if (!model_is_set(d, f))
		return;
	switch (f->type) {
	case F_STRING:
		if (mask && f->secret)
			strbuf_puts(out, *str_of(d, f) ? "********" : "");
		else
			strbuf_puts(out, str_of(d, f));
		break;
	case F_INT: strbuf_printf(out, "%d", int_of(d, f)); break;
	case F_BOOL: strbuf_puts(out, int_of(d, f) ? "true" : "false"); break;
	case F_ENUM: strbuf_puts(out, f->choices[int_of(d, f)]); break;
	}
}

const char *model_choice(const struct deployment *d, enum field_id id)
{
	const struct field *f = &model_fields[id];
	if (f->type != F_ENUM || int_of(d, f) == UNSET)
		return "";
	return f->choices[int_of(d, f)];
}

const char *model_text(const struct deployment *d, enum field_id id)
{
	const struct field *f = &model_fields[id];
	const char *v = f->type == F_STRING ? str_of(d, f) : NULL;
	return v ? v : "";
}

bool model_is_set_id(const struct deployment *d, enum field_id id) { return model_is_set(d, &model_fields[id]); }

bool model_runs_server(const struct deployment *d) { return d->target != TARGET_OPENCODE_ONLY; }

bool model_has_stores(const struct deployment *d) { return model_runs_server(d) && d->mode != MODE_REMOTE; }

bool model_field_generated(const struct deployment *d, enum field_id id)
{
	return id == FLD_POSTGRES_PASSWORD && d->postgres != PG_EXTERNAL; /* CloudNativePG, also as the default */
}

const char *vector_server_name(int vector)
{
	static const char *const names[] = { "qdrant", "weaviate", "mongodb", "pinecone", "vertex_ai", "databricks" };
	return vector >= 0 && vector <= VB_DATABRICKS ? names[vector] : "";
}

bool model_vector_bundled(const struct deployment *d)
{
	return (d->vector == VB_QDRANT || d->vector == VB_WEAVIATE || d->vector == VB_MONGODB) &&
	       d->vector_placement == PLACE_BUNDLED;
}

bool model_url_is_http(const char *url)
{
	const char *rest;
	if (!strncmp(url, "http://", 7))
		rest = url + 7;
	else if (!strncmp(url, "https://", 8))
		rest = url + 8;
	else
		return false;
	if (!*rest || *rest == '/' || *rest == ':')
		return false;
	for (const char *p = rest; *p && *p != '/'; p++)
		if (isspace((unsigned char)*p))
			return false;
	return true;
}

bool model_backup_on(const struct deployment *d) { return d->target == TARGET_KUBERNETES && d->backup == 1; }

/* One cron item: (* | N[-N] | Abc[-Abc]) [/N], N of one or two digits (the chart's schema). */
static const char *cron_item(const char *p)
{
	if (*p == '*') {
		p++;
	} else if (isdigit((unsigned char)*p)) {
		p += isdigit((unsigned char)p[1]) ? 2 : 1;
		if (*p == '-') {
			if (!isdigit((unsigned char)p[1]))
				return NULL;
			p += isdigit((unsigned char)p[2]) ? 3 : 2;
		}
	} else if (isalpha((unsigned char)p[0]) && isalpha((unsigned char)p[1]) && isalpha((unsigned char)p[2])) {
		p += 3;
		if (*p == '-') {
			if (!(isalpha((unsigned char)p[1]) && isalpha((unsigned char)p[2]) && isalpha((unsigned char)p[3])))
				return NULL;
			p += 4;
		}
	} else {
		return NULL;
	}
	if (*p == '/') {
		if (!isdigit((unsigned char)p[1]))
			return NULL;
		p += isdigit((unsigned char)p[2]) ? 3 : 2;
	}
	return p;
}

bool model_cron_valid(const char *text)
{
	static const char *const words[] = { "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(text, words[i]))
			return true;
	const char *p = text;
	for (int field = 0; field < 5; field++) {
		if (field && *p++ != ' ')
			return false;
		for (;;) {
			if (!(p = cron_item(p)))
				return false;
			if (*p != ',')
				break;
			p++;
		}
	}
	return *p == '\0';
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

long model_cron_interval(const char *text)
{
	if (!text || !model_cron_valid(text))
		return 0;
	if (!strcmp(text, "@hourly"))
		return 3600;
	if (!strcmp(text, "@daily"))
		return 86400;
	if (!strcmp(text, "@weekly"))
		return 7 * 86400;
	if (*text == '@')
		return 0;
	const char *f[5];
	size_t len[5];
	const char *p = text;
	for (int i = 0; i < 5; i++) {
		f[i] = p;
		len[i] = strcspn(p, " ");
		p += len[i] + (p[len[i]] ? 1 : 0);
	}
	bool any_day = len[2] == 1 && f[2][0] == '*' && len[3] == 1 && f[3][0] == '*';
	bool every_dow = len[4] == 1 && f[4][0] == '*';
	if (!any_day || !all_digits(f[0], len[0]))
		return 0;
	if (len[1] == 1 && f[1][0] == '*')
		return every_dow ? 3600 : 0;
	if (!strncmp(f[1], "*/", 2) && all_digits(f[1] + 2, len[1] - 2) && every_dow) {
		long n = strtol(f[1] + 2, NULL, 10);
		return n > 0 ? n * 3600 : 0;
	}
	if (!all_digits(f[1], len[1]))
		return 0;
	if (every_dow)
		return 86400;
	return all_digits(f[4], len[4]) || (len[4] == 3 && isalpha((unsigned char)f[4][0])) ? 7 * 86400 : 0;
}

/* ---- relevance ---- */

static bool in_section(const struct field *f, const char *s) { return strcmp(f->section, s) == 0; }

bool model_field_relevant(const struct deployment *d, const struct field *f)
{
	enum field_id id = model_field_id(f);
	bool stores = model_has_stores(d), server = model_runs_server(d);
	if (in_section(f, "setup"))
		return true;
	if (in_section(f, "central"))
		return d->mode == MODE_HYBRID || d->mode == MODE_REMOTE;
	if (in_section(f, "hybrid"))
		return d->mode == MODE_HYBRID;
	if (in_section(f, "vector")) {
		if (!stores)
			return false;
		switch (id) {
		case FLD_VECTOR_BACKEND: return true;
		case FLD_VECTOR_DEPLOYMENT: return d->vector == VB_QDRANT || d->vector == VB_WEAVIATE || d->vector == VB_MONGODB;
		case FLD_QDRANT_URL: case FLD_QDRANT_API_KEY: return d->vector == VB_QDRANT;
		case FLD_WEAVIATE_URL: case FLD_WEAVIATE_API_KEY: return d->vector == VB_WEAVIATE;
		case FLD_MONGODB_URI: return d->vector == VB_MONGODB;
		case FLD_PINECONE_API_KEY: case FLD_PINECONE_ENVIRONMENT: case FLD_PINECONE_INDEX:
			return d->vector == VB_PINECONE;
		case FLD_VERTEX_PROJECT: case FLD_VERTEX_REGION: case FLD_VERTEX_ENDPOINT: case FLD_VERTEX_DEPLOYED_INDEX:
			return d->vector == VB_VERTEX_AI;
		case FLD_DATABRICKS_URL: case FLD_DATABRICKS_TOKEN: case FLD_DATABRICKS_CATALOG: case FLD_DATABRICKS_SCHEMA:
			return d->vector == VB_DATABRICKS;
		default: return false;
		}
	}
	/* The server needs PostgreSQL and its cache at boot in every mode. */
	if (in_section(f, "cache"))
		return server;
	if (in_section(f, "postgresql")) {
		if (!server)
			return false;
		if (id == FLD_POSTGRES)
			return true;
		if (d->postgres == PG_CLOUDNATIVEPG) /* the deployment owns host and TLS; the password is docker-compose's */
			return id == FLD_POSTGRES_PASSWORD;
		return true;
	}
	if (in_section(f, "authorization"))
		return stores;
	if (in_section(f, "llm")) {
		if (!stores)
			return false;
		bool models = id == FLD_LLM_MODEL || id == FLD_LLM_EMBEDDING_MODEL;
		switch (d->llm) {
		case LLM_OPENAI: return id == FLD_LLM || id == FLD_LLM_API_KEY || models;
		case LLM_OPENAI_COMPATIBLE: return id == FLD_LLM || id == FLD_LLM_API_KEY || models || id == FLD_LLM_BASE_URL;
		case LLM_GOOGLE: return id == FLD_LLM || models || id == FLD_GOOGLE_PROJECT || id == FLD_GOOGLE_LOCATION;
		case LLM_BEDROCK: return id == FLD_LLM || models || id == FLD_BEDROCK_REGION;
		default: return id == FLD_LLM;
		}
	}
	if (in_section(f, "opencode"))
		return id == FLD_OPENCODE || d->opencode == 1 || d->target == TARGET_OPENCODE_ONLY;
	if (in_section(f, "backup")) {
		if (d->target != TARGET_KUBERNETES)
			return false;
		if (id == FLD_BACKUP)
			return true;
		if (d->backup != 1)
			return false;
		switch (id) {
		case FLD_BACKUP_S3_REGION: case FLD_BACKUP_S3_ENDPOINT: return d->backup_provider == BACKUP_S3;
		case FLD_BACKUP_AZURE_ACCOUNT: return d->backup_provider == BACKUP_AZURE;
		default: return true;
		}
	}
	if (in_section(f, "kubernetes")) {
		if (!server)
			return false;
		switch (id) {
		case FLD_INGRESS_HOST: case FLD_INGRESS_TLS: return d->ingress == 1;
		case FLD_KNOWLEDGE_REPO: return d->hpa == 1 || d->pdb == 1;
		case FLD_SECRET_STORE: return d->secrets_mode == SECRETS_EXTERNAL;
		default: return true;
		}
	}
	return false;
}

void model_each_answer(const struct deployment *d, model_answer_fn fn, void *ctx)
{
	const char *section = NULL;
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (!model_field_relevant(d, f) || !model_is_set(d, f))
			continue;
		bool new_section = !section || strcmp(section, f->section) != 0;
		section = f->section;
		fn(ctx, f, new_section);
	}
}

/* ---- defaults ---- */

static int set_default_str(struct deployment *d, enum field_id id, const char *value, struct ae_error *err)
{
	const struct field *f = &model_fields[id];
	if (model_is_set(d, f))
		return 0;
	return model_set_text(d, f, value, err);
}

static void set_default_int(struct deployment *d, enum field_id id, int value)
{
	const struct field *f = &model_fields[id];
	if (!model_is_set(d, f))
		*model_int(d, f) = value;
}

/* A random password (alphanumeric, 24 characters) from getrandom(2), without modulo bias:
 * bytes beyond the last whole multiple of the alphabet are drawn again. */
static int random_password(char *out, size_t size, struct ae_error *err)
{
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	const unsigned k = sizeof(alphabet) - 1, limit = 256 / k * k;
	size_t n = size - 1 < 24 ? size - 1 : 24, i = 0;
	while (i < n) {
		unsigned char raw[64];
		ssize_t got = getrandom(raw, sizeof(raw), 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return ae_error_set(err, "cannot get random bytes to generate a password (getrandom: %s)",
					    strerror(got < 0 ? errno : EIO));
		for (ssize_t j = 0; j < got && i < n; j++)
			if (raw[j] < limit)
				out[i++] = alphabet[raw[j] % k];
	}
	out[n] = '\0';
	return 0;
}

int model_apply_defaults(struct deployment *d, struct ae_error *err)
{
	set_default_int(d, FLD_TARGET, TARGET_KUBERNETES);
	set_default_int(d, FLD_MODE, MODE_LOCAL);

	if (d->mode != MODE_LOCAL)
		set_default_int(d, FLD_CENTRAL_AUTH, AUTH_API_KEY);
	if (d->mode == MODE_HYBRID) {
		set_default_int(d, FLD_CACHE_SIZE_MB, 512);
		set_default_int(d, FLD_OFFLINE_CEDAR, 1);
		set_default_int(d, FLD_SYNC_INTERVAL, 300);
	}
	bool stores = model_has_stores(d);
	if (stores) {
		set_default_int(d, FLD_VECTOR_BACKEND, VB_QDRANT);
		if (d->vector == VB_QDRANT || d->vector == VB_WEAVIATE || d->vector == VB_MONGODB)
			set_default_int(d, FLD_VECTOR_DEPLOYMENT, PLACE_BUNDLED);
		bool bundled = model_vector_bundled(d);
		int rc = 0;
		if (d->vector == VB_QDRANT && bundled)
			rc = set_default_str(d, FLD_QDRANT_URL, BUNDLED_QDRANT_URL, err);
		else if (d->vector == VB_WEAVIATE && bundled)
			rc = set_default_str(d, FLD_WEAVIATE_URL, BUNDLED_WEAVIATE_URL, err);
		else if (d->vector == VB_MONGODB && bundled)
			rc = set_default_str(d, FLD_MONGODB_URI, BUNDLED_MONGODB_URI, err);
		if (rc)
			return rc;
	}
	if (d->target != TARGET_OPENCODE_ONLY) {
		int rc;
		set_default_int(d, FLD_CACHE, CACHE_DRAGONFLY);
		if (d->cache == CACHE_DRAGONFLY && (rc = set_default_str(d, FLD_CACHE_HOST, BUNDLED_DRAGONFLY_HOST, err)))
			return rc;
		if (d->cache == CACHE_VALKEY && (rc = set_default_str(d, FLD_CACHE_HOST, BUNDLED_VALKEY_HOST, err)))
			return rc;
		set_default_int(d, FLD_CACHE_PORT, PORT_CACHE);

		set_default_int(d, FLD_POSTGRES, PG_CLOUDNATIVEPG);
		if (d->postgres == PG_EXTERNAL) {
			set_default_int(d, FLD_POSTGRES_PORT, PORT_POSTGRES);
			if ((rc = set_default_str(d, FLD_POSTGRES_DATABASE, "aeterna", err)) ||
			    (rc = set_default_str(d, FLD_POSTGRES_USER, "aeterna", err)))
				return rc;
			set_default_int(d, FLD_POSTGRES_SSLMODE, SSL_PREFER);
		} else if (!d->pg_password) {
			/* docker-compose's own database: a generated password, kept on reconfigure */
			char pw[32];
			if (random_password(pw, sizeof(pw), err) < 0 ||
			    set_default_str(d, FLD_POSTGRES_PASSWORD, pw, err) < 0)
				return -1;
		}
	}
	if (stores) {
		int rc;
		set_default_int(d, FLD_OPAL, 0);
		set_default_int(d, FLD_LLM, LLM_NONE);
		switch (d->llm) {
		case LLM_OPENAI:
			if ((rc = set_default_str(d, FLD_LLM_MODEL, "gpt-4o-mini", err)) ||
			    (rc = set_default_str(d, FLD_LLM_EMBEDDING_MODEL, "text-embedding-3-small", err)))
				return rc;
			break;
		case LLM_OPENAI_COMPATIBLE:
			if ((rc = set_default_str(d, FLD_LLM_BASE_URL, "http://ollama:11434/v1", err)) ||
			    (rc = set_default_str(d, FLD_LLM_MODEL, "llama3.1", err)) ||
			    (rc = set_default_str(d, FLD_LLM_EMBEDDING_MODEL, "nomic-embed-text", err)))
				return rc;
			break;
		case LLM_GOOGLE:
			if ((rc = set_default_str(d, FLD_GOOGLE_LOCATION, "us-central1", err)) ||
			    (rc = set_default_str(d, FLD_LLM_MODEL, "gemini-2.0-flash", err)) ||
			    (rc = set_default_str(d, FLD_LLM_EMBEDDING_MODEL, "text-embedding-005", err)))
				return rc;
			break;
		case LLM_BEDROCK:
			if ((rc = set_default_str(d, FLD_LLM_MODEL, "anthropic.claude-3-5-sonnet-20240620-v1:0", err)) ||
			    (rc = set_default_str(d, FLD_LLM_EMBEDDING_MODEL, "amazon.titan-embed-text-v2:0", err)))
				return rc;
			break;
		default:
			break;
		}
	}
	set_default_int(d, FLD_OPENCODE, 1);
	if (d->opencode == 1 || d->target == TARGET_OPENCODE_ONLY)
		set_default_int(d, FLD_OPENCODE_SCOPE, OPENCODE_PROJECT);
	if (d->target != TARGET_OPENCODE_ONLY) {
		set_default_int(d, FLD_INGRESS, 0);
		if (d->ingress == 1)
			set_default_int(d, FLD_INGRESS_TLS, 1);
		set_default_int(d, FLD_SERVICE_MONITOR, 0);
		set_default_int(d, FLD_NETWORK_POLICY, 0);
		set_default_int(d, FLD_HPA, 0);
		set_default_int(d, FLD_PDB, 0);
		set_default_int(d, FLD_SECRETS, SECRETS_FILE);
	}
	/* backups stay unset (off) unless asked for: config.toml then gains no [backup] table */
	if (model_backup_on(d)) {
		int rc;
		set_default_int(d, FLD_BACKUP_PROVIDER, BACKUP_S3);
		if ((rc = set_default_str(d, FLD_BACKUP_PREFIX, "aeterna", err)) ||
		    (rc = set_default_str(d, FLD_BACKUP_SCHEDULE, "0 3 * * *", err)))
			return rc;
		set_default_int(d, FLD_BACKUP_RETENTION_DAYS, 30);
		set_default_int(d, FLD_BACKUP_WORKLOAD_IDENTITY, 0);
		set_default_int(d, FLD_BACKUP_VERIFY, 1);
	}
	return 0;
}

/* ---- checks ---- */

static bool valid_hostname(const char *h)
{
	size_t n = strlen(h), label = 0;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (c == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!(isalnum((unsigned char)c) || c == '-') || (c == '-' && label == 0) || ++label > 63)
			return false;
		if (isupper((unsigned char)c))
			return false;
	}
	return h[n - 1] != '-' && h[n - 1] != '.';
}

#define ERR(...) (diag_add(diags, DIAG_ERROR, source, 0, 0, __VA_ARGS__), errors++)

static bool only_chars(const char *v, const char *extra)
{
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr(extra, *v))
			return false;
	return true;
}

const char *model_backup_shape(enum field_id id, const char *v)
{
	size_t n = strlen(v);
	bool ok = true;
	switch (id) {
	case FLD_BACKUP_BUCKET:
		ok = n >= 3 && n <= 223 && only_chars(v, "._-") && isalnum((unsigned char)v[0]) && isalnum((unsigned char)v[n - 1]);
		for (size_t i = 0; i < n && ok; i++)
			ok = !isupper((unsigned char)v[i]);
		return ok ? NULL : "3 to 223 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit";
	case FLD_BACKUP_PREFIX:
		return only_chars(v, "._/-") ? NULL : "only letters, digits, '.', '_', '/' and '-'";
	case FLD_BACKUP_SCHEDULE:
		return model_cron_valid(v) ? NULL : "a five-field cron expression such as \"0 3 * * *\" (or @daily, @hourly…)";
	case FLD_BACKUP_S3_ENDPOINT:
		return !n || model_url_is_http(v) ? NULL : "an http:// or https:// URL with a host";
	case FLD_BACKUP_AZURE_ACCOUNT:
		ok = n >= 3 && n <= 24 && only_chars(v, "");
		for (size_t i = 0; i < n && ok; i++)
			ok = !isupper((unsigned char)v[i]);
		return ok ? NULL : "3 to 24 lower-case letters and digits (an Azure storage account name)";
	case FLD_BACKUP_CREDENTIALS_SECRET:
		return !n || valid_hostname(v) ? NULL : "a Secret name (lower-case letters, digits, '-' and '.')";
	default:
		return NULL;
	}
}

/* The chart's backup rules (values.schema.json backup.*, aeterna.backup.validate), for flags. */
static size_t check_backup(const struct deployment *d, struct diag_list *diags, const char *source)
{
	size_t errors = 0;
	for (size_t i = FLD_BACKUP; i < FLD_COUNT; i++) {
		const struct field *f = &model_fields[i];
		const char *v = f->type == F_STRING ? str_of(d, f) : NULL, *why;
		if (v && *v && model_field_relevant(d, f) && (why = model_backup_shape((enum field_id)i, v)))
			ERR("--%s must be %s, got '%s'", f->flag, why, v);
	}
	bool secret = d->backup_credentials_secret && *d->backup_credentials_secret;
	if (!secret && d->backup_workload_identity != 1)
		ERR("missing --backup-credentials-secret (required for --backup unless --backup-workload-identity: the backup jobs need the object-store credentials)");
	if (!secret && d->backup_provider == BACKUP_GCS && model_has_stores(d) && model_vector_bundled(d) && d->vector == VB_MONGODB)
		ERR("--backup-workload-identity cannot back up the bundled MongoDB to gcs: the Percona operator needs HMAC keys in a Secret; give --backup-credentials-secret");
	return errors;
}

size_t model_check(const struct deployment *d, struct diag_list *diags, const char *source)
{
	size_t errors = 0;
	const char *why_mode = d->mode == MODE_HYBRID ? "--mode hybrid" : "--mode remote";
	/* required strings, per what is relevant */
	struct { enum field_id id; bool needed; const char *why; } req[] = {
		{ FLD_CENTRAL_URL, d->mode != MODE_LOCAL, why_mode },
		{ FLD_CENTRAL_CREDENTIAL, d->mode != MODE_LOCAL && d->central_auth == AUTH_API_KEY, "--central-auth api-key" },
		{ FLD_QDRANT_URL, d->vector == VB_QDRANT, "--vector-backend qdrant" },
		{ FLD_WEAVIATE_URL, d->vector == VB_WEAVIATE, "--vector-backend weaviate" },
		{ FLD_MONGODB_URI, d->vector == VB_MONGODB, "--vector-backend mongodb" },
		{ FLD_PINECONE_API_KEY, d->vector == VB_PINECONE, "--vector-backend pinecone" },
		{ FLD_PINECONE_ENVIRONMENT, d->vector == VB_PINECONE, "--vector-backend pinecone" },
		{ FLD_PINECONE_INDEX, d->vector == VB_PINECONE, "--vector-backend pinecone" },
		{ FLD_VERTEX_PROJECT, d->vector == VB_VERTEX_AI, "--vector-backend vertex-ai" },
		{ FLD_VERTEX_REGION, d->vector == VB_VERTEX_AI, "--vector-backend vertex-ai" },
		{ FLD_VERTEX_ENDPOINT, d->vector == VB_VERTEX_AI, "--vector-backend vertex-ai" },
		{ FLD_VERTEX_DEPLOYED_INDEX, d->vector == VB_VERTEX_AI, "--vector-backend vertex-ai" },
		{ FLD_DATABRICKS_URL, d->vector == VB_DATABRICKS, "--vector-backend databricks" },
		{ FLD_DATABRICKS_TOKEN, d->vector == VB_DATABRICKS, "--vector-backend databricks" },
		{ FLD_DATABRICKS_CATALOG, d->vector == VB_DATABRICKS, "--vector-backend databricks" },
		{ FLD_DATABRICKS_SCHEMA, d->vector == VB_DATABRICKS, "--vector-backend databricks" },
		{ FLD_CACHE_HOST, d->cache == CACHE_EXTERNAL, "--cache external" },
		{ FLD_POSTGRES_HOST, d->postgres == PG_EXTERNAL, "--postgres external" },
		{ FLD_LLM_API_KEY, d->llm == LLM_OPENAI, "--llm openai" },
		{ FLD_GOOGLE_PROJECT, d->llm == LLM_GOOGLE, "--llm google" },
		{ FLD_BEDROCK_REGION, d->llm == LLM_BEDROCK, "--llm bedrock" },
		{ FLD_INGRESS_HOST, d->ingress == 1, "--ingress" },
		{ FLD_SECRET_STORE, d->secrets_mode == SECRETS_EXTERNAL, "--secrets external-secrets" },
		{ FLD_KNOWLEDGE_REPO, d->hpa == 1 || d->pdb == 1, "--hpa or --pdb, which run several replicas: each would keep its own knowledge repository otherwise" },
		{ FLD_BACKUP_BUCKET, model_backup_on(d), "--backup" },
		{ FLD_BACKUP_AZURE_ACCOUNT, model_backup_on(d) && d->backup_provider == BACKUP_AZURE, "--backup-provider azure" },
	};
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		const struct field *f = &model_fields[req[i].id];
		if (!req[i].needed || !model_field_relevant(d, f))
			continue;
		const char *v = str_of(d, f);
		if (!v || !*v) {
			if (f->secret)
				ERR("missing --%s (required for %s; or set %s, or use --%s-file PATH)",
				    f->flag, req[i].why, f->env, f->flag);
			else
				ERR("missing --%s (required for %s)", f->flag, req[i].why);
		}
	}
	/* shapes */
	static const enum field_id urls[] = { FLD_CENTRAL_URL, FLD_QDRANT_URL, FLD_WEAVIATE_URL, FLD_DATABRICKS_URL, FLD_LLM_BASE_URL };
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		const struct field *f = &model_fields[urls[i]];
		const char *v = str_of(d, f);
		if (v && *v && model_field_relevant(d, f) && !model_url_is_http(v))
			ERR("--%s must be an http:// or https:// URL with a host, got '%s'", f->flag, v);
	}
	{
		const struct field *f = &model_fields[FLD_KNOWLEDGE_REPO];
		const char *v = str_of(d, f);
		if (v && *v && model_field_relevant(d, f) && (strncmp(v, "https://", 8) || !model_url_is_http(v)))
			ERR("--knowledge-repo must be an https:// git URL with a host, got '%s'", v);
	}
	if (d->mongodb_uri && *d->mongodb_uri && d->vector == VB_MONGODB &&
	    strncmp(d->mongodb_uri, "mongodb://", 10) && strncmp(d->mongodb_uri, "mongodb+srv://", 14))
		ERR("--mongodb-uri must start with mongodb:// or mongodb+srv://");
	if (d->llm == LLM_OPENAI && d->llm_api_key && *d->llm_api_key && model_field_relevant(d, &model_fields[FLD_LLM_API_KEY])) {
		size_t n = strlen(d->llm_api_key);
		bool shape = !strncmp(d->llm_api_key, "sk-", 3) && n >= 20;
		for (size_t i = 0; i < n && shape; i++)
			shape = isalnum((unsigned char)d->llm_api_key[i]) || d->llm_api_key[i] == '-' || d->llm_api_key[i] == '_';
		if (!shape)
			ERR("--llm-api-key does not look like an OpenAI key (sk-… letters, digits, '-' and '_', at least 20 characters)");
	}
	static const enum field_id hosts[] = { FLD_CACHE_HOST, FLD_POSTGRES_HOST, FLD_INGRESS_HOST };
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		const struct field *f = &model_fields[hosts[i]];
		const char *v = str_of(d, f);
		if (v && *v && model_field_relevant(d, f) && !valid_hostname(v))
			ERR("--%s must be a DNS name or IP address in lower case, got '%s'", f->flag, v);
	}
	if (model_backup_on(d))
		errors += check_backup(d, diags, source);
	return errors;
}
