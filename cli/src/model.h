/* model.h — the one description of a deployment.
 *
 * Filled by the wizard, by flags, or by loading .aeterna/config.toml; read by every writer and
 * by --show. struct deployment owns every string in it (free with model_free).
 * A field table (model_fields) describes each answer once: its config.toml place, its flag,
 * its type, whether it is a secret and which environment variable may carry it. Flags,
 * config.toml, --show and the wizard's defaults all go through this table.
 */
#ifndef AETERNA_MODEL_H
#define AETERNA_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "error.h"
#include "strbuf.h"

enum target { TARGET_KUBERNETES, TARGET_COMPOSE, TARGET_OPENCODE_ONLY };
enum mode { MODE_LOCAL, MODE_HYBRID, MODE_REMOTE };
enum auth_method { AUTH_API_KEY, AUTH_OAUTH2, AUTH_SERVICE_ACCOUNT };
enum vector_backend { VB_QDRANT, VB_WEAVIATE, VB_MONGODB, VB_PINECONE, VB_VERTEX_AI, VB_DATABRICKS };
enum placement { PLACE_BUNDLED, PLACE_EXTERNAL };
enum cache_kind { CACHE_DRAGONFLY, CACHE_VALKEY, CACHE_EXTERNAL };
enum pg_kind { PG_CLOUDNATIVEPG, PG_EXTERNAL };
enum sslmode { SSL_DISABLE, SSL_ALLOW, SSL_PREFER, SSL_REQUIRE, SSL_VERIFY_CA, SSL_VERIFY_FULL };
enum llm_provider { LLM_NONE, LLM_OPENAI, LLM_OPENAI_COMPATIBLE, LLM_GOOGLE, LLM_BEDROCK };
enum opencode_scope { OPENCODE_PROJECT, OPENCODE_USER };
enum secrets_mode { SECRETS_FILE, SECRETS_EXTERNAL };

#define UNSET (-1)

struct deployment {
	int target, mode;                          /* enum target / enum mode */
	char *central_url;
	int central_auth;                          /* enum auth_method */
	char *central_credential;                  /* secret */
	int cache_size_mb, offline_cedar, sync_interval;
	int vector;                                /* enum vector_backend */
	int vector_placement;                      /* enum placement */
	char *qdrant_url, *qdrant_api_key;
	char *weaviate_url, *weaviate_api_key;
	char *mongodb_uri;
	char *pinecone_api_key, *pinecone_environment, *pinecone_index;
	char *vertex_project, *vertex_region, *vertex_endpoint, *vertex_deployed_index;
	char *databricks_url, *databricks_token, *databricks_catalog, *databricks_schema;
	int cache;                                 /* enum cache_kind */
	char *cache_host;
	int cache_port;
	char *cache_password;
	int postgres;                              /* enum pg_kind */
	char *pg_host;
	int pg_port;
	char *pg_database, *pg_user, *pg_password;
	int pg_sslmode;                            /* enum sslmode */
	int opal;
	int llm;                                   /* enum llm_provider */
	char *llm_api_key, *llm_model, *llm_embedding_model, *llm_base_url;
	char *google_project, *google_location, *bedrock_region;
	int opencode, opencode_scope;
	int ingress;
	char *ingress_host;
	int ingress_tls, service_monitor, network_policy, hpa, pdb;
	char *knowledge_repo;                      /* remote knowledge repository (several replicas) */
	int secrets_mode;                          /* enum secrets_mode: where values.yaml's secrets come from */
	char *secret_store;                        /* ClusterSecretStore of --secrets external-secrets */
};

enum field_type { F_STRING, F_INT, F_BOOL, F_ENUM };

struct field {
	const char *section;   /* config.toml table */
	const char *key;       /* config.toml key */
	const char *flag;      /* long flag without "--" */
	const char *group;     /* --help group */
	const char *help;
	enum field_type type;
	size_t offset;
	const char *const *choices; /* F_ENUM: names, NULL-terminated, index = enum value */
	int min, max;               /* F_INT range */
	bool secret;
	const char *env;            /* secret: environment variable that may hold it */
	const char *placeholder;    /* --help metavar */
};

extern const struct field model_fields[];
extern const size_t model_field_count;

const struct field *model_field_by_flag(const char *flag);
const struct field *model_field_by_key(const char *section, const char *key);

void model_init(struct deployment *d);   /* everything unset */
void model_free(struct deployment *d);

/* Field accessors. Setting a string copies it. */
char **model_str(struct deployment *d, const struct field *f);
int *model_int(struct deployment *d, const struct field *f);
bool model_is_set(const struct deployment *d, const struct field *f);
/* Parses text for a field (enum names, integers in range, true/false/yes/no for bools).
 * Returns 0 or -1 with err naming the flag. */
int model_set_text(struct deployment *d, const struct field *f, const char *text,
		   struct ae_error *err);
/* Formats a field's value (secrets masked when mask is true). Returns "" when unset. */
void model_format(const struct deployment *d, const struct field *f, bool mask, struct strbuf *out);

/* Which fields matter for this model (e.g. the Pinecone key only for the pinecone backend). */
bool model_field_relevant(const struct deployment *d, const struct field *f);

/* Calls fn for every answer that is set and relevant, in table order; new_section is true for
 * the first answer of each config.toml table. Drives config.toml and --show alike. */
typedef void (*model_answer_fn)(void *ctx, const struct field *f, bool new_section);
void model_each_answer(const struct deployment *d, model_answer_fn fn, void *ctx);

/* Fills every unset relevant field with its default for the target and mode. */
int model_apply_defaults(struct deployment *d, struct ae_error *err);

/* Checks a complete model; adds one diagnostic per problem (file = "flags" or the source),
 * naming the flag. Returns the number of errors. */
size_t model_check(const struct deployment *d, struct diag_list *diags, const char *source);

/* Copies src into dst (dst is freed first). Returns 0 or -1 on allocation failure. */
int model_copy(struct deployment *dst, const struct deployment *src);

const char *model_choice(const struct deployment *d, const char *flag); /* enum name or "" */

/* Helpers for writers */
bool model_url_is_http(const char *url);
const char *vector_server_name(int vector); /* VECTOR_BACKEND value */
bool model_vector_bundled(const struct deployment *d);

#endif
