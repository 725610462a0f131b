/* wizard.c — the interactive question flow of `aeterna setup`. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_helper.h"
#include "prompt.h"
#include "setup.h"

/* The questions asked in this pass, in order, for going back and for "change an answer". */
struct asked {
	int index;
	const char *question;
};

struct wiz {
	struct deployment *d;
	const struct deployment *given;
	int index;              /* of the next question in this pass */
	int replay_to;          /* questions before this index are answered again from d, unasked */
	bool fill_only;         /* after "change an answer": later questions are asked only when unset */
	struct asked asked[96];
	int nasked;
	bool advanced;          /* the answer to the advanced Kubernetes options question */
};

#define TRY(x) do { int r_ = (x); if (r_) return r_; } while (0)

static const struct field *F(enum field_id id) { return model_field(id); }

static bool skip(const struct wiz *w, enum field_id flag) { return model_is_set(w->given, F(flag)); }

/* A question of this pass: returns true when it is answered from d (replayed) rather than asked. */
static bool replayed(struct wiz *w, const char *question, bool is_set)
{
	int k = w->index++;
	if (w->nasked < (int)(sizeof(w->asked) / sizeof(w->asked[0])))
		w->asked[w->nasked++] = (struct asked){ k, question };
	return k < w->replay_to || (w->fill_only && k > w->replay_to && is_set);
}

/* Esc/← on a question: the pass restarts and stops at the question before it. */
static int handled(struct wiz *w, int r)
{
	if (r == PROMPT_BACK) {
		w->replay_to = w->nasked >= 2 ? w->asked[w->nasked - 2].index : 0;
		w->fill_only = false;
	}
	return r;
}

/* The value a field would get now: the current answer, else its default. */
static void default_text(const struct wiz *w, enum field_id flag, struct strbuf *out)
{
	struct deployment tmp;
	model_init(&tmp);
	if (model_copy(&tmp, w->d) == 0 && model_apply_defaults(&tmp, NULL) == 0)
		model_format(&tmp, F(flag), false, out);
	model_free(&tmp);
}

static int default_int(const struct wiz *w, enum field_id flag)
{
	struct deployment tmp;
	int v = UNSET;
	model_init(&tmp);
	if (model_copy(&tmp, w->d) == 0 && model_apply_defaults(&tmp, NULL) == 0)
		v = *model_int(&tmp, F(flag));
	model_free(&tmp);
	return v;
}

static int ask_enum(struct wiz *w, enum field_id flag, const char *question, const char *const *labels,
		    const char *const *hints, const int *values, int n)
{
	if (skip(w, flag))
		return 0;
	int def = default_int(w, flag), sel = 0, picked;
	for (int i = 0; i < n; i++)
		if (values[i] == def)
			sel = i;
	if (replayed(w, question, model_is_set(w->d, F(flag)))) {
		*model_int(w->d, F(flag)) = values[sel];
		prompt_answered(question, labels[sel]);
		return 0;
	}
	TRY(handled(w, prompt_select(question, labels, hints, n, sel, &picked)));
	*model_int(w->d, F(flag)) = values[picked];
	return 0;
}

static int ask_bool(struct wiz *w, enum field_id flag, const char *question)
{
	if (skip(w, flag))
		return 0;
	bool v;
	if (replayed(w, question, model_is_set(w->d, F(flag)))) {
		v = default_int(w, flag) == 1;
		prompt_answered(question, v ? "yes" : "no");
	} else {
		TRY(handled(w, prompt_confirm(question, default_int(w, flag) == 1, &v)));
	}
	*model_int(w->d, F(flag)) = v;
	return 0;
}

/* A yes/no that is not an answer of the model (e.g. "advanced options?"). */
static int ask_plain_confirm(struct wiz *w, const char *question, bool *v)
{
	if (replayed(w, question, true)) {
		prompt_answered(question, *v ? "yes" : "no");
		return 0;
	}
	return handled(w, prompt_confirm(question, *v, v));
}

enum check { CHECK_NONE, CHECK_REQUIRED, CHECK_URL, CHECK_HOST, CHECK_MONGO, CHECK_INT };

static const char *check_answer(enum check c, const char *v)
{
	switch (c) {
	case CHECK_REQUIRED: return *v ? NULL : "An answer is required.";
	case CHECK_URL: return model_url_is_http(v) ? NULL : "Enter an http:// or https:// URL with a host.";
	case CHECK_HOST: return *v && !strchr(v, ' ') && !strchr(v, '/') ? NULL : "Enter a host name or IP address.";
	case CHECK_MONGO:
		return !strncmp(v, "mongodb://", 10) || !strncmp(v, "mongodb+srv://", 14) ? NULL
		       : "The URI must start with mongodb:// or mongodb+srv://.";
	default: return NULL;
	}
}

/* What the wizard checks an answer with: its shape, then the model's own rule (the same code
 * as the flags). The model's sentences name the flag; here they name the question. */
struct text_check {
	const struct field *f;
	const char *question;
	enum check c;
	bool required;                        /* secrets */
	const char *(*shape)(const char *);   /* secrets */
	char why[1400];
};

static const char *check_text(void *ctx, const char *answer)
{
	struct text_check *t = ctx;
	const char *why = t->shape ? ((t->required && !*answer) ? "A value is required." : *answer ? t->shape(answer) : NULL)
				   : t->required && !*answer ? "A value is required." : check_answer(t->c, answer);
	if (why)
		return why;
	if (!*answer && t->f->type == F_STRING)
		return NULL;
	if (t->f->type == F_STRING && (why = model_backup_shape(model_field_id(t->f), answer))) {
		snprintf(t->why, sizeof(t->why), "%.300s must be %.1000s.", t->question, why);
		return t->why;
	}
	struct deployment scratch;
	model_init(&scratch);
	struct ae_error err;
	int r = model_set_text(&scratch, t->f, answer, &err);
	model_free(&scratch);
	if (r == 0)
		return NULL;
	size_t n = strlen(t->f->flag) + 2;
	if (!strncmp(err.msg, "--", 2) && !strncmp(err.msg + 2, t->f->flag, n - 2) && err.msg[n] == ' ')
		snprintf(t->why, sizeof(t->why), "%.300s%.1000s.", t->question, err.msg + n);
	else
		snprintf(t->why, sizeof(t->why), "%.1300s", err.msg);
	return t->why;
}

static int ask_text(struct wiz *w, enum field_id flag, const char *question, enum check c)
{
	if (skip(w, flag))
		return 0;
	const struct field *f = F(flag);
	struct strbuf def = {0};
	default_text(w, flag, &def);
	if (replayed(w, question, model_is_set(w->d, f))) {
		prompt_answered(question, strbuf_str(&def));
		int r = def.len ? model_set_text(w->d, f, strbuf_str(&def), NULL) : 0;
		strbuf_free(&def);
		return r < 0 ? PROMPT_INTERRUPTED : 0;
	}
	struct text_check t = { .f = f, .question = question, .c = c };
	char *answer = NULL;
	int r = handled(w, prompt_text(question, def.len ? strbuf_str(&def) : NULL, check_text, &t, &answer));
	strbuf_free(&def);
	if (r)
		return r;
	r = model_set_text(w->d, f, answer ? answer : "", NULL) < 0 ? PROMPT_INTERRUPTED : 0;
	free(answer);
	return r;
}

static int ask_secret(struct wiz *w, enum field_id flag, const char *question, bool required,
		      const char *(*shape)(const char *))
{
	if (skip(w, flag))
		return 0;
	const struct field *f = F(flag);
	bool has = model_is_set(w->d, f) && **model_str(w->d, f);
	if (replayed(w, question, has)) {
		prompt_answered(question, has ? "********" : "(none)");
		return 0;
	}
	struct text_check t = { .f = f, .question = question, .required = required,
				.shape = shape ? shape : NULL };
	if (!shape && !required)
		t.c = CHECK_NONE;
	char *answer = NULL;
	TRY(handled(w, prompt_secret(question, has, check_text, &t, &answer)));
	if (answer && *answer) /* an empty optional answer leaves the secret unset */
		model_set_text(w->d, f, answer, NULL);
	free(answer);
	return 0;
}

static const char *openai_key_shape(const char *k)
{
	size_t n = strlen(k);
	if (strncmp(k, "sk-", 3) || n < 20)
		return "That does not look like an OpenAI key (it starts with sk- and is longer).";
	return NULL;
}

static const char *mongodb_uri_shape(const char *v)
{
	return check_answer(CHECK_MONGO, v);
}

extern char **environ;

/* The static executable: the check runs in aeterna-net (net_helper.h), a child the spinner waits
 * for and Esc kills. */
struct reach_child {
	pid_t pid;
	int status;
	bool exited;
};

static bool child_done(void *p)
{
	struct reach_child *c = p;
	if (!c->exited && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->exited = true;
	return c->exited;
}

static int reachability_helper(const char *url)
{
	struct ae_error err;
	char *helper = net_helper_path(&err);
	if (!helper) {
		struct strbuf text = {0};
		strbuf_printf(&text, "(the reachability check is skipped: %s)", err.msg);
		prompt_note(strbuf_str(&text));
		strbuf_free(&text);
		return 0;
	}
	int out[2];
	if (pipe(out) < 0) {
		free(helper);
		prompt_note("(the reachability check is skipped: cannot start it)");
		return 0;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	char *argv[] = { "aeterna", "__reach", (char *)url, NULL };
	struct reach_child child = { 0 };
	int e = posix_spawn(&child.pid, helper, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(helper);
	close(out[1]);
	if (e) {
		close(out[0]);
		prompt_note("(the reachability check is skipped: cannot start aeterna-net)");
		return 0;
	}
	struct strbuf msg = {0};
	strbuf_printf(&msg, "Checking that %s answers", url);
	int w = prompt_wait(strbuf_str(&msg), child_done, &child);
	strbuf_free(&msg);
	if (!child.exited) {
		kill(child.pid, SIGKILL);
		waitpid(child.pid, &child.status, 0);
	}
	char why[256] = "";
	ssize_t n = read(out[0], why, sizeof(why) - 1);
	close(out[0]);
	why[n > 0 ? n : 0] = '\0';
	why[strcspn(why, "\n")] = '\0';
	int code = WIFEXITED(child.status) ? WEXITSTATUS(child.status) : -1;
	if (w == PROMPT_INTERRUPTED)
		return w;
	if (w == PROMPT_BACK) {
		prompt_note("Reachability check cancelled.");
	} else if (code == EXIT_REACH_NO_CURL) {
		prompt_note("(libcurl is not available: the reachability check is skipped)");
	} else if (code != 0) {
		char text[600];
		snprintf(text, sizeof(text), "%s is not reachable from here (%s); continuing.", url,
			 *why ? why : "the check did not finish");
		prompt_warning(text);
	}
	return 0;
}

/* Warns (never blocks) when the URL does not answer. Returns 0 or PROMPT_INTERRUPTED. */
static int reachability(const char *url)
{
	return net_reach_in_process ? net_reach_in_process(url) : reachability_helper(url);
}

/* Backups of the Kubernetes deployment (the chart's backup.*), inside the advanced options. */
static int ask_backup(struct wiz *w)
{
	struct deployment *d = w->d;
	TRY(ask_bool(w, FLD_BACKUP, "Back up the data to object storage?"));
	if (d->backup != 1)
		return 0;
	static const char *const l[] = { "S3 (AWS or S3-compatible)", "Google Cloud Storage", "Azure Blob Storage" };
	static const int v[] = { BACKUP_S3, BACKUP_GCS, BACKUP_AZURE };
	TRY(ask_enum(w, FLD_BACKUP_PROVIDER, "Object store", l, NULL, v, 3));
	TRY(ask_text(w, FLD_BACKUP_BUCKET, d->backup_provider == BACKUP_AZURE ? "Container (must exist)" : "Bucket (must exist)", CHECK_REQUIRED));
	TRY(ask_text(w, FLD_BACKUP_PREFIX, "Folder inside it", CHECK_NONE));
	if (d->backup_provider == BACKUP_S3) {
		TRY(ask_text(w, FLD_BACKUP_S3_REGION, "S3 region (empty: the endpoint's default)", CHECK_NONE));
		TRY(ask_text(w, FLD_BACKUP_S3_ENDPOINT, "S3-compatible endpoint URL (empty: AWS)", CHECK_NONE));
	} else if (d->backup_provider == BACKUP_AZURE) {
		TRY(ask_text(w, FLD_BACKUP_AZURE_ACCOUNT, "Storage account", CHECK_REQUIRED));
	}
	TRY(ask_bool(w, FLD_BACKUP_WORKLOAD_IDENTITY, "Use the cloud's workload identity instead of a Secret?"));
	/* the Percona operator has no workload identity for GCS: the bundled MongoDB needs the Secret */
	bool mongo_gcs = d->backup_provider == BACKUP_GCS && model_has_stores(d) && model_vector_bundled(d) && d->vector == VB_MONGODB;
	if (d->backup_workload_identity != 1 || mongo_gcs)
		TRY(ask_text(w, FLD_BACKUP_CREDENTIALS_SECRET, "Existing Secret with the object-store credentials", CHECK_REQUIRED));
	TRY(ask_text(w, FLD_BACKUP_SCHEDULE, "Schedule (five-field cron, UTC)", CHECK_REQUIRED));
	TRY(ask_text(w, FLD_BACKUP_RETENTION_DAYS, "Days to keep backups", CHECK_REQUIRED));
	TRY(ask_bool(w, FLD_BACKUP_VERIFY, "Restore-test the newest PostgreSQL backup every day?"));
	return 0;
}

static int flow(struct wiz *w)
{
	struct deployment *d = w->d;
	{
		static const char *const l[] = { "Kubernetes (Helm chart)", "Docker Compose (local development)", "OpenCode only (use an existing server)" };
		static const int v[] = { TARGET_KUBERNETES, TARGET_COMPOSE, TARGET_OPENCODE_ONLY };
		TRY(ask_enum(w, FLD_TARGET, "Where will Aeterna run?", l, NULL, v, 3));
	}
	{
		static const char *const l[] = { "Local", "Hybrid", "Remote" };
		static const char *const h[] = { "everything runs here", "a local server that syncs with a central one", "a thin client of a central server" };
		static const int v[] = { MODE_LOCAL, MODE_HYBRID, MODE_REMOTE };
		TRY(ask_enum(w, FLD_MODE, "Deployment mode", l, h, v, 3));
	}
	if (d->mode != MODE_LOCAL) {
		bool had = skip(w, FLD_CENTRAL_URL);
		int before = w->index;
		TRY(ask_text(w, FLD_CENTRAL_URL, "Central server URL", CHECK_URL));
		if (!had && d->central_url && before >= w->replay_to && !w->fill_only)
			TRY(reachability(d->central_url));
		static const char *const l[] = { "API key", "OAuth2", "Service account" };
		static const int v[] = { AUTH_API_KEY, AUTH_OAUTH2, AUTH_SERVICE_ACCOUNT };
		TRY(ask_enum(w, FLD_CENTRAL_AUTH, "How does this instance authenticate to it?", l, NULL, v, 3));
		const char *q = d->central_auth == AUTH_API_KEY ? "API key" : d->central_auth == AUTH_OAUTH2
			? "OAuth2 client secret (optional)" : "Service-account token (optional)";
		TRY(ask_secret(w, FLD_CENTRAL_CREDENTIAL, q, d->central_auth == AUTH_API_KEY, NULL));
	}
	if (d->mode == MODE_HYBRID) {
		TRY(ask_text(w, FLD_CACHE_SIZE_MB, "Local cache size (MiB)", CHECK_REQUIRED));
		TRY(ask_bool(w, FLD_OFFLINE_CEDAR, "Keep a local Cedar agent for offline policy decisions?"));
		TRY(ask_text(w, FLD_SYNC_INTERVAL, "Sync interval (seconds)", CHECK_REQUIRED));
	}
	bool server = d->target != TARGET_OPENCODE_ONLY;
	if (server && d->mode != MODE_REMOTE) {
		static const char *const l[] = { "Qdrant", "Weaviate", "MongoDB Atlas Vector Search", "Pinecone", "Vertex AI Vector Search", "Databricks Vector Search" };
		static const char *const h[] = { "bundled or external", "bundled or external", "bundled or external", "managed", "managed", "managed" };
		static const int v[] = { VB_QDRANT, VB_WEAVIATE, VB_MONGODB, VB_PINECONE, VB_VERTEX_AI, VB_DATABRICKS };
		TRY(ask_enum(w, FLD_VECTOR_BACKEND, "Vector store", l, h, v, 6));
		if (d->vector == VB_QDRANT || d->vector == VB_WEAVIATE || d->vector == VB_MONGODB) {
			static const char *const pl[] = { "Bundled", "External" };
			static const char *const ph[] = { "run by this deployment", "a service you already run" };
			static const int pv[] = { PLACE_BUNDLED, PLACE_EXTERNAL };
			TRY(ask_enum(w, FLD_VECTOR_DEPLOYMENT, "Bundled or external?", pl, ph, pv, 2));
		}
		bool ext = d->vector_placement == PLACE_EXTERNAL;
		switch (d->vector) {
		case VB_QDRANT:
			if (ext) {
				TRY(ask_text(w, FLD_QDRANT_URL, "Qdrant URL (gRPC port)", CHECK_URL));
				TRY(ask_secret(w, FLD_QDRANT_API_KEY, "Qdrant API key (optional)", false, NULL));
			}
			break;
		case VB_WEAVIATE:
			if (ext) {
				TRY(ask_text(w, FLD_WEAVIATE_URL, "Weaviate URL", CHECK_URL));
				TRY(ask_secret(w, FLD_WEAVIATE_API_KEY, "Weaviate API key (optional)", false, NULL));
			}
			break;
		case VB_MONGODB:
			if (ext) /* the URI usually carries credentials: typed masked */
				TRY(ask_secret(w, FLD_MONGODB_URI, "MongoDB URI (mongodb:// or mongodb+srv://)", true, mongodb_uri_shape));
			break;
		case VB_PINECONE:
			TRY(ask_secret(w, FLD_PINECONE_API_KEY, "Pinecone API key", true, NULL));
			TRY(ask_text(w, FLD_PINECONE_ENVIRONMENT, "Pinecone environment", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_PINECONE_INDEX, "Pinecone index name", CHECK_REQUIRED));
			break;
		case VB_VERTEX_AI:
			TRY(ask_text(w, FLD_VERTEX_PROJECT, "Google Cloud project", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_VERTEX_REGION, "Vertex AI region", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_VERTEX_ENDPOINT, "Index endpoint", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_VERTEX_DEPLOYED_INDEX, "Deployed index id", CHECK_REQUIRED));
			break;
		case VB_DATABRICKS:
			TRY(ask_text(w, FLD_DATABRICKS_URL, "Databricks workspace URL", CHECK_URL));
			TRY(ask_secret(w, FLD_DATABRICKS_TOKEN, "Databricks token", true, NULL));
			TRY(ask_text(w, FLD_DATABRICKS_CATALOG, "Unity Catalog", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_DATABRICKS_SCHEMA, "Schema", CHECK_REQUIRED));
			break;
		}
	}
	if (server) {
		static const char *const l[] = { "Dragonfly", "Valkey", "External Redis-compatible" };
		static const int v[] = { CACHE_DRAGONFLY, CACHE_VALKEY, CACHE_EXTERNAL };
		TRY(ask_enum(w, FLD_CACHE, "Cache", l, NULL, v, 3));
		if (d->cache == CACHE_EXTERNAL) {
			TRY(ask_text(w, FLD_CACHE_HOST, "Cache host", CHECK_HOST));
			TRY(ask_text(w, FLD_CACHE_PORT, "Cache port", CHECK_REQUIRED));
			prompt_note("The Aeterna server " AETERNA_SERVER_VERSION " connects without a password; one is only recorded.");
			TRY(ask_secret(w, FLD_CACHE_PASSWORD, "Cache password (optional)", false, NULL));
		}
		static const char *const pl[] = { "CloudNativePG (bundled)", "External PostgreSQL" };
		static const int pv[] = { PG_CLOUDNATIVEPG, PG_EXTERNAL };
		TRY(ask_enum(w, FLD_POSTGRES, "PostgreSQL", pl, NULL, pv, 2));
		if (d->postgres == PG_EXTERNAL) {
			TRY(ask_text(w, FLD_POSTGRES_HOST, "PostgreSQL host", CHECK_HOST));
			TRY(ask_text(w, FLD_POSTGRES_PORT, "PostgreSQL port", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_POSTGRES_DATABASE, "Database", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_POSTGRES_USER, "User", CHECK_REQUIRED));
			TRY(ask_secret(w, FLD_POSTGRES_PASSWORD, "Password", false, NULL));
			static const char *const sl[] = { "disable", "allow", "prefer", "require", "verify-ca", "verify-full" };
			static const int sv[] = { SSL_DISABLE, SSL_ALLOW, SSL_PREFER, SSL_REQUIRE, SSL_VERIFY_CA, SSL_VERIFY_FULL };
			TRY(ask_enum(w, FLD_POSTGRES_SSLMODE, "sslmode", sl, NULL, sv, 6));
		}
	}
	if (server && d->mode != MODE_REMOTE) {
		prompt_note("OPAL/Cedar: decides who may read and write which memories, with policies you control.");
		TRY(ask_bool(w, FLD_OPAL, "Enable OPAL/Cedar authorization?"));
		static const char *const l[] = { "None", "OpenAI", "OpenAI-compatible (Ollama, vLLM, …)", "Google (Vertex AI)", "AWS Bedrock" };
		static const int v[] = { LLM_NONE, LLM_OPENAI, LLM_OPENAI_COMPATIBLE, LLM_GOOGLE, LLM_BEDROCK };
		TRY(ask_enum(w, FLD_LLM, "LLM provider", l, NULL, v, 5));
		switch (d->llm) {
		case LLM_OPENAI:
			TRY(ask_secret(w, FLD_LLM_API_KEY, "OpenAI API key", true, openai_key_shape));
			break;
		case LLM_OPENAI_COMPATIBLE:
			TRY(ask_text(w, FLD_LLM_BASE_URL, "Base URL of the OpenAI-compatible server", CHECK_URL));
			TRY(ask_secret(w, FLD_LLM_API_KEY, "API key (optional)", false, NULL));
			break;
		case LLM_GOOGLE:
			TRY(ask_text(w, FLD_GOOGLE_PROJECT, "Google Cloud project", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_GOOGLE_LOCATION, "Location", CHECK_REQUIRED));
			break;
		case LLM_BEDROCK:
			TRY(ask_text(w, FLD_BEDROCK_REGION, "AWS region", CHECK_REQUIRED));
			break;
		default:
			break;
		}
		if (d->llm != LLM_NONE) {
			TRY(ask_text(w, FLD_LLM_MODEL, "Chat model", CHECK_REQUIRED));
			TRY(ask_text(w, FLD_LLM_EMBEDDING_MODEL, "Embedding model", CHECK_REQUIRED));
		}
	}
	if (d->target == TARGET_OPENCODE_ONLY)
		*model_int(d, F(FLD_OPENCODE)) = 1;
	else
		TRY(ask_bool(w, FLD_OPENCODE, "Add Aeterna to OpenCode (MCP)?"));
	if (d->opencode == 1) {
		static const char *const l[] = { "This project (opencode.json)", "All projects (~/.config/opencode/opencode.json)" };
		static const int v[] = { OPENCODE_PROJECT, OPENCODE_USER };
		TRY(ask_enum(w, FLD_OPENCODE_SCOPE, "Where?", l, NULL, v, 2));
	}
	if (d->target == TARGET_KUBERNETES) {
		TRY(ask_plain_confirm(w, "Configure advanced Kubernetes options (Ingress, monitoring, scaling, backups)?", &w->advanced));
		if (w->advanced) {
			TRY(ask_bool(w, FLD_INGRESS, "Expose it through an Ingress?"));
			if (d->ingress == 1) {
				TRY(ask_text(w, FLD_INGRESS_HOST, "Ingress host", CHECK_HOST));
				TRY(ask_bool(w, FLD_INGRESS_TLS, "TLS on the Ingress?"));
			}
			TRY(ask_bool(w, FLD_SERVICE_MONITOR, "Prometheus ServiceMonitor?"));
			TRY(ask_bool(w, FLD_NETWORK_POLICY, "NetworkPolicy (deny by default)?"));
			TRY(ask_bool(w, FLD_HPA, "HorizontalPodAutoscaler?"));
			TRY(ask_bool(w, FLD_PDB, "PodDisruptionBudget?"));
			if (d->hpa == 1 || d->pdb == 1)
				TRY(ask_text(w, FLD_KNOWLEDGE_REPO, "Knowledge repository (https:// git URL; several replicas need one)", CHECK_URL));
			TRY(ask_backup(w));
		}
	}
	return 0;
}

static void review_answer(void *ctx, const struct field *f, bool new_section)
{
	(void)new_section;
	struct strbuf v = {0}, line = {0};
	model_format(ctx, f, true, &v);
	strbuf_printf(&line, "%s.%s = %s", f->section, f->key, strbuf_str(&v));
	prompt_info(strbuf_str(&line));
	strbuf_free(&v);
	strbuf_free(&line);
}

/* Every answer (secrets masked), then write / change an answer / quit. Returns 0 (write),
 * PROMPT_BACK (w->replay_to set to the question to change), WIZARD_QUIT or PROMPT_INTERRUPTED. */
#define WIZARD_QUIT 1002
static int review(struct wiz *w)
{
	struct deployment full;
	model_init(&full);
	if (model_copy(&full, w->d) < 0 || model_apply_defaults(&full, NULL) < 0) {
		model_free(&full);
		return PROMPT_INTERRUPTED;
	}
	prompt_note("Review: nothing is written until you choose to.");
	model_each_answer(&full, review_answer, &full);
	model_free(&full);
	static const char *const l[] = { "Write the files", "Change an answer", "Quit without writing" };
	int pick;
	for (;;) {
		int r = prompt_select("What now?", l, NULL, 3, 0, &pick);
		if (r == PROMPT_BACK) { /* back from the review: the last question */
			w->replay_to = w->nasked ? w->asked[w->nasked - 1].index : 0;
			w->fill_only = false;
			return PROMPT_BACK;
		}
		if (r)
			return r;
		if (pick == 0)
			return 0;
		if (pick == 2)
			return WIZARD_QUIT;
		const char *labels[96];
		for (int i = 0; i < w->nasked; i++)
			labels[i] = w->asked[i].question;
		int q;
		r = prompt_select("Which answer?", labels, NULL, w->nasked, w->nasked - 1, &q);
		if (r == PROMPT_BACK)
			continue;
		if (r)
			return r;
		w->replay_to = w->asked[q].index;
		w->fill_only = true;
		return PROMPT_BACK;
	}
}

int wizard_run(struct deployment *d, const struct deployment *given, bool reconfiguring)
{
	const char *term = getenv("TERM");
	if (term && !strcmp(term, "dumb")) {
		fprintf(stderr, "aeterna setup: this terminal (TERM=dumb) cannot show the questions: pass "
				"--non-interactive and give the answers as flags (see aeterna setup --help)\n");
		return 2;
	}
	const char *header = reconfiguring
		? "Aeterna setup — reconfiguring: the current answers are the defaults. Enter keeps one, Esc goes back, Ctrl-C quits."
		: "Aeterna setup — answer a few questions. Enter takes the default, Esc goes back, Ctrl-C quits.";
	if (prompt_begin(header) < 0) {
		fprintf(stderr, "aeterna setup: cannot use the terminal for questions\n");
		return 2;
	}
	struct wiz w;
	memset(&w, 0, sizeof(w));
	w.d = d;
	w.given = given;
	int rc;
	for (;;) {
		w.index = 0;
		w.nasked = 0;
		rc = flow(&w);
		if (rc == 0) {
			w.fill_only = false;
			w.replay_to = 0;
			rc = review(&w);
		}
		if (rc != PROMPT_BACK)
			break;
		prompt_restart();
	}
	prompt_end();
	fflush(stdout);
	if (rc == PROMPT_INTERRUPTED)
		fprintf(stderr, "aeterna setup: interrupted; nothing was written\n");
	else if (rc == WIZARD_QUIT) {
		fprintf(stderr, "aeterna setup: quit at the review; nothing was written\n");
		rc = PROMPT_INTERRUPTED;
	}
	return rc;
}
