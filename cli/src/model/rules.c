/* The chart's cross-key rules in C. Keep the order and the sentences in step with
 * charts/aeterna/templates/_validate.tpl: make test feeds every bad-values case to both. */
#include "rules.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct rc {
	const struct ynode *v;
	const struct rules_apis *apis;
	struct diag_list *d;
	int errors;
};

static const struct ynode *at(const struct rc *c, const char *path) { return ynode_path(c->v, path); }
static bool on(const struct rc *c, const char *path) { return ynode_truthy(at(c, path)); }
static const char *str(const struct rc *c, const char *path)
{
	const struct ynode *n = at(c, path);
	return n && n->kind != Y_SEQ && n->kind != Y_MAP && n->kind != Y_NULL && n->text ? n->text : "";
}
static bool eq(const struct rc *c, const char *path, const char *want) { return !strcmp(str(c, path), want); }

/* Reports at the node of `path`, or at its nearest ancestor that exists. */
static void fail(struct rc *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct rc *c, const char *path, const char *fmt, ...)
{
	char buf[1024], p[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(p, sizeof(p), "%s", path);
	const struct ynode *n = NULL;
	while (!(n = at(c, p)) || !n->file) {
		char *dot = strrchr(p, '.');
		if (!dot) {
			n = NULL;
			break;
		}
		*dot = '\0';
	}
	c->errors++;
	diag_add(c->d, DIAG_ERROR, n && n->file ? n->file : "values", n ? n->line : 0, n ? n->col : 0, "%s", buf);
}

static void required(struct rc *c, const char *path, const char *purpose)
{
	if (!ynode_truthy(at(c, path)))
		fail(c, path, "%s is required for %s.", path, purpose);
}

static bool http_url(const char *u)
{
	const char *rest = !strncmp(u, "http://", 7) ? u + 7 : !strncmp(u, "https://", 8) ? u + 8 : NULL;
	return rest && *rest && *rest != '/' && *rest != ':';
}

static void check_url(struct rc *c, const char *path)
{
	const char *u = str(c, path);
	if (!http_url(u))
		fail(c, path, "%s must be an http:// or https:// URL with a host, got \"%s\".", path, u);
}

static bool has_api(const struct rc *c, const char *api)
{
	if (!c->apis || !c->apis->known)
		return true;
	for (size_t i = 0; i < c->apis->len; i++)
		if (!strcmp(c->apis->list[i], api))
			return true;
	return false;
}

/* Helm reads every number of a values file as a float64, and the chart's `int` turns it into a
 * 64-bit int the way Go does on amd64: truncated toward zero, and the minimum int64 when out of
 * range (or NaN). Mirrored exactly, so the rules agree with helm for any size of number (no
 * 32-bit wrap-around). A missing value is Go's nil, which `int` makes 0. */
static long long go_int(double x)
{
	if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
		return LLONG_MIN;
	return (long long)x;
}

static long long as_int(const struct ynode *n)
{
	return n && (n->kind == Y_INT || n->kind == Y_FLOAT) ? go_int(n->number) : 0;
}

/* Go's %v of a float64 (shortest digits that read back; %e form when the exponent is below -4
 * or at least 6), or "<nil>" for a missing value: the text helm's messages show. */
static const char *go_v(const struct ynode *n, char *buf, size_t size)
{
	if (!n || n->kind == Y_NULL) {
		snprintf(buf, size, "<nil>");
		return buf;
	}
	if (n->kind != Y_INT && n->kind != Y_FLOAT) {
		snprintf(buf, size, "%s", n->text ? n->text : "");
		return buf;
	}
	double x = n->number;
	if (isnan(x) || isinf(x)) {
		snprintf(buf, size, "%s", isnan(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf");
		return buf;
	}
	int nd = 1;
	char e[64];
	for (; nd <= 17; nd++) {
		snprintf(e, sizeof(e), "%.*e", nd - 1, x);
		if (strtod(e, NULL) == x)
			break;
	}
	const char *ep = strchr(e, 'e');
	int exp = ep ? atoi(ep + 1) : 0;
	if (exp < -4 || exp >= 6)
		snprintf(buf, size, "%s", e);
	else
		snprintf(buf, size, "%.*f", nd - 1 - exp > 0 ? nd - 1 - exp : 0, x);
	return buf;
}

static bool vector_enabled(const struct rc *c) { return !eq(c, "deploymentMode", "remote"); }
static bool cedar_enabled(const struct rc *c) { return on(c, "opal.enabled") || eq(c, "auth.backend", "cedar"); }

/* Inline secret vs existingSecret, for every secret in use (aeterna.secretEnv). */
static void secret_pairs(struct rc *c)
{
	struct pair { const char *value, *secret, *label; } pairs[8];
	size_t n = 0;
	if (!on(c, "postgresql.bundled.enabled"))
		pairs[n++] = (struct pair){ "postgresql.external.password", "postgresql.external.existingSecret", "postgresql.external.password" };
	if (vector_enabled(c)) {
		const char *b = str(c, "vector.backend");
		if (!strcmp(b, "qdrant") && !on(c, "qdrant.enabled"))
			pairs[n++] = (struct pair){ "vector.qdrant.apiKey", "vector.qdrant.existingSecret", "vector.qdrant.apiKey" };
		else if (!strcmp(b, "pinecone"))
			pairs[n++] = (struct pair){ "vector.pinecone.apiKey", "vector.pinecone.existingSecret", "vector.pinecone.apiKey" };
		else if (!strcmp(b, "databricks"))
			pairs[n++] = (struct pair){ "vector.databricks.token", "vector.databricks.existingSecret", "vector.databricks.token" };
		else if (!strcmp(b, "weaviate"))
			pairs[n++] = (struct pair){ "vector.weaviate.apiKey", "vector.weaviate.existingSecret", "vector.weaviate.apiKey" };
		else if (!strcmp(b, "mongodb") && !on(c, "vector.mongodb.bundled.enabled"))
			pairs[n++] = (struct pair){ "vector.mongodb.uri", "vector.mongodb.existingSecret", "vector.mongodb.uri" };
	}
	if (eq(c, "llm.provider", "openai"))
		pairs[n++] = (struct pair){ "llm.openai.apiKey", "llm.openai.existingSecret", "llm.openai.apiKey" };
	for (size_t i = 0; i < n; i++)
		if (on(c, pairs[i].value) && on(c, pairs[i].secret))
			fail(c, pairs[i].value,
			     "%s and its existingSecret (\"%s\") are mutually exclusive: set only one of them (existingSecret: \"\" to use the inline value).",
			     pairs[i].label, str(c, pairs[i].secret));
}

static void postgresql(struct rc *c)
{
	if (on(c, "postgresql.bundled.enabled")) {
		if (on(c, "postgresql.external.host"))
			fail(c, "postgresql.external.host",
			     "postgresql.bundled.enabled and postgresql.external.host (\"%s\") are mutually exclusive: set postgresql.bundled.enabled=false to use the external server, or clear postgresql.external.host.",
			     str(c, "postgresql.external.host"));
		if (on(c, "capabilityChecks") && !has_api(c, "postgresql.cnpg.io/v1"))
			fail(c, "postgresql.bundled.enabled",
			     "postgresql.bundled.enabled needs the CloudNativePG operator, and this cluster does not serve postgresql.cnpg.io/v1: install the operator first (helm repo add cnpg https://cloudnative-pg.github.io/charts && helm install cnpg cnpg/cloudnative-pg -n cnpg-system --create-namespace), or set postgresql.bundled.enabled=false and postgresql.external.host.");
	} else {
		if (!on(c, "postgresql.external.host"))
			fail(c, "postgresql.external.host", "postgresql.external.host is required when postgresql.bundled.enabled is false: the server needs PostgreSQL at boot (PG_HOST).");
		if (!on(c, "postgresql.external.database"))
			fail(c, "postgresql.external.database", "postgresql.external.database is required: the server needs a database name at boot (PG_DATABASE).");
	}
}

static void cache(struct rc *c)
{
	if (on(c, "dragonfly.enabled") && on(c, "valkey.enabled"))
		fail(c, "valkey.enabled", "dragonfly.enabled and valkey.enabled are both true: the cache is exactly one of them (or an external server), so disable one.");
	const char *bundled = on(c, "dragonfly.enabled") ? "dragonfly" : on(c, "valkey.enabled") ? "valkey" : NULL;
	if (bundled) {
		if (on(c, "cache.external.host"))
			fail(c, "cache.external.host",
			     "cache.external.host (\"%s\") is set while the bundled cache is enabled (%s.enabled): clear cache.external.host or set %s.enabled=false.",
			     str(c, "cache.external.host"), bundled, bundled);
		if (!strcmp(bundled, "dragonfly") && on(c, "dragonfly.passwordFromSecret.enable"))
			fail(c, "dragonfly.passwordFromSecret.enable", "dragonfly.passwordFromSecret.enable must stay false: the Aeterna server 0.8.0-rc.12 sends no password, so it could not connect to a password-protected Dragonfly.");
		if (!strcmp(bundled, "valkey") && on(c, "valkey.auth.enabled"))
			fail(c, "valkey.auth.enabled", "valkey.auth.enabled must stay false: the Aeterna server 0.8.0-rc.12 sends no password, so it could not connect to a password-protected Valkey.");
		char tls[64];
		snprintf(tls, sizeof(tls), "%s.tls.enabled", bundled);
		if (on(c, tls))
			fail(c, tls, "%s.tls.enabled must stay false: the Aeterna server 0.8.0-rc.12 does not use TLS for the cache.", bundled);
	} else if (!on(c, "cache.external.host")) {
		fail(c, "cache.external.host", "cache.external.host is required when neither dragonfly.enabled nor valkey.enabled is true: set it to a Redis-compatible server the Aeterna server can reach (RD_HOST).");
	}
	if (on(c, "cache.external.password") && on(c, "cache.external.existingSecret"))
		fail(c, "cache.external.password", "cache.external.password and its existingSecret (\"%s\") are mutually exclusive: set only one of them.",
		     str(c, "cache.external.existingSecret"));
}

static void bundled_vectors(struct rc *c)
{
	static const char *const keys[] = { "qdrant", "weaviate" };
	for (size_t i = 0; i < 2; i++) {
		const char *k = keys[i];
		char p[96], url[96], key[96], sec[96];
		snprintf(p, sizeof(p), "%s.enabled", k);
		if (!on(c, p))
			continue;
		if (!vector_enabled(c)) {
			fail(c, p, "%s.enabled is true but deploymentMode remote uses no vector store: set %s.enabled=false.", k, k);
			continue;
		} else if (!eq(c, "vector.backend", k)) {
			fail(c, p, "%s.enabled is true but vector.backend is \"%s\": set vector.backend=%s or %s.enabled=false.", k, str(c, "vector.backend"), k, k);
			continue;
		}
		snprintf(url, sizeof(url), "vector.%s.url", k);
		snprintf(key, sizeof(key), "vector.%s.apiKey", k);
		snprintf(sec, sizeof(sec), "vector.%s.existingSecret", k);
		if (on(c, url))
			fail(c, url, "vector.%s.url (\"%s\") is set while the bundled %s is enabled (%s.enabled): clear vector.%s.url or set %s.enabled=false.",
			     k, str(c, url), k, k, k, k);
		else if (on(c, key) || on(c, sec))
			fail(c, on(c, key) ? key : sec, "vector.%s.apiKey and vector.%s.existingSecret are for an external %s: the bundled one (%s.enabled) takes its key from the subchart's values.", k, k, k, k);
	}
	if (on(c, "vector.mongodb.bundled.enabled")) {
		if (!vector_enabled(c) || !eq(c, "vector.backend", "mongodb"))
			fail(c, "vector.mongodb.bundled.enabled",
			     "vector.mongodb.bundled.enabled is true but the vector backend in use is not mongodb (vector.backend \"%s\", deploymentMode \"%s\"): set vector.mongodb.bundled.enabled=false.",
			     str(c, "vector.backend"), str(c, "deploymentMode"));
		if (on(c, "vector.mongodb.uri") || on(c, "vector.mongodb.existingSecret"))
			fail(c, on(c, "vector.mongodb.uri") ? "vector.mongodb.uri" : "vector.mongodb.existingSecret",
			     "vector.mongodb.bundled.enabled and vector.mongodb.uri/existingSecret are mutually exclusive: the bundled MongoDB's URI is generated, so clear vector.mongodb.uri and vector.mongodb.existingSecret.");
		if (on(c, "capabilityChecks") && !has_api(c, "psmdb.percona.com/v1"))
			fail(c, "vector.mongodb.bundled.enabled",
			     "vector.mongodb.bundled.enabled needs the Percona Server for MongoDB operator, and this cluster does not serve psmdb.percona.com/v1: install it first (helm repo add percona https://percona.github.io/percona-helm-charts && helm install psmdb-operator percona/psmdb-operator -n <release namespace>), or use an external MongoDB (vector.mongodb.uri).");
	}
}

static void vector_backend(struct rc *c)
{
	if (!vector_enabled(c))
		return;
	const char *b = str(c, "vector.backend");
	if (!strcmp(b, "qdrant")) {
		if (!on(c, "qdrant.enabled")) {
			required(c, "vector.qdrant.url", "the qdrant vector backend unless qdrant.enabled is true");
			if (on(c, "vector.qdrant.url"))
				check_url(c, "vector.qdrant.url");
		}
	} else if (!strcmp(b, "pinecone")) {
		if (!on(c, "vector.pinecone.apiKey") && !on(c, "vector.pinecone.existingSecret"))
			fail(c, "vector.pinecone", "vector.pinecone.apiKey (or vector.pinecone.existingSecret) is required for the pinecone vector backend.");
		required(c, "vector.pinecone.environment", "the pinecone vector backend");
		required(c, "vector.pinecone.indexName", "the pinecone vector backend");
	} else if (!strcmp(b, "vertex_ai")) {
		required(c, "vector.vertexAi.projectId", "the vertex_ai vector backend");
		required(c, "vector.vertexAi.location", "the vertex_ai vector backend");
		required(c, "vector.vertexAi.indexEndpoint", "the vertex_ai vector backend");
		required(c, "vector.vertexAi.deployedIndexId", "the vertex_ai vector backend");
	} else if (!strcmp(b, "databricks")) {
		required(c, "vector.databricks.host", "the databricks vector backend");
		if (on(c, "vector.databricks.host"))
			check_url(c, "vector.databricks.host");
		if (!on(c, "vector.databricks.token") && !on(c, "vector.databricks.existingSecret"))
			fail(c, "vector.databricks", "vector.databricks.token (or vector.databricks.existingSecret) is required for the databricks vector backend.");
		required(c, "vector.databricks.catalog", "the databricks vector backend");
		required(c, "vector.databricks.schema", "the databricks vector backend");
	} else if (!strcmp(b, "weaviate")) {
		if (!on(c, "weaviate.enabled")) {
			required(c, "vector.weaviate.url", "the weaviate vector backend unless weaviate.enabled is true");
			if (on(c, "vector.weaviate.url"))
				check_url(c, "vector.weaviate.url");
		}
	} else if (!strcmp(b, "mongodb") && !on(c, "vector.mongodb.bundled.enabled")) {
		if (!on(c, "vector.mongodb.uri") && !on(c, "vector.mongodb.existingSecret"))
			fail(c, "vector.mongodb", "vector.mongodb.uri (or vector.mongodb.existingSecret) is required for the mongodb vector backend unless vector.mongodb.bundled.enabled is true.");
		const char *uri = str(c, "vector.mongodb.uri");
		if (*uri && strncmp(uri, "mongodb://", 10) && strncmp(uri, "mongodb+srv://", 14))
			fail(c, "vector.mongodb.uri", "vector.mongodb.uri must start with mongodb:// or mongodb+srv://.");
		required(c, "vector.mongodb.database", "the mongodb vector backend");
	}
}

static void llm(struct rc *c)
{
	const char *p = str(c, "llm.provider");
	static const char *const served[] = { "openai", "google", "bedrock", "none" };
	static const char *const compatible[] = { "ollama", "openai-compatible", "openai_compatible", "vllm", "lmstudio" };
	bool ok = false, compat = false;
	for (size_t i = 0; i < 4; i++)
		ok = ok || !strcmp(p, served[i]);
	char lower[128];
	size_t i = 0;
	for (; p[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
	lower[i] = '\0';
	for (size_t j = 0; j < 5; j++)
		compat = compat || !strcmp(lower, compatible[j]);
	if (!ok) {
		if (compat)
			fail(c, "llm.provider", "llm.provider \"%s\" is not a provider the Aeterna server serves: use provider openai with llm.openai.baseUrl set to the OpenAI-compatible endpoint (e.g. http://ollama:11434/v1).", p);
		else
			fail(c, "llm.provider", "llm.provider \"%s\" is not served by the Aeterna server: use openai, google, bedrock or none.", p);
		return;
	}
	if (!strcmp(p, "openai")) {
		if (!on(c, "llm.openai.apiKey") && !on(c, "llm.openai.existingSecret") && !on(c, "llm.openai.baseUrl"))
			fail(c, "llm.openai", "llm.openai.apiKey (or llm.openai.existingSecret) is required for the openai provider unless llm.openai.baseUrl points to a server that needs no key.");
		if (on(c, "llm.openai.baseUrl"))
			check_url(c, "llm.openai.baseUrl");
	} else if (!strcmp(p, "google")) {
		required(c, "llm.google.projectId", "the google LLM provider");
		required(c, "llm.google.location", "the google LLM provider");
	} else if (!strcmp(p, "bedrock")) {
		required(c, "llm.bedrock.region", "the bedrock LLM provider");
	}
}

static void authorization(struct rc *c)
{
	if (cedar_enabled(c) && !on(c, "auth.cedar.existingConfigMap")) {
		const char *why = on(c, "opal.enabled")
			? "opal.enabled, which switches the server to Cedar authorization (the server does not boot without it): set it or auth.cedar.existingConfigMap; an example policy set is in examples/cedar/"
			: "auth.backend cedar (the server does not boot without it)";
		required(c, "auth.cedar.policyText", why);
		required(c, "auth.cedar.schemaText", why);
	}
	if (on(c, "opal.enabled")) {
		if (on(c, "opal.server.enabled")) {
			const struct ynode *rn = at(c, "opal.server.replicas");
			long long replicas = as_int(rn);
			char shown[64];
			if (replicas < 1)
				fail(c, "opal.server.replicas", "opal.server.replicas must be at least 1 (got %s): set opal.server.enabled=false to use an OPAL server elsewhere (opal.serverUrl).", go_v(rn, shown, sizeof(shown)));
			if (replicas > 1 && eq(c, "opal.server.broadcast.backend", "none"))
				fail(c, "opal.server.broadcast.backend", "opal.server.replicas is %s but opal.server.broadcast.backend is none: OPAL server replicas need a broadcast channel, so set it to cache or postgresql (or use one replica).", go_v(rn, shown, sizeof(shown)));
		} else if (on(c, "opal.cedarAgent.enabled") && !on(c, "opal.serverUrl")) {
			fail(c, "opal.serverUrl", "opal.serverUrl is required when opal.server.enabled is false: the Cedar agents need an OPAL server to connect to.");
		}
		if (on(c, "opal.serverUrl") && on(c, "opal.server.enabled"))
			fail(c, "opal.serverUrl", "opal.serverUrl is for an OPAL server elsewhere: set opal.server.enabled=false to use it, or clear it.");
	}
	if (on(c, "auth.opalFetcherUrl"))
		check_url(c, "auth.opalFetcherUrl");
}

static void scaling(struct rc *c)
{
	if (on(c, "podDisruptionBudget.enabled")) {
		const struct ynode *mn = at(c, "podDisruptionBudget.minAvailable"), *mx = at(c, "podDisruptionBudget.maxUnavailable");
		bool has_min = mn && mn->kind != Y_NULL, has_max = mx && mx->kind != Y_NULL;
		if (has_min && has_max)
			fail(c, "podDisruptionBudget.maxUnavailable", "podDisruptionBudget.minAvailable and podDisruptionBudget.maxUnavailable are mutually exclusive: set the other one to null.");
		if (!has_min && !has_max)
			fail(c, "podDisruptionBudget", "podDisruptionBudget needs podDisruptionBudget.minAvailable or podDisruptionBudget.maxUnavailable when enabled.");
	}
	const struct ynode *cpu = at(c, "autoscaling.targetCPUUtilizationPercentage"), *mem = at(c, "autoscaling.targetMemoryUtilizationPercentage");
	bool has_cpu = cpu && cpu->kind != Y_NULL, has_mem = mem && mem->kind != Y_NULL;
	if (on(c, "autoscaling.enabled")) {
		if (as_int(at(c, "autoscaling.minReplicas")) > as_int(at(c, "autoscaling.maxReplicas")))
			fail(c, "autoscaling.minReplicas", "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas.");
		if (!has_cpu && !has_mem)
			fail(c, "autoscaling", "autoscaling needs autoscaling.targetCPUUtilizationPercentage or autoscaling.targetMemoryUtilizationPercentage when enabled.");
	}
	if (on(c, "verticalPodAutoscaler.enabled") && on(c, "autoscaling.enabled") && !eq(c, "verticalPodAutoscaler.updateMode", "Off")) {
		const struct ynode *res = at(c, "verticalPodAutoscaler.controlledResources");
		for (size_t i = 0; res && res->kind == Y_SEQ && i < res->len; i++) {
			const char *r = res->items[i]->text ? res->items[i]->text : "";
			if ((!strcmp(r, "cpu") && has_cpu) || (!strcmp(r, "memory") && has_mem)) {
				fail(c, "verticalPodAutoscaler.controlledResources",
				     "verticalPodAutoscaler.controlledResources includes %s, which the HPA scales on: with autoscaling enabled set verticalPodAutoscaler.updateMode to \"Off\" or drop %s.", r, r);
				break;
			}
		}
	}
	if (on(c, "ingress.enabled") && !on(c, "ingress.hosts"))
		fail(c, "ingress.hosts", "ingress.hosts needs at least one host when ingress.enabled is true.");
}

/* The tenant-secret KMS and the platform secret provider (server boot steps 6 and 10). The check
 * of an existing KMS Secret's content needs the cluster and is the chart's alone. */
static void boot_contract(struct rc *c)
{
	if (eq(c, "kms.provider", "aws")) {
		if (!on(c, "kms.aws.keyArn"))
			fail(c, "kms.aws.keyArn", "kms.aws.keyArn is required for kms.provider aws: the server does not boot without its KMS key.");
		if (!on(c, "kms.aws.region"))
			fail(c, "kms.aws.region", "kms.aws.region is required for kms.provider aws: the server sets no region itself, and its KMS self-test at boot fails without one.");
		if (on(c, "kms.aws.roleArn") && !on(c, "serviceAccount.create"))
			fail(c, "kms.aws.roleArn", "kms.aws.roleArn annotates the chart's ServiceAccount, and serviceAccount.create is false: annotate your own ServiceAccount and clear kms.aws.roleArn, or set serviceAccount.create=true.");
	}
	if (eq(c, "secretProvider.type", "vault")) {
		required(c, "secretProvider.vault.addr", "secretProvider.type vault (the server does not boot without it)");
		if (on(c, "secretProvider.vault.addr"))
			check_url(c, "secretProvider.vault.addr");
		required(c, "secretProvider.vault.existingSecret", "secretProvider.type vault (the Vault token; this provider has no Kubernetes login)");
	}
	if (eq(c, "server.environment", "production")) {
		if (!eq(c, "kms.provider", "aws"))
			fail(c, "kms.provider", "server.environment is production, and the server refuses to boot in production with a local KMS key: set kms.provider=aws with kms.aws.keyArn and kms.aws.region.");
		if (!eq(c, "secretProvider.type", "vault"))
			fail(c, "secretProvider.type", "server.environment is production, and the server refuses to boot in production without the Vault secret provider: set secretProvider.type=vault with secretProvider.vault.addr and secretProvider.vault.existingSecret.");
	}
}

/* Authentication and authorization: the server trusts its callers unless told otherwise. */
static void auth_rules(struct rc *c)
{
	bool permit = eq(c, "auth.backend", "permit");
	if (permit) {
		if (on(c, "opal.enabled"))
			fail(c, "auth.backend", "auth.backend permit and opal.enabled are exclusive: the OPAL stack switches the server to Cedar; set opal.enabled=false to use Permit.");
		required(c, "auth.permit.pdpUrl", "auth.backend permit (the server does not boot without it)");
		required(c, "auth.permit.existingSecret", "auth.backend permit (the Permit.io API key; the server does not boot without it)");
	}
	if (on(c, "auth.plugin.github.clientId") && !on(c, "auth.plugin.github.clientSecretExistingSecret"))
		fail(c, "auth.plugin.github.clientId", "auth.plugin.github.clientSecretExistingSecret is required with auth.plugin.github.clientId: without the client secret every browser login fails at the callback.");
	if (on(c, "auth.plugin.github.clientSecretExistingSecret") && !on(c, "auth.plugin.github.clientId"))
		fail(c, "auth.plugin.github.clientSecretExistingSecret", "auth.plugin.github.clientId is required with auth.plugin.github.clientSecretExistingSecret: without it the browser login route answers 500.");
	if (on(c, "auth.adminBootstrap.email") && eq(c, "auth.adminBootstrap.provider", "github") && !on(c, "auth.adminBootstrap.providerSubject"))
		fail(c, "auth.adminBootstrap.email", "auth.adminBootstrap.providerSubject is required with auth.adminBootstrap.email and provider github: the server matches the GitHub login, so the e-mail alone never logs the first admin in.");
	bool plugin = on(c, "auth.plugin.enabled"), k8s = on(c, "auth.kubernetes.enabled");
	if (plugin && k8s)
		fail(c, "auth.kubernetes.enabled", "auth.plugin.enabled and auth.kubernetes.enabled are exclusive: with plugin auth on, the server rejects Kubernetes tokens before any handler runs; choose one.");
	if (!on(c, "auth.allowUnauthenticated")) {
		if (!plugin && !k8s)
			fail(c, "auth", "auth.allowUnauthenticated must be true for a server without authentication: with auth.plugin and auth.kubernetes off, any caller picks its identity and role (X-User-Role: PlatformAdmin); turn one of them on, or set auth.allowUnauthenticated=true (development only).");
		if (!cedar_enabled(c) && !permit)
			fail(c, "auth.backend", "auth.allowUnauthenticated must be true for auth.backend none: every MCP tool call and knowledge promotion is then allowed; set auth.backend to cedar or permit, or set auth.allowUnauthenticated=true (development only).");
	}
}

/* Knowledge repository, GitHub, and what several replicas need. */
static void knowledge_and_replicas(struct rc *c)
{
	if (on(c, "server.github.owner") != on(c, "server.github.repo"))
		fail(c, "server.github.owner", "server.github.owner and server.github.repo go together: the server needs both for any GitHub provider.");
	bool app = on(c, "server.github.appId");
	if (app != on(c, "server.github.installationId"))
		fail(c, "server.github.appId", "server.github.appId and server.github.installationId go together: the server authenticates as the App installation.");
	if ((app || on(c, "server.github.tokenKey") || on(c, "server.github.webhookSecretKey")) && !on(c, "server.github.existingSecret"))
		fail(c, "server.github", "server.github.existingSecret is required with server.github.appId, tokenKey or webhookSecretKey: it holds the App's private key, the token and the webhook secret (the server mints the App token at boot and does not start without it).");
	if (on(c, "server.github.orgName") && !app)
		fail(c, "server.github.orgName", "server.github.orgName needs server.github.appId, installationId and existingSecret: the organization sync authenticates as the GitHub App.");
	const char *url = str(c, "server.knowledgeRepo.url");
	if (!strncmp(url, "git@github.com:", 15) && !(on(c, "server.github.owner") && (app || on(c, "server.github.tokenKey"))))
		fail(c, "server.knowledgeRepo.url", "server.knowledgeRepo.url is an SSH URL, which the server only rewrites to HTTPS with a GitHub provider: set server.github.owner, repo and an App or token, or use an https:// URL.");
	long long replicas = as_int(at(c, "replicaCount"));
	bool hpa = on(c, "autoscaling.enabled");
	if ((hpa || replicas > 1) && !*url)
		fail(c, "replicaCount", "server.knowledgeRepo.url is required with more than one replica (replicaCount %lld, autoscaling %s): at 0.8.0-rc.12 each replica keeps its own local knowledge repository, so replicas would diverge; set a remote repository or run one replica.",
		     replicas, hpa ? "true" : "false");
}

/* Identity-provider sync, A2A authentication, the Vault resolver. */
static void integrations(struct rc *c)
{
	const char *idp = str(c, "server.idp.provider");
	if (*idp) {
		char why[128];
		snprintf(why, sizeof(why), "server.idp.provider %s (its API credentials; the server does not boot without them)", idp);
		required(c, "server.idp.existingSecret", why);
		if (!strcmp(idp, "okta")) {
			required(c, "server.idp.oktaDomain", "server.idp.provider okta (the server does not boot without it)");
		} else {
			required(c, "server.idp.azureTenantId", "server.idp.provider azure (the server does not boot without it)");
			required(c, "server.idp.azureClientId", "server.idp.provider azure (the server does not boot without it)");
		}
	}
	if (on(c, "server.a2a.authEnabled")) {
		if (!on(c, "server.features.radkit"))
			fail(c, "server.a2a.authEnabled", "server.a2a.authEnabled needs server.features.radkit: the server reads the A2A settings only with RadKit on, so the endpoint would stay open.");
		required(c, "server.a2a.existingSecret", "server.a2a.authEnabled (the A2A API key; the server does not boot without it)");
	}
	if ((on(c, "server.vault.kubernetesRole") || on(c, "server.vault.tokenExistingSecret")) && !on(c, "server.vault.addr"))
		fail(c, "server.vault.addr", "server.vault.addr is required with server.vault.kubernetesRole or tokenExistingSecret: they log in to the Vault at that address.");
}

/* secrets.provider existing / external-secrets: no secret value in the values. */
static void secrets_provider(struct rc *c)
{
	const char *sp = str(c, "secrets.provider");
	if (!*sp || !strcmp(sp, "helm"))
		return;
	static const char *const inline_paths[] = {
		"postgresql.external.password", "cache.external.password", "vector.qdrant.apiKey", "vector.weaviate.apiKey",
		"vector.pinecone.apiKey", "vector.databricks.token", "vector.mongodb.uri", "llm.openai.apiKey",
	};
	for (size_t i = 0; i < sizeof(inline_paths) / sizeof(inline_paths[0]); i++)
		if (on(c, inline_paths[i]))
			fail(c, inline_paths[i], "secrets.provider is %s, and %s is set inline: put the value in a Secret and set the matching existingSecret (an inline secret ends up in the values file and in Helm's release records).",
			     sp, inline_paths[i]);
	const struct ynode *qk = at(c, "qdrant.apiKey"); /* a string is an inline key; true generates one */
	if (qk && qk->kind == Y_STRING && qk->text && *qk->text)
		fail(c, "qdrant.apiKey", "secrets.provider is %s, and qdrant.apiKey is set inline: put the value in a Secret and set the matching existingSecret (an inline secret ends up in the values file and in Helm's release records).",
		     sp);
	if (!strcmp(sp, "external-secrets")) {
		required(c, "secrets.externalSecrets.storeRef.name", "secrets.provider external-secrets");
		if (!on(c, "secrets.externalSecrets.secrets"))
			fail(c, "secrets.externalSecrets.secrets", "secrets.externalSecrets.secrets needs at least one entry with secrets.provider external-secrets: each entry becomes an ExternalSecret creating the Secret an existingSecret names.");
		if (on(c, "capabilityChecks") && !has_api(c, "external-secrets.io/v1"))
			fail(c, "secrets.provider", "secrets.provider external-secrets needs the External Secrets Operator, and this cluster does not serve external-secrets.io/v1: install it first (helm repo add external-secrets https://charts.external-secrets.io && helm install external-secrets external-secrets/external-secrets -n external-secrets --create-namespace), or use secrets.provider existing.");
	}
}

/* True when seq (a list of names, or of {name: …} maps when maps is true) holds name. */
static bool lists_name(const struct ynode *seq, const char *name, bool maps)
{
	for (size_t i = 0; seq && seq->kind == Y_SEQ && i < seq->len; i++) {
		const struct ynode *it = seq->items[i];
		if (maps)
			it = ynode_path(it, "name");
		if (it && it->kind != Y_SEQ && it->kind != Y_MAP && it->text && !strcmp(it->text, name))
			return true;
	}
	return false;
}

/* The dragonfly, qdrant and weaviate charts read neither global.imageRegistry nor
 * global.imagePullSecrets: their own keys must follow them. */
static void subchart_images(struct rc *c)
{
	char reg[512];
	snprintf(reg, sizeof(reg), "%s", str(c, "global.imageRegistry"));
	size_t rl = strlen(reg);
	while (rl && reg[rl - 1] == '/')
		reg[--rl] = '\0';
	if (rl) {
		static const struct { const char *sub, *key, *path; } repos[] = {
			{ "dragonfly", "dragonfly.image.repository", "dragonflydb/dragonfly" },
			{ "qdrant", "qdrant.image.repository", "qdrant/qdrant" },
		};
		for (size_t i = 0; i < sizeof(repos) / sizeof(repos[0]); i++) {
			char en[64];
			snprintf(en, sizeof(en), "%s.enabled", repos[i].sub);
			const char *repo = str(c, repos[i].key);
			if (on(c, en) && !(strncmp(repo, reg, rl) == 0 && repo[rl] == '/'))
				fail(c, repos[i].key,
				     "global.imageRegistry (%s) does not reach the %s subchart, which reads only its own image settings: set %s to %s/%s.",
				     reg, repos[i].sub, repos[i].key, reg, repos[i].path);
		}
		if (on(c, "weaviate.enabled") && strcmp(str(c, "weaviate.image.registry"), reg))
			fail(c, "weaviate.image.registry",
			     "global.imageRegistry (%s) does not reach the weaviate subchart, which reads only its own image settings: set weaviate.image.registry to %s.",
			     reg, reg);
	}
	const struct ynode *secrets = at(c, "global.imagePullSecrets");
	for (size_t i = 0; secrets && secrets->kind == Y_SEQ && i < secrets->len; i++) {
		const char *name = secrets->items[i]->text;
		if (!name || secrets->items[i]->kind == Y_SEQ || secrets->items[i]->kind == Y_MAP)
			continue;
		if (on(c, "dragonfly.enabled") && !lists_name(at(c, "dragonfly.imagePullSecrets"), name, true))
			fail(c, "dragonfly.imagePullSecrets",
			     "global.imagePullSecrets does not reach the dragonfly subchart, which reads only its own list: add {name: %s} to dragonfly.imagePullSecrets.", name);
		if (on(c, "qdrant.enabled") && !lists_name(at(c, "qdrant.imagePullSecrets"), name, true))
			fail(c, "qdrant.imagePullSecrets",
			     "global.imagePullSecrets does not reach the qdrant subchart, which reads only its own list: add {name: %s} to qdrant.imagePullSecrets.", name);
		if (on(c, "weaviate.enabled") && !lists_name(at(c, "weaviate.image.pullSecrets"), name, false))
			fail(c, "weaviate.image.pullSecrets",
			     "global.imagePullSecrets does not reach the weaviate subchart, which reads only its own list: add %s to weaviate.image.pullSecrets.", name);
	}
}

/* Backups (templates/backup/_backup.tpl, aeterna.backup.validate). */
static void backups(struct rc *c)
{
	if (on(c, "backup.verify.enabled") && !on(c, "backup.enabled"))
		fail(c, "backup.verify.enabled", "backup.verify.enabled needs backup.enabled: the restore test checks the newest pg_dump backup, and none is taken while backup.enabled is false.");
	if (!on(c, "backup.enabled"))
		return;
	required(c, "backup.destination.bucket", "backup.enabled");
	const char *prov = str(c, "backup.destination.provider");
	if (!*prov)
		prov = "s3";
	if (!on(c, "backup.credentials.existingSecret") && !on(c, "backup.credentials.workloadIdentity"))
		fail(c, "backup.credentials.existingSecret", "backup.credentials.existingSecret is required for %s backups unless backup.credentials.workloadIdentity is true (the identity then comes from backup.serviceAccount annotations).", prov);
	if (!strcmp(prov, "azure"))
		required(c, "backup.destination.azure.storageAccount", "backup.destination.provider azure");
	if (on(c, "backup.verify.enabled") && at(c, "backup.postgresql.dump") && !on(c, "backup.postgresql.dump"))
		fail(c, "backup.postgresql.dump", "backup.verify.enabled needs backup.postgresql.dump: the restore test restores the newest pg_dump backup.");
	if (on(c, "backup.postgresql.recovery.enabled")) {
		if (!on(c, "postgresql.bundled.enabled"))
			fail(c, "backup.postgresql.recovery.enabled", "backup.postgresql.recovery.enabled needs postgresql.bundled.enabled: only the bundled CloudNativePG cluster bootstraps from a Barman backup (restore an external database with docs/backup-restore.md).");
		required(c, "backup.postgresql.recovery.sourceServerName", "backup.postgresql.recovery.enabled");
	}
	const char *backend = str(c, "vector.backend");
	bool vectors = vector_enabled(c);
	if (vectors && !strcmp(backend, "weaviate") && on(c, "weaviate.enabled") &&
	    (!at(c, "backup.weaviate.enabled") || on(c, "backup.weaviate.enabled"))) {
		char key[64];
		snprintf(key, sizeof(key), "weaviate.backups.%s.enabled", prov);
		if (!on(c, key))
			fail(c, key, "weaviate.backups.%s.enabled must be true with backup.enabled and the bundled Weaviate: Weaviate writes its backups itself, through its backup-%s module (or set backup.weaviate.enabled=false).", prov, prov);
	}
	if (vectors && !strcmp(backend, "mongodb") && on(c, "vector.mongodb.bundled.enabled") && !strcmp(prov, "gcs") &&
	    (!at(c, "backup.mongodb.enabled") || on(c, "backup.mongodb.enabled")) &&
	    !on(c, "backup.mongodb.credentialsSecret") && !on(c, "backup.credentials.existingSecret"))
		fail(c, "backup.mongodb.credentialsSecret", "backup.mongodb.credentialsSecret is required for MongoDB backups to gcs: the Percona operator needs HMAC keys in a Secret and has no workload identity for GCS.");
	if (on(c, "backup.alerts.enabled") && on(c, "capabilityChecks") && !has_api(c, "monitoring.coreos.com/v1"))
		fail(c, "backup.alerts.enabled", "backup.alerts.enabled needs the Prometheus Operator, and this cluster does not serve monitoring.coreos.com/v1: install it first (e.g. the kube-prometheus-stack chart), or set backup.alerts.enabled=false.");
}

/* Monitoring and VPA resources need their operators' APIs (after every other rule, as in the chart). */
static void operators(struct rc *c)
{
	if (!on(c, "capabilityChecks"))
		return;
	bool prom = has_api(c, "monitoring.coreos.com/v1");
	if (on(c, "metrics.serviceMonitor.enabled") && !prom)
		fail(c, "metrics.serviceMonitor.enabled",
		     "metrics.serviceMonitor.enabled needs the Prometheus Operator, and this cluster does not serve monitoring.coreos.com/v1: install it first (e.g. the kube-prometheus-stack chart), or set metrics.serviceMonitor.enabled=false.");
	if (on(c, "postgresql.bundled.enabled") && on(c, "postgresql.bundled.monitoring.podMonitor") && !prom)
		fail(c, "postgresql.bundled.monitoring.podMonitor",
		     "postgresql.bundled.monitoring.podMonitor needs the Prometheus Operator, and this cluster does not serve monitoring.coreos.com/v1: install it first (e.g. the kube-prometheus-stack chart), or set postgresql.bundled.monitoring.podMonitor=false.");
	if (on(c, "verticalPodAutoscaler.enabled") && !has_api(c, "autoscaling.k8s.io/v1"))
		fail(c, "verticalPodAutoscaler.enabled",
		     "verticalPodAutoscaler.enabled needs the Vertical Pod Autoscaler, and this cluster does not serve autoscaling.k8s.io/v1: install it first (kubernetes/autoscaler, vertical-pod-autoscaler), or set verticalPodAutoscaler.enabled=false.");
}

int rules_check(const struct ynode *values, const struct rules_apis *apis, struct diag_list *diags)
{
	struct rc c = { values, apis, diags, 0 };
	const char *mode = str(&c, "deploymentMode");
	if ((!strcmp(mode, "hybrid") || !strcmp(mode, "remote")) && !on(&c, "remote.governanceUrl"))
		fail(&c, "remote.governanceUrl", "remote.governanceUrl is required when deploymentMode is \"%s\": set it to the central Aeterna server's http(s) URL.", mode);
	if (on(&c, "remote.governanceUrl"))
		check_url(&c, "remote.governanceUrl");
	postgresql(&c);
	cache(&c);
	bundled_vectors(&c);
	secret_pairs(&c);
	vector_backend(&c);
	llm(&c);
	authorization(&c);
	scaling(&c);
	boot_contract(&c);
	auth_rules(&c);
	knowledge_and_replicas(&c);
	integrations(&c);
	secrets_provider(&c);
	subchart_images(&c);
	backups(&c);
	operators(&c);
	return c.errors;
}
