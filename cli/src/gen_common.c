#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generate.h"
#include "toml.h"
#include "yaml_out.h"

const char cedar_starter_policy[] =
	"// Starter policy written by `aeterna setup`: it allows every request.\n"
	"// Replace it with your own policies before relying on authorization.\n"
	"permit(principal, action, resource);\n";
const char cedar_starter_schema[] = "entity User;\n";

static const struct backend_setting qdrant[] = {
	{ "qdrant-url", "url", "QDRANT_URL", false },
	{ "qdrant-api-key", "apiKey", "QDRANT_API_KEY", true },
	{ 0 },
};
static const struct backend_setting weaviate[] = {
	{ "weaviate-url", "url", "WEAVIATE_URL", false },
	{ "weaviate-api-key", "apiKey", "WEAVIATE_API_KEY", true },
	{ 0 },
};
static const struct backend_setting mongodb[] = {
	{ "mongodb-uri", "uri", "MONGODB_URI", false },
	{ 0 },
};
static const struct backend_setting pinecone[] = {
	{ "pinecone-api-key", "apiKey", "PINECONE_API_KEY", false },
	{ "pinecone-environment", "environment", "PINECONE_ENVIRONMENT", false },
	{ "pinecone-index", "indexName", "PINECONE_INDEX_NAME", false },
	{ 0 },
};
static const struct backend_setting vertex_ai[] = {
	{ "vertex-project", "projectId", "GCP_PROJECT_ID", false },
	{ "vertex-region", "location", "VERTEX_AI_LOCATION", false },
	{ "vertex-endpoint", "indexEndpoint", "VERTEX_AI_INDEX_ENDPOINT", false },
	{ "vertex-deployed-index", "deployedIndexId", "VERTEX_AI_DEPLOYED_INDEX_ID", false },
	{ 0 },
};
static const struct backend_setting databricks[] = {
	{ "databricks-url", "host", "DATABRICKS_HOST", false },
	{ "databricks-token", "token", "DATABRICKS_TOKEN", false },
	{ "databricks-catalog", "catalog", "DATABRICKS_CATALOG", false },
	{ "databricks-schema", "schema", "DATABRICKS_SCHEMA", false },
	{ 0 },
};

const struct backend_setting *vector_settings(int vector, const char **chart_section)
{
	static const struct { const char *section; const struct backend_setting *settings; } table[] = {
		[VB_QDRANT] = { "qdrant", qdrant },
		[VB_WEAVIATE] = { "weaviate", weaviate },
		[VB_MONGODB] = { "mongodb", mongodb },
		[VB_PINECONE] = { "pinecone", pinecone },
		[VB_VERTEX_AI] = { "vertexAi", vertex_ai },
		[VB_DATABRICKS] = { "databricks", databricks },
	};
	static const struct backend_setting none[] = { { 0 } };
	if (vector < 0 || vector > VB_DATABRICKS) {
		*chart_section = "";
		return none;
	}
	*chart_section = table[vector].section;
	return table[vector].settings;
}

const char *model_text(const struct deployment *d, const char *flag)
{
	const struct field *f = model_field_by_flag(flag);
	const char *v = f && f->type == F_STRING ? *model_str((struct deployment *)d, f) : NULL;
	return v ? v : "";
}

char *mcp_url(const struct deployment *d)
{
	struct strbuf sb = {0};
	if (d->mode != MODE_LOCAL && d->central_url) {
		size_t n = strlen(d->central_url);
		while (n > 0 && d->central_url[n - 1] == '/')
			n--;
		strbuf_add(&sb, d->central_url, n);
	} else if (d->target == TARGET_KUBERNETES && d->ingress == 1 && d->ingress_host) {
		strbuf_printf(&sb, "%s://%s", d->ingress_tls == 1 ? "https" : "http", d->ingress_host);
	} else {
		strbuf_puts(&sb, "http://localhost:8080");
	}
	strbuf_puts(&sb, "/mcp/sse");
	if (strbuf_failed(&sb)) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

struct toml_ctx {
	const struct deployment *d;
	struct strbuf *out;
};

static void toml_answer(void *vctx, const struct field *f, bool new_section)
{
	struct toml_ctx *ctx = vctx;
	if (new_section)
		toml_table(ctx->out, f->section);
	if (f->type == F_INT)
		toml_int(ctx->out, f->key, *model_int((struct deployment *)ctx->d, f));
	else if (f->type == F_BOOL)
		toml_bool(ctx->out, f->key, *model_int((struct deployment *)ctx->d, f) != 0);
	else {
		struct strbuf v = {0};
		model_format(ctx->d, f, false, &v); /* strings as they are, enums by name */
		toml_string(ctx->out, f->key, strbuf_str(&v));
		if (strbuf_failed(&v))
			ctx->out->failed = true;
		strbuf_free(&v);
	}
}

void gen_config_toml(const struct deployment *d, struct strbuf *out)
{
	toml_comment(out, "Aeterna setup answers, written by `aeterna setup` (" AETERNA_VERSION ").\n"
			  "`aeterna setup --reconfigure` reads them back as defaults; keys are documented\n"
			  "in the README (\"config.toml\"). This file may hold secrets: keep it private.");
	struct toml_ctx ctx = { d, out };
	model_each_answer(d, toml_answer, &ctx);
}

struct load_ctx {
	struct deployment *d;
	const char *path;
	struct diag_list *diags;
	size_t errors;
};

static int load_key(void *vctx, const char *table, const char *key, const struct toml_value *v,
		    unsigned line, unsigned col)
{
	struct load_ctx *ctx = vctx;
	const struct field *f = model_field_by_key(table, key);
	if (!f) {
		diag_add(ctx->diags, DIAG_ERROR, ctx->path, line, col, "unknown key '%s' in [%s]", key, table);
		ctx->errors++;
		return 0;
	}
	struct ae_error err;
	char num[32];
	const char *text = NULL;
	bool ok;
	switch (f->type) {
	case F_STRING:
	case F_ENUM: ok = v->type == TOML_STRING; text = v->str; break;
	case F_INT:
		ok = v->type == TOML_INT;
		snprintf(num, sizeof(num), "%lld", (long long)v->i);
		text = num;
		break;
	case F_BOOL: ok = v->type == TOML_BOOL; text = v->b ? "true" : "false"; break;
	default: ok = false;
	}
	if (!ok) {
		diag_add(ctx->diags, DIAG_ERROR, ctx->path, line, col, "[%s] %s must be a %s", table, key,
			 f->type == F_INT ? "number" : f->type == F_BOOL ? "boolean (true/false)" : "string");
		ctx->errors++;
		return 0;
	}
	if (model_set_text(ctx->d, f, text, &err) < 0) {
		/* messages name the flag; here the key is what the user sees */
		const char *msg = strstr(err.msg, " must ");
		diag_add(ctx->diags, DIAG_ERROR, ctx->path, line, col, "[%s] %s%s", table, key, msg ? msg : err.msg);
		ctx->errors++;
	}
	return 0;
}

size_t model_load_toml(struct deployment *d, const char *text, const char *path,
		       struct diag_list *diags)
{
	struct load_ctx ctx = { d, path, diags, 0 };
	unsigned line = 0, col = 0;
	char msg[256];
	if (toml_parse(text, load_key, &ctx, &line, &col, msg, sizeof(msg)) < 0) {
		diag_add(diags, DIAG_ERROR, path, line, col, "%s", msg);
		ctx.errors++;
	}
	return ctx.errors;
}
