#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "generate.h"

const char cedar_starter_policy[] =
	"// Starter policy written by `aeterna setup`: it allows every request.\n"
	"// Replace it with your own policies before relying on authorization.\n"
	"permit(principal, action, resource);\n";
const char cedar_starter_schema[] = "entity User;\n";

static const struct backend_setting qdrant[] = {
	{ FLD_QDRANT_URL, "url", "QDRANT_URL", false },
	{ FLD_QDRANT_API_KEY, "apiKey", "QDRANT_API_KEY", true },
	{ FLD_COUNT, NULL, NULL, false },
};
static const struct backend_setting weaviate[] = {
	{ FLD_WEAVIATE_URL, "url", "WEAVIATE_URL", false },
	{ FLD_WEAVIATE_API_KEY, "apiKey", "WEAVIATE_API_KEY", true },
	{ FLD_COUNT, NULL, NULL, false },
};
static const struct backend_setting mongodb[] = {
	{ FLD_MONGODB_URI, "uri", "MONGODB_URI", false },
	{ FLD_COUNT, NULL, NULL, false },
};
static const struct backend_setting pinecone[] = {
	{ FLD_PINECONE_API_KEY, "apiKey", "PINECONE_API_KEY", false },
	{ FLD_PINECONE_ENVIRONMENT, "environment", "PINECONE_ENVIRONMENT", false },
	{ FLD_PINECONE_INDEX, "indexName", "PINECONE_INDEX_NAME", false },
	{ FLD_COUNT, NULL, NULL, false },
};
static const struct backend_setting vertex_ai[] = {
	{ FLD_VERTEX_PROJECT, "projectId", "GCP_PROJECT_ID", false },
	{ FLD_VERTEX_REGION, "location", "VERTEX_AI_LOCATION", false },
	{ FLD_VERTEX_ENDPOINT, "indexEndpoint", "VERTEX_AI_INDEX_ENDPOINT", false },
	{ FLD_VERTEX_DEPLOYED_INDEX, "deployedIndexId", "VERTEX_AI_DEPLOYED_INDEX_ID", false },
	{ FLD_COUNT, NULL, NULL, false },
};
static const struct backend_setting databricks[] = {
	{ FLD_DATABRICKS_URL, "host", "DATABRICKS_HOST", false },
	{ FLD_DATABRICKS_TOKEN, "token", "DATABRICKS_TOKEN", false },
	{ FLD_DATABRICKS_CATALOG, "catalog", "DATABRICKS_CATALOG", false },
	{ FLD_DATABRICKS_SCHEMA, "schema", "DATABRICKS_SCHEMA", false },
	{ FLD_COUNT, NULL, NULL, false },
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
	static const struct backend_setting none[] = { { FLD_COUNT, NULL, NULL, false } };
	if (vector < 0 || vector > VB_DATABRICKS) {
		*chart_section = "";
		return none;
	}
	*chart_section = table[vector].section;
	return table[vector].settings;
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
		strbuf_puts(&sb, "http://localhost:" PORT_SERVER_S);
	}
	strbuf_puts(&sb, "/mcp/sse");
	if (strbuf_failed(&sb)) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

