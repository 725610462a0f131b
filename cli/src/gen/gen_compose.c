/* docker-compose.yaml: the Aeterna server, its migration step, the chosen backing services and,
 * with OPAL on, the OPAL server, the OPAL fetcher and a Cedar agent. Bundled services run as
 * containers here and are reached by their compose service names, whatever the model's
 * (Kubernetes) host names for them say; they are also published on 127.0.0.1 at the ports
 * `aeterna status` looks for them on. Images match the chart's compatibility matrix. */
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "generate.h"
#include "yaml_out.h"


struct env {
	const char *name;
	struct strbuf value; /* owned; released by env_free */
};

#define MAX_ENV 64

/* Compose interpolates "$VAR" in values; a literal "$" is written "$$". */
static void env_add(struct env *e, size_t *n, const char *name, const char *value)
{
	if (*n == MAX_ENV)
		return; /* more variables than the contract has: cannot happen */
	e[*n] = (struct env){ .name = name };
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '$')
			strbuf_putc(&e[*n].value, '$');
		strbuf_putc(&e[*n].value, *p);
	}
	strbuf_puts(&e[*n].value, ""); /* an empty value still has a buffer */
	(*n)++;
}

/* A secret: a reference to the variable of the same name in .env (gen_dotenv), which docker
 * compose reads from the project directory; compose refuses to start when it is missing. */
static void env_secret(struct env *e, size_t *n, const char *name, const char *dotenv_name)
{
	if (*n == MAX_ENV)
		return;
	e[*n] = (struct env){ .name = name };
	strbuf_printf(&e[*n].value, "${%s:?%s is missing from .env: run aeterna setup}", dotenv_name, dotenv_name);
	(*n)++;
}

static void env_free(struct env *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_free(&e[i].value);
}

static void env_addi(struct env *e, size_t *n, const char *name, int value)
{
	char b[16];
	snprintf(b, sizeof(b), "%d", value);
	env_add(e, n, name, b);
}

static bool pg_bundled(const struct deployment *d) { return d->postgres == PG_CLOUDNATIVEPG; }

/* PostgreSQL variables shared by the server and the migration step. */
static size_t pg_env(const struct deployment *d, struct env *e, size_t n)
{
	if (pg_bundled(d)) {
		env_add(e, &n, "PG_HOST", "postgres");
		env_add(e, &n, "PG_PORT", PORT_POSTGRES_S);
		env_add(e, &n, "PG_DATABASE", "aeterna");
		env_add(e, &n, "PG_USERNAME", "aeterna");
	} else {
		env_add(e, &n, "PG_HOST", d->pg_host);
		env_addi(e, &n, "PG_PORT", d->pg_port);
		env_add(e, &n, "PG_DATABASE", d->pg_database);
		env_add(e, &n, "PG_USERNAME", d->pg_user);
	}
	if (d->pg_password && *d->pg_password)
		env_secret(e, &n, "PG_PASSWORD", "PG_PASSWORD");
	return n;
}

static size_t server_env(const struct deployment *d, struct env *e)
{
	size_t n = 0;
	env_add(e, &n, "AETERNA_DEPLOYMENT_MODE", model_choice(d, FLD_MODE));
	if (d->mode != MODE_LOCAL) {
		env_add(e, &n, "AETERNA_REMOTE_GOVERNANCE_URL", d->central_url);
		env_add(e, &n, "AETERNA_SYNC_ENABLED", "true");
	}
	env_add(e, &n, "RUST_LOG", "info");
	env_add(e, &n, "NO_COLOR", "1");
	/* the config directory must exist (a tmpfs, see hardening); the knowledge repo must be writable */
	env_add(e, &n, "AETERNA_CONFIG_PATH", "/app/config");
	env_add(e, &n, "AETERNA_KNOWLEDGE_REPO_PATH", "/var/lib/aeterna/knowledge-repo");
	env_add(e, &n, "AETERNA_KMS_PROVIDER", "local");
	env_secret(e, &n, "AETERNA_LOCAL_KMS_KEY", "AETERNA_LOCAL_KMS_KEY");
	n = pg_env(d, e, n);
	env_add(e, &n, "RD_HOST", d->cache == CACHE_VALKEY ? "valkey" : d->cache == CACHE_DRAGONFLY ? "dragonfly" : d->cache_host);
	env_addi(e, &n, "RD_PORT", d->cache_port);
	if (!model_has_stores(d))
		return n;
	/* The vector store runs for future server versions: 0.8.0-rc.12 reads none of its settings. */
	switch (d->llm) {
	case LLM_OPENAI:
	case LLM_OPENAI_COMPATIBLE:
		env_add(e, &n, "AETERNA_LLM_PROVIDER", "openai");
		/* the server does not boot without the variable (gen_dotenv: a placeholder when keyless) */
		env_secret(e, &n, "OPENAI_API_KEY", "OPENAI_API_KEY");
		env_add(e, &n, "AETERNA_OPENAI_MODEL", d->llm_model);
		env_add(e, &n, "AETERNA_OPENAI_EMBEDDING_MODEL", d->llm_embedding_model);
		if (d->llm == LLM_OPENAI_COMPATIBLE)
			env_add(e, &n, "AETERNA_OPENAI_BASE_URL", d->llm_base_url);
		break;
	case LLM_GOOGLE:
		env_add(e, &n, "AETERNA_LLM_PROVIDER", "google");
		env_add(e, &n, "AETERNA_GOOGLE_PROJECT_ID", d->google_project);
		env_add(e, &n, "AETERNA_GOOGLE_LOCATION", d->google_location);
		env_add(e, &n, "AETERNA_GOOGLE_MODEL", d->llm_model);
		env_add(e, &n, "AETERNA_GOOGLE_EMBEDDING_MODEL", d->llm_embedding_model);
		break;
	case LLM_BEDROCK:
		env_add(e, &n, "AETERNA_LLM_PROVIDER", "bedrock");
		env_add(e, &n, "AETERNA_BEDROCK_REGION", d->bedrock_region);
		env_add(e, &n, "AETERNA_BEDROCK_MODEL", d->llm_model);
		env_add(e, &n, "AETERNA_BEDROCK_EMBEDDING_MODEL", d->llm_embedding_model);
		break;
	default:
		env_add(e, &n, "AETERNA_LLM_PROVIDER", "none");
	}
	if (d->opal == 1) {
		env_add(e, &n, "AETERNA_AUTH_BACKEND", "cedar");
		env_add(e, &n, "AETERNA_CEDAR_POLICY_TEXT", cedar_starter_policy);
		env_add(e, &n, "AETERNA_CEDAR_SCHEMA_TEXT", cedar_starter_schema);
		env_add(e, &n, "AETERNA_OPAL_FETCHER_URL", "http://opal-fetcher:" PORT_OPAL_FETCHER_S);
	}
	return n;
}

/* Writes the environment block and releases the entries. */
static void emit_env(struct strbuf *out, struct env *e, size_t n)
{
	yaml_key(out, 4, "environment");
	for (size_t i = 0; i < n; i++) {
		yaml_kv(out, 6, e[i].name, strbuf_str(&e[i].value));
		if (strbuf_failed(&e[i].value))
			out->failed = true;
	}
	env_free(e, n);
}

static void healthcheck(struct strbuf *out, const char *const *test, const char *interval, int retries)
{
	yaml_key(out, 4, "healthcheck");
	strbuf_puts(out, "      test: [");
	for (size_t i = 0; test[i]; i++) {
		if (i)
			strbuf_puts(out, ", ");
		yaml_quote(out, test[i]);
	}
	strbuf_puts(out, "]\n");
	yaml_kv(out, 6, "interval", interval);
	yaml_kv(out, 6, "timeout", "5s");
	yaml_kv_int(out, 6, "retries", retries);
	yaml_kv(out, 6, "start_period", "10s");
}

/* Publishes a container port on the loopback interface only. */
static void ports(struct strbuf *out, const char *const *mappings)
{
	yaml_key(out, 4, "ports");
	for (size_t i = 0; mappings[i]; i++) {
		strbuf_puts(out, "      - ");
		yaml_quote(out, mappings[i]);
		strbuf_putc(out, '\n');
	}
}

/* Appends s percent-encoded for the user-info or path of a URL (RFC 3986 unreserved kept). */
static void url_escape(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			strbuf_putc(out, (char)*p);
		} else {
			strbuf_putc(out, '%');
			strbuf_putc(out, hex[*p >> 4]);
			strbuf_putc(out, hex[*p & 15]);
		}
	}
}

/* Appends the fetcher's DATABASE_URL to url: the same PostgreSQL as the server. */
static void fetcher_database_url(const struct deployment *d, struct strbuf *url)
{
	bool bundled = pg_bundled(d);
	strbuf_puts(url, "postgres://");
	url_escape(url, bundled ? "aeterna" : d->pg_user);
	if (d->pg_password && *d->pg_password) {
		strbuf_putc(url, ':');
		url_escape(url, d->pg_password);
	}
	strbuf_putc(url, '@');
	if (bundled) {
		strbuf_puts(url, "postgres:5432/aeterna");
		return;
	}
	bool v6 = strchr(d->pg_host, ':') != NULL;
	strbuf_printf(url, "%s%s%s:%d/", v6 ? "[" : "", d->pg_host, v6 ? "]" : "", d->pg_port);
	url_escape(url, d->pg_database); /* like the chart: no sslmode (the server has none either) */
}

static void depends(struct strbuf *out, const char *service, const char *condition)
{
	yaml_key(out, 6, service);
	yaml_kv(out, 8, "condition", condition);
}

/* No capabilities and no privilege escalation (every container we add that needs neither). */
static void least_privilege(struct strbuf *out)
{
	strbuf_puts(out, "    cap_drop:\n      - \"ALL\"\n");
	strbuf_puts(out, "    security_opt:\n      - \"no-new-privileges:true\"\n");
}

/* Security settings shared by the server and the migration step (uid 1000, read-only root). */
static void hardening(struct strbuf *out)
{
	yaml_kv(out, 4, "user", "1000:1000");
	yaml_kv_bool(out, 4, "read_only", true);
	strbuf_puts(out, "    tmpfs:\n      - \"/tmp\"\n      - \"/app/config:uid=1000,gid=1000\"\n"
			 "      - \"/var/lib/aeterna:uid=1000,gid=1000\"\n      - \"/home/aeterna/.cache:uid=1000,gid=1000\"\n");
	least_privilege(out);
}

/* The end of an OPAL service: a healthcheck in the image's own Python, what it waits for,
 * least privilege and its restart policy. */
static void opal_service_tail(struct strbuf *out, const char *python_check, const char *after, const char *condition)
{
	const char *const test[] = { "CMD", "python", "-c", python_check, NULL };
	healthcheck(out, test, "5s", 30);
	yaml_key(out, 4, "depends_on");
	depends(out, after, condition);
	least_privilege(out);
	yaml_kv(out, 4, "restart", "unless-stopped");
}

/* The OPAL server (published for `aeterna status`), the fetcher it takes data from and a Cedar
 * agent. On this single-machine stack OPAL runs without tokens: nothing but loopback reaches it. */
static void opal_services(struct strbuf *out, struct env *e)
{
	yaml_key(out, 2, "opal-fetcher");
	yaml_kv(out, 4, "image", OPAL_FETCHER_IMAGE);
	size_t n = 0;
	env_add(e, &n, "HOST", "0.0.0.0");
	env_add(e, &n, "PORT", PORT_OPAL_FETCHER_S);
	env_add(e, &n, "RUST_LOG", "info");
	env_secret(e, &n, "DATABASE_URL", "OPAL_FETCHER_DATABASE_URL");
	emit_env(out, e, n);
	yaml_key(out, 4, "depends_on"); /* its tables exist once the migration ran */
	depends(out, "migrate", "service_completed_successfully");
	least_privilege(out);
	yaml_kv(out, 4, "restart", "unless-stopped");

	yaml_key(out, 2, "opal-server");
	yaml_kv(out, 4, "image", OPAL_SERVER_IMAGE);
	static const char *const opal_port[] = { "127.0.0.1:" PORT_OPAL_SERVER_S ":" PORT_OPAL_SERVER_S, NULL };
	ports(out, opal_port);
	yaml_key(out, 4, "environment");
	yaml_kv(out, 6, "OPAL_DATA_CONFIG_SOURCES",
		"{\"config\":{\"entries\":[{\"url\":\"http://opal-fetcher:" PORT_OPAL_FETCHER_S "/v1/all\",\"topics\":[\"policy_data\"],"
		"\"dst_path\":\"/aeterna\"}]}}");
	opal_service_tail(out, "import urllib.request; urllib.request.urlopen('http://localhost:" PORT_OPAL_SERVER_S "/healthcheck', timeout=4)",
			  "opal-fetcher", "service_started");

	yaml_key(out, 2, "cedar-agent");
	yaml_kv(out, 4, "image", OPAL_CEDAR_IMAGE);
	yaml_key(out, 4, "environment");
	yaml_kv(out, 6, "OPAL_SERVER_URL", "http://opal-server:" PORT_OPAL_SERVER_S);
	yaml_kv(out, 6, "OPAL_POLICY_STORE_TYPE", "CEDAR");
	yaml_kv(out, 6, "OPAL_INLINE_CEDAR_ENABLED", "true");
	yaml_kv(out, 6, "OPAL_INLINE_CEDAR_CONFIG", "{\"addr\": \"0.0.0.0\", \"port\": 8180}");
	opal_service_tail(out, "import urllib.request; urllib.request.urlopen('http://localhost:7000/healthcheck', timeout=4)",
			  "opal-server", "service_healthy");
}

void gen_compose(const struct deployment *d, struct strbuf *out)
{
	struct env e[MAX_ENV];
	bool cache_bundled = d->cache != CACHE_EXTERNAL;
	bool vector_bundled = model_has_stores(d) && model_vector_bundled(d);
	const char *cache_svc = d->cache == CACHE_VALKEY ? "valkey" : "dragonfly";
	const char *vector_svc = d->vector == VB_QDRANT ? "qdrant" : d->vector == VB_WEAVIATE ? "weaviate" : "mongodb";

	strbuf_puts(out,
		"# Local Aeterna stack, written by `aeterna setup` (" AETERNA_VERSION ").\n"
		"# Start: docker compose up -d    Check: aeterna status (or curl http://localhost:" PORT_SERVER_S "/health)\n"
		"# Bundled services are published on 127.0.0.1 only; if a port is taken, change its left side\n"
		"# and tell aeterna status (e.g. --postgres-port).\n"
		"# Secrets (the tenant-secret KMS key, passwords, API keys) are in .env next to this file\n"
		"# (mode 0600), which docker compose reads; this file only refers to them.\n");
	yaml_kv(out, 0, "name", "aeterna");
	yaml_key(out, 0, "services");

	/* the server */
	yaml_key(out, 2, "aeterna");
	yaml_kv(out, 4, "image", AETERNA_IMAGE);
	strbuf_puts(out, "    command: [\"serve\", \"--bind\", \"0.0.0.0\", \"--port\", \"" PORT_SERVER_S "\", \"--metrics-port\", \"" PORT_METRICS_S "\"]\n");
	strbuf_puts(out, "    ports:\n      - \"127.0.0.1:" PORT_SERVER_S ":" PORT_SERVER_S "\"\n      - \"127.0.0.1:" PORT_METRICS_S ":" PORT_METRICS_S "\"\n");
	emit_env(out, e, server_env(d, e));
	yaml_key(out, 4, "depends_on");
	depends(out, "migrate", "service_completed_successfully");
	if (pg_bundled(d))
		depends(out, "postgres", "service_healthy");
	if (cache_bundled)
		depends(out, cache_svc, "service_healthy");
	if (vector_bundled)
		depends(out, vector_svc, "service_healthy");
	hardening(out);
	yaml_kv(out, 4, "restart", "unless-stopped");

	/* migrations, once, before the server */
	yaml_key(out, 2, "migrate");
	yaml_kv(out, 4, "image", AETERNA_IMAGE);
	strbuf_puts(out, "    command: [\"admin\", \"migrate\", \"up\"]\n");
	size_t n = pg_env(d, e, 0);
	emit_env(out, e, n);
	if (pg_bundled(d)) {
		yaml_key(out, 4, "depends_on");
		depends(out, "postgres", "service_healthy");
	}
	hardening(out);
	yaml_kv(out, 4, "restart", "no");

	if (pg_bundled(d)) {
		yaml_key(out, 2, "postgres");
		yaml_kv(out, 4, "image", POSTGRES_IMAGE);
		size_t pn = 0;
		env_add(e, &pn, "POSTGRES_DB", "aeterna");
		env_add(e, &pn, "POSTGRES_USER", "aeterna");
		env_secret(e, &pn, "POSTGRES_PASSWORD", "PG_PASSWORD");
		emit_env(out, e, pn);
		static const char *const p[] = { "127.0.0.1:" PORT_POSTGRES_S ":" PORT_POSTGRES_S, NULL };
		ports(out, p);
		strbuf_puts(out, "    volumes:\n      - \"postgres-data:/var/lib/postgresql/data\"\n");
		static const char *const t[] = { "CMD-SHELL", "pg_isready -U aeterna -d aeterna", NULL };
		healthcheck(out, t, "5s", 20);
		yaml_kv(out, 4, "restart", "unless-stopped");
	}
	if (cache_bundled) {
		yaml_key(out, 2, cache_svc);
		static const char *const p[] = { "127.0.0.1:" PORT_CACHE_S ":" PORT_CACHE_S, NULL };
		if (d->cache == CACHE_VALKEY) {
			yaml_kv(out, 4, "image", VALKEY_IMAGE);
			ports(out, p);
			strbuf_puts(out, "    volumes:\n      - \"cache-data:/data\"\n");
			static const char *const t[] = { "CMD", "valkey-cli", "ping", NULL };
			healthcheck(out, t, "5s", 20);
		} else {
			yaml_kv(out, 4, "image", DRAGONFLY_IMAGE);
			ports(out, p);
			strbuf_puts(out, "    ulimits:\n      memlock: -1\n");
			strbuf_puts(out, "    volumes:\n      - \"cache-data:/data\"\n");
			static const char *const t[] = { "CMD", "/usr/local/bin/healthcheck.sh", NULL };
			healthcheck(out, t, "5s", 20);
		}
		yaml_kv(out, 4, "restart", "unless-stopped");
	}
	if (vector_bundled) {
		yaml_key(out, 2, vector_svc);
		if (d->vector == VB_QDRANT) {
			yaml_kv(out, 4, "image", QDRANT_IMAGE);
			static const char *const p[] = { "127.0.0.1:" PORT_QDRANT_HTTP_S ":" PORT_QDRANT_HTTP_S, "127.0.0.1:" PORT_QDRANT_GRPC_S ":" PORT_QDRANT_GRPC_S, NULL };
			ports(out, p);
			strbuf_puts(out, "    volumes:\n      - \"vector-data:/qdrant/storage\"\n");
			static const char *const t[] = { "CMD-SHELL", "bash -c ':> /dev/tcp/127.0.0.1/" PORT_QDRANT_HTTP_S "'", NULL };
			healthcheck(out, t, "5s", 20);
		} else if (d->vector == VB_WEAVIATE) {
			yaml_kv(out, 4, "image", WEAVIATE_IMAGE);
			static const char *const p[] = { "127.0.0.1:" PORT_WEAVIATE_LOCAL_S ":" PORT_WEAVIATE_S, NULL };
			ports(out, p);
			yaml_key(out, 4, "environment");
			yaml_kv(out, 6, "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED", "true");
			yaml_kv(out, 6, "PERSISTENCE_DATA_PATH", "/var/lib/weaviate");
			yaml_kv(out, 6, "DEFAULT_VECTORIZER_MODULE", "none");
			yaml_kv(out, 6, "CLUSTER_HOSTNAME", "node1");
			strbuf_puts(out, "    volumes:\n      - \"vector-data:/var/lib/weaviate\"\n");
			static const char *const t[] = { "CMD-SHELL", "wget -q --spider http://localhost:" PORT_WEAVIATE_S "/v1/.well-known/ready", NULL };
			healthcheck(out, t, "5s", 30);
		} else {
			yaml_kv(out, 4, "image", MONGODB_IMAGE);
			static const char *const p[] = { "127.0.0.1:" PORT_MONGODB_S ":" PORT_MONGODB_S, NULL };
			ports(out, p);
			strbuf_puts(out, "    volumes:\n      - \"vector-data:/data/db\"\n");
			static const char *const t[] = { "CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')", NULL };
			healthcheck(out, t, "10s", 30);
		}
		yaml_kv(out, 4, "restart", "unless-stopped");
	}

	if (d->opal == 1)
		opal_services(out, e);

	if (pg_bundled(d) || cache_bundled || vector_bundled) {
		yaml_key(out, 0, "volumes");
		if (pg_bundled(d))
			strbuf_puts(out, "  postgres-data: {}\n");
		if (cache_bundled)
			strbuf_puts(out, "  cache-data: {}\n");
		if (vector_bundled)
			strbuf_puts(out, "  vector-data: {}\n");
	}
}

/* Appends NAME='value' (or a double-quoted form when the value holds a quote) as docker compose
 * reads .env files: single quotes are literal; in double quotes \\, \" and \$ are escapes. */
static void dotenv_line(struct strbuf *out, const char *name, const char *value)
{
	if (!strchr(value, '\'') && !strchr(value, '\n')) {
		strbuf_printf(out, "%s='%s'\n", name, value);
		return;
	}
	strbuf_printf(out, "%s=\"", name);
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '"' || *p == '$')
			strbuf_putc(out, '\\');
		if (*p == '\n')
			strbuf_puts(out, "\\n");
		else
			strbuf_putc(out, *p);
	}
	strbuf_puts(out, "\"\n");
}

void gen_dotenv(const struct deployment *d, const char *kms_key, struct strbuf *out)
{
	strbuf_puts(out,
		"# Secrets of the docker-compose stack, written by `aeterna setup` (" AETERNA_VERSION ").\n"
		"# docker compose reads this file from the project directory. Keep it private (mode 0600)\n"
		"# and out of version control. AETERNA_LOCAL_KMS_KEY encrypts the tenant secrets stored in\n"
		"# PostgreSQL: `aeterna setup` keeps it on every re-run; losing it loses those secrets.\n");
	dotenv_line(out, "AETERNA_LOCAL_KMS_KEY", kms_key);
	if (d->pg_password && *d->pg_password)
		dotenv_line(out, "PG_PASSWORD", d->pg_password);
	if (model_has_stores(d) && (d->llm == LLM_OPENAI || d->llm == LLM_OPENAI_COMPATIBLE))
		dotenv_line(out, "OPENAI_API_KEY", d->llm_api_key && *d->llm_api_key ? d->llm_api_key : "not-needed");
	if (d->opal == 1) {
		struct strbuf url = {0};
		fetcher_database_url(d, &url);
		dotenv_line(out, "OPAL_FETCHER_DATABASE_URL", strbuf_str(&url));
		if (strbuf_failed(&url))
			out->failed = true;
		strbuf_free(&url);
	}
}
