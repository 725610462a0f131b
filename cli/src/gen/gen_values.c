/* values.yaml for charts/aeterna, and secrets.yaml beside it. Only keys the chart defines are
 * written, and never a secret: every secret answer goes into the Secret SETUP_SECRET
 * (secrets.yaml, applied before `helm install`) and values.yaml refers to it (existingSecret). */
#include <string.h>

#include "generate.h"
#include "yaml_out.h"

/* existingSecret + its key under the current mapping, for a secret answer that is set. */
static void secret_ref(struct strbuf *out, int indent, const char *key_field, const char *key)
{
	yaml_kv(out, indent, "existingSecret", SETUP_SECRET);
	yaml_kv(out, indent, key_field, key);
}

/* Secret answers take their flag as their key in SETUP_SECRET (e.g. llm-api-key). */
static bool answered(const char *v) { return v && *v; }

struct secret_answer {
	const char *key;   /* key in SETUP_SECRET (borrowed) */
	const char *value; /* borrowed from the model */
};

/* The secret answers the chart consumes, in a fixed order. Returns how many (at most 8). */
static size_t secret_answers(const struct deployment *d, struct secret_answer out[8])
{
	size_t n = 0;
	if (d->postgres != PG_CLOUDNATIVEPG && answered(d->pg_password))
		out[n++] = (struct secret_answer){ "postgres-password", d->pg_password };
	if (d->cache == CACHE_EXTERNAL && answered(d->cache_password))
		out[n++] = (struct secret_answer){ "cache-password", d->cache_password };
	if (model_has_stores(d)) {
		if (!model_vector_bundled(d)) {
			const char *section;
			for (const struct backend_setting *set = vector_settings(d->vector, &section); set->id != FLD_COUNT && n < 7; set++) {
				const struct field *f = model_field(set->id);
				if (f->secret && answered(model_text(d, set->id)))
					out[n++] = (struct secret_answer){ f->flag, model_text(d, set->id) };
			}
		}
		if ((d->llm == LLM_OPENAI || d->llm == LLM_OPENAI_COMPATIBLE) && answered(d->llm_api_key))
			out[n++] = (struct secret_answer){ "llm-api-key", d->llm_api_key };
	}
	return n;
}

/* secrets.provider: with --secrets external-secrets, one ExternalSecret creates SETUP_SECRET from
 * the store (keys aeterna/<key>); with a file, the Secret is applied from secrets.yaml. */
static void secrets_provider(const struct deployment *d, struct strbuf *out)
{
	if (d->secrets_mode != SECRETS_EXTERNAL)
		return;
	struct secret_answer a[8];
	size_t n = secret_answers(d, a);
	yaml_key(out, 0, "secrets");
	if (!n) {
		yaml_kv(out, 2, "provider", "existing");
		return;
	}
	yaml_kv(out, 2, "provider", "external-secrets");
	yaml_key(out, 2, "externalSecrets");
	yaml_key(out, 4, "storeRef");
	yaml_kv(out, 6, "name", d->secret_store);
	yaml_kv(out, 6, "kind", "ClusterSecretStore");
	yaml_key(out, 4, "secrets");
	strbuf_puts(out, "      - name: \"" SETUP_SECRET "\"\n        data:\n");
	for (size_t i = 0; i < n; i++) {
		strbuf_printf(out, "          - secretKey: \"%s\"\n", a[i].key);
		strbuf_printf(out, "            remoteRef:\n              key: \"aeterna/%s\"\n", a[i].key);
	}
}


/* weaviate.backups.<provider> of the bundled Weaviate, which writes its backups itself (the
 * chart requires the module with backup.enabled): bucket and <prefix>/weaviate, and the
 * credentials from the same Secret when its keys are the module's (s3, azure). */
static void weaviate_backups(const struct deployment *d, struct strbuf *out)
{
	static const char *const prov[] = { "s3", "gcs", "azure" };
	int p = d->backup_provider >= BACKUP_S3 && d->backup_provider <= BACKUP_AZURE ? d->backup_provider : BACKUP_S3;
	struct strbuf path = {0};
	strbuf_printf(&path, "%s%sweaviate", d->backup_prefix ? d->backup_prefix : "",
		      d->backup_prefix && *d->backup_prefix ? "/" : "");
	const char *secret = d->backup_credentials_secret;
	yaml_key(out, 2, "backups");
	yaml_key(out, 4, prov[p]);
	yaml_kv_bool(out, 6, "enabled", true);
	yaml_key(out, 6, "envconfig");
	switch (p) {
	case BACKUP_S3:
		yaml_kv(out, 8, "BACKUP_S3_BUCKET", d->backup_bucket);
		yaml_kv(out, 8, "BACKUP_S3_PATH", strbuf_str(&path));
		if (answered(d->backup_s3_region))
			yaml_kv(out, 8, "AWS_REGION", d->backup_s3_region);
		if (answered(d->backup_s3_endpoint)) {
			/* the module takes host[:port] and a separate TLS switch */
			const char *e = d->backup_s3_endpoint;
			bool tls = !strncmp(e, "https://", 8);
			const char *host = e + (tls ? 8 : 7);
			struct strbuf h = {0};
			strbuf_printf(&h, "%.*s", (int)strcspn(host, "/"), host);
			yaml_kv(out, 8, "BACKUP_S3_ENDPOINT", strbuf_str(&h));
			yaml_kv(out, 8, "BACKUP_S3_USE_SSL", tls ? "true" : "false");
			strbuf_free(&h);
		}
		if (answered(secret)) {
			yaml_key(out, 6, "envSecrets");
			yaml_kv(out, 8, "AWS_ACCESS_KEY_ID", secret);
			yaml_kv(out, 8, "AWS_SECRET_ACCESS_KEY", secret);
		}
		break;
	case BACKUP_GCS:
		yaml_kv(out, 8, "BACKUP_GCS_BUCKET", d->backup_bucket);
		yaml_kv(out, 8, "BACKUP_GCS_PATH", strbuf_str(&path));
		break;
	default:
		yaml_kv(out, 8, "BACKUP_AZURE_CONTAINER", d->backup_bucket);
		yaml_kv(out, 8, "BACKUP_AZURE_PATH", strbuf_str(&path));
		if (answered(secret)) {
			yaml_key(out, 6, "envSecrets");
			yaml_kv(out, 8, "AZURE_STORAGE_ACCOUNT", secret);
			yaml_kv(out, 8, "AZURE_STORAGE_KEY", secret);
		}
	}
	strbuf_free(&path);
}

/* backup: only with --backup (nothing is written otherwise: the chart's default is off). */
static void backup_values(const struct deployment *d, struct strbuf *out)
{
	yaml_key(out, 0, "backup");
	yaml_kv_bool(out, 2, "enabled", true);
	yaml_kv(out, 2, "schedule", d->backup_schedule);
	yaml_kv_int(out, 2, "retentionDays", d->backup_retention_days);
	yaml_key(out, 2, "destination");
	yaml_kv(out, 4, "provider", model_choice(d, FLD_BACKUP_PROVIDER));
	yaml_kv(out, 4, "bucket", d->backup_bucket);
	yaml_kv(out, 4, "prefix", d->backup_prefix ? d->backup_prefix : "");
	if (d->backup_provider == BACKUP_S3 && (answered(d->backup_s3_region) || answered(d->backup_s3_endpoint))) {
		yaml_key(out, 4, "s3");
		if (answered(d->backup_s3_region))
			yaml_kv(out, 6, "region", d->backup_s3_region);
		if (answered(d->backup_s3_endpoint))
			yaml_kv(out, 6, "endpoint", d->backup_s3_endpoint);
	}
	if (d->backup_provider == BACKUP_AZURE) {
		yaml_key(out, 4, "azure");
		yaml_kv(out, 6, "storageAccount", d->backup_azure_account);
	}
	yaml_key(out, 2, "credentials");
	if (answered(d->backup_credentials_secret))
		yaml_kv(out, 4, "existingSecret", d->backup_credentials_secret);
	yaml_kv_bool(out, 4, "workloadIdentity", d->backup_workload_identity == 1);
	yaml_key(out, 2, "verify");
	yaml_kv_bool(out, 4, "enabled", d->backup_verify == 1);
}

void gen_values(const struct deployment *d, struct strbuf *out)
{
	strbuf_puts(out,
		"# Values for charts/aeterna, written by `aeterna setup` (" AETERNA_VERSION ").\n"
		"# Install: helm install aeterna charts/aeterna -n aeterna --create-namespace -f values.yaml\n"
		"# Re-run `aeterna setup --reconfigure` to change the answers; .aeterna/config.toml holds them.\n");
	yaml_kv(out, 0, "deploymentMode", model_choice(d, FLD_MODE));
	if (d->mode != MODE_LOCAL) {
		yaml_key(out, 0, "remote");
		yaml_kv(out, 2, "governanceUrl", d->central_url);
		yaml_kv_bool(out, 2, "syncEnabled", true);
	}

	/* PostgreSQL: a CloudNativePG Cluster rendered by the chart, or an external server. */
	yaml_key(out, 0, "postgresql");
	yaml_key(out, 2, "bundled");
	yaml_kv_bool(out, 4, "enabled", d->postgres == PG_CLOUDNATIVEPG);
	if (d->postgres != PG_CLOUDNATIVEPG) {
		yaml_key(out, 2, "external");
		yaml_kv(out, 4, "host", d->pg_host);
		yaml_kv_int(out, 4, "port", d->pg_port);
		yaml_kv(out, 4, "database", d->pg_database);
		yaml_kv(out, 4, "username", d->pg_user);
		if (answered(d->pg_password))
			secret_ref(out, 4, "existingSecretPasswordKey", "postgres-password");
		yaml_kv(out, 4, "sslmode", model_choice(d, FLD_POSTGRES_SSLMODE));
	}

	/* Cache: exactly one of the dragonfly and valkey subcharts, or an external server. */
	yaml_key(out, 0, "dragonfly");
	yaml_kv_bool(out, 2, "enabled", d->cache == CACHE_DRAGONFLY);
	yaml_key(out, 0, "valkey");
	yaml_kv_bool(out, 2, "enabled", d->cache == CACHE_VALKEY);
	if (d->cache == CACHE_EXTERNAL) {
		yaml_key(out, 0, "cache");
		yaml_key(out, 2, "external");
		yaml_kv(out, 4, "host", d->cache_host);
		yaml_kv_int(out, 4, "port", d->cache_port);
		if (answered(d->cache_password))
			secret_ref(out, 4, "existingSecretPasswordKey", "cache-password");
	}

	/* Vector store: the qdrant/weaviate subcharts, a Percona MongoDB, or external settings. */
	bool vector_used = model_has_stores(d);
	bool bundled = vector_used && model_vector_bundled(d);
	yaml_key(out, 0, "qdrant");
	yaml_kv_bool(out, 2, "enabled", bundled && d->vector == VB_QDRANT);
	yaml_key(out, 0, "weaviate");
	yaml_kv_bool(out, 2, "enabled", bundled && d->vector == VB_WEAVIATE);
	if (bundled && d->vector == VB_WEAVIATE && model_backup_on(d))
		weaviate_backups(d, out);
	if (vector_used) {
		yaml_key(out, 0, "vector");
		yaml_kv(out, 2, "backend", vector_server_name(d->vector));
		const char *section;
		const struct backend_setting *set = vector_settings(d->vector, &section);
		if (bundled && d->vector == VB_MONGODB) {
			yaml_key(out, 2, section);
			yaml_key(out, 4, "bundled");
			yaml_kv_bool(out, 6, "enabled", true);
		} else if (!bundled) {
			yaml_key(out, 2, section);
			for (; set->id != FLD_COUNT; set++) {
				const char *v = model_text(d, set->id);
				const struct field *f = model_field(set->id);
				if (f->secret) {
					if (*v)
						secret_ref(out, 4, "existingSecretKey", f->flag);
				} else if (!set->optional || *v) {
					yaml_kv(out, 4, set->chart_key, v);
				}
			}
		}

		yaml_key(out, 0, "llm");
		switch (d->llm) {
		case LLM_OPENAI:
		case LLM_OPENAI_COMPATIBLE:
			yaml_kv(out, 2, "provider", "openai");
			yaml_key(out, 2, "openai");
			if (answered(d->llm_api_key))
				secret_ref(out, 4, "existingSecretKey", "llm-api-key");
			yaml_kv(out, 4, "model", d->llm_model);
			yaml_kv(out, 4, "embeddingModel", d->llm_embedding_model);
			if (d->llm == LLM_OPENAI_COMPATIBLE)
				yaml_kv(out, 4, "baseUrl", d->llm_base_url);
			break;
		case LLM_GOOGLE:
			yaml_kv(out, 2, "provider", "google");
			yaml_key(out, 2, "google");
			yaml_kv(out, 4, "projectId", d->google_project);
			yaml_kv(out, 4, "location", d->google_location);
			yaml_kv(out, 4, "model", d->llm_model);
			yaml_kv(out, 4, "embeddingModel", d->llm_embedding_model);
			break;
		case LLM_BEDROCK:
			yaml_kv(out, 2, "provider", "bedrock");
			yaml_key(out, 2, "bedrock");
			yaml_kv(out, 4, "region", d->bedrock_region);
			yaml_kv(out, 4, "model", d->llm_model);
			yaml_kv(out, 4, "embeddingModel", d->llm_embedding_model);
			break;
		default:
			yaml_kv(out, 2, "provider", "none");
		}

		/* OPAL/Cedar: the chart's OPAL stack, which switches the server to Cedar. */
		yaml_key(out, 0, "opal");
		yaml_kv_bool(out, 2, "enabled", d->opal == 1);
		yaml_key(out, 0, "auth");
		/* setup configures no authentication yet: say so explicitly, as the chart requires */
		yaml_kv_bool(out, 2, "allowUnauthenticated", true);
		yaml_kv(out, 2, "backend", d->opal == 1 ? "cedar" : "none");
		if (d->opal == 1) {
			yaml_key(out, 2, "cedar");
			yaml_block(out, 4, "policyText", cedar_starter_policy);
			yaml_block(out, 4, "schemaText", cedar_starter_schema);
		}
	} else {
		yaml_key(out, 0, "auth");
		yaml_kv_bool(out, 2, "allowUnauthenticated", true);
	}

	secrets_provider(d, out);

	yaml_key(out, 0, "ingress");
	yaml_kv_bool(out, 2, "enabled", d->ingress == 1);
	if (d->ingress == 1) {
		yaml_key(out, 2, "hosts");
		strbuf_puts(out, "    - host: ");
		yaml_quote(out, d->ingress_host);
		strbuf_puts(out, "\n      paths:\n        - path: \"/\"\n          pathType: \"Prefix\"\n");
		if (d->ingress_tls == 1) {
			yaml_key(out, 2, "tls");
			strbuf_puts(out, "    - secretName: ");
			struct strbuf name = {0};
			strbuf_printf(&name, "%s-tls", d->ingress_host);
			for (size_t i = 0; i < name.len; i++)
				if (name.buf[i] == '.')
					name.buf[i] = '-';
			yaml_quote(out, strbuf_str(&name));
			strbuf_free(&name);
			strbuf_puts(out, "\n      hosts:\n        - ");
			yaml_quote(out, d->ingress_host);
			strbuf_putc(out, '\n');
		}
	}
	yaml_key(out, 0, "metrics");
	yaml_key(out, 2, "serviceMonitor");
	yaml_kv_bool(out, 4, "enabled", d->service_monitor == 1);
	yaml_key(out, 0, "networkPolicy");
	yaml_kv_bool(out, 2, "enabled", d->network_policy == 1);
	yaml_key(out, 0, "autoscaling");
	yaml_kv_bool(out, 2, "enabled", d->hpa == 1);
	yaml_key(out, 0, "podDisruptionBudget");
	yaml_kv_bool(out, 2, "enabled", d->pdb == 1);
	if (d->pdb == 1 && d->hpa != 1) /* a PDB of minAvailable 1 over one replica would block drains */
		yaml_kv_int(out, 0, "replicaCount", 2);
	if (d->knowledge_repo && *d->knowledge_repo && (d->hpa == 1 || d->pdb == 1)) {
		/* several replicas share the knowledge base through a remote repository */
		yaml_key(out, 0, "server");
		yaml_key(out, 2, "knowledgeRepo");
		yaml_kv(out, 4, "url", d->knowledge_repo);
	}
	if (model_backup_on(d))
		backup_values(d, out);
}

void gen_secrets(const struct deployment *d, struct strbuf *out)
{
	strbuf_puts(out,
		"# Secrets for charts/aeterna, written by `aeterna setup` (" AETERNA_VERSION "): values.yaml refers to them\n"
		"# (existingSecret: " SETUP_SECRET "). Apply before installing, in the release's namespace:\n"
		"#   kubectl -n aeterna apply -f secrets.yaml\n"
		"# Keep this file private (mode 0600) and out of version control, or encrypt it (SOPS).\n");
	yaml_kv(out, 0, "apiVersion", "v1");
	yaml_kv(out, 0, "kind", "Secret");
	yaml_key(out, 0, "metadata");
	yaml_kv(out, 2, "name", SETUP_SECRET);
	yaml_key(out, 2, "labels");
	yaml_kv(out, 4, "app.kubernetes.io/part-of", "aeterna");
	yaml_kv(out, 4, "app.kubernetes.io/managed-by", "aeterna-setup");
	yaml_kv(out, 0, "type", "Opaque");
	struct secret_answer a[8];
	size_t n = secret_answers(d, a);
	if (!n) {
		strbuf_puts(out, "stringData: {}\n");
		return;
	}
	yaml_key(out, 0, "stringData");
	for (size_t i = 0; i < n; i++)
		yaml_kv(out, 2, a[i].key, a[i].value);
}
