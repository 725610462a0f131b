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
enum backup_provider { BACKUP_S3, BACKUP_GCS, BACKUP_AZURE };

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
	/* backups (Kubernetes): the chart's backup.* values */
	int backup;                                /* bool; unset means off */
	int backup_provider;                       /* enum backup_provider */
	char *backup_bucket, *backup_prefix;
	char *backup_s3_region, *backup_s3_endpoint;
	char *backup_azure_account;
	char *backup_credentials_secret;           /* name of an existing Secret (not a secret itself) */
	int backup_workload_identity;
	char *backup_schedule;                     /* five-field cron (UTC) */
	int backup_retention_days, backup_verify;
};

/* Every answer by name: field access goes through these (a misspelt name does not compile).
 * The order is model_fields' order (config.toml, --help and --show follow it). */
enum field_id {
	FLD_TARGET,
	FLD_MODE,
	FLD_CENTRAL_URL,
	FLD_CENTRAL_AUTH,
	FLD_CENTRAL_CREDENTIAL,
	FLD_CACHE_SIZE_MB,
	FLD_OFFLINE_CEDAR,
	FLD_SYNC_INTERVAL,
	FLD_VECTOR_BACKEND,
	FLD_VECTOR_DEPLOYMENT,
	FLD_QDRANT_URL,
	FLD_QDRANT_API_KEY,
	FLD_WEAVIATE_URL,
	FLD_WEAVIATE_API_KEY,
	FLD_MONGODB_URI,
	FLD_PINECONE_API_KEY,
	FLD_PINECONE_ENVIRONMENT,
	FLD_PINECONE_INDEX,
	FLD_VERTEX_PROJECT,
	FLD_VERTEX_REGION,
	FLD_VERTEX_ENDPOINT,
	FLD_VERTEX_DEPLOYED_INDEX,
	FLD_DATABRICKS_URL,
	FLD_DATABRICKS_TOKEN,
	FLD_DATABRICKS_CATALOG,
	FLD_DATABRICKS_SCHEMA,
	FLD_CACHE,
	FLD_CACHE_HOST,
	FLD_CACHE_PORT,
	FLD_CACHE_PASSWORD,
	FLD_POSTGRES,
	FLD_POSTGRES_HOST,
	FLD_POSTGRES_PORT,
	FLD_POSTGRES_DATABASE,
	FLD_POSTGRES_USER,
	FLD_POSTGRES_PASSWORD,
	FLD_POSTGRES_SSLMODE,
	FLD_OPAL,
	FLD_LLM,
	FLD_LLM_API_KEY,
	FLD_LLM_MODEL,
	FLD_LLM_EMBEDDING_MODEL,
	FLD_LLM_BASE_URL,
	FLD_GOOGLE_PROJECT,
	FLD_GOOGLE_LOCATION,
	FLD_BEDROCK_REGION,
	FLD_OPENCODE,
	FLD_OPENCODE_SCOPE,
	FLD_INGRESS,
	FLD_INGRESS_HOST,
	FLD_INGRESS_TLS,
	FLD_SERVICE_MONITOR,
	FLD_NETWORK_POLICY,
	FLD_HPA,
	FLD_PDB,
	FLD_KNOWLEDGE_REPO,
	FLD_SECRETS,
	FLD_SECRET_STORE,
	FLD_BACKUP,
	FLD_BACKUP_PROVIDER,
	FLD_BACKUP_BUCKET,
	FLD_BACKUP_PREFIX,
	FLD_BACKUP_S3_REGION,
	FLD_BACKUP_S3_ENDPOINT,
	FLD_BACKUP_AZURE_ACCOUNT,
	FLD_BACKUP_CREDENTIALS_SECRET,
	FLD_BACKUP_WORKLOAD_IDENTITY,
	FLD_BACKUP_SCHEDULE,
	FLD_BACKUP_RETENTION_DAYS,
	FLD_BACKUP_VERIFY,
	FLD_COUNT
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

extern const struct field model_fields[FLD_COUNT];
extern const size_t model_field_count;

/* The field of an answer. */
const struct field *model_field(enum field_id id);
enum field_id model_field_id(const struct field *f);
/* By flag or config.toml key, for text the user typed (NULL when unknown). */
const struct field *model_field_by_flag(const char *flag);
const struct field *model_field_by_key(const char *section, const char *key);

void model_init(struct deployment *d);   /* everything unset */
void model_free(struct deployment *d);

/* Field accessors. Setting a string copies it. */
char **model_str(struct deployment *d, const struct field *f);
int *model_int(struct deployment *d, const struct field *f);
bool model_is_set(const struct deployment *d, const struct field *f);
/* Why text cannot be an answer ("one line (it contains a line break)", "valid UTF-8 text"…),
 * or NULL when it can: every answer is one line of UTF-8 without control characters (tabs allowed). */
const char *model_text_problem(const char *text);
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

/* Typed reads: an enum answer's name, a string answer (both "" when unset). */
const char *model_choice(const struct deployment *d, enum field_id id);
const char *model_text(const struct deployment *d, enum field_id id);
bool model_is_set_id(const struct deployment *d, enum field_id id);

/* ---- facts about a deployment, stated here once and read by every writer and check ---- */
/* The deployment runs an Aeterna server (every target but opencode-only). */
bool model_runs_server(const struct deployment *d);
/* The server keeps its own memories: a vector store, an LLM and authorization are asked for and
 * written (a server whose mode is not remote). */
bool model_has_stores(const struct deployment *d);
/* An answer setup generates itself (a random password) rather than asks for: kept across runs
 * unless rotation is asked for. */
bool model_field_generated(const struct deployment *d, enum field_id id);

/* ---- .aeterna/config.toml (model_toml.c) ---- */
/* Every relevant answer, secrets included (the file is mode 0600), appended to out. */
void model_save_toml(const struct deployment *d, struct strbuf *out);
/* Loads config.toml text into d (fields present in the file; others stay unset).
 * Problems go to diags with file:line:col; returns the number of errors. */
size_t model_load_toml(struct deployment *d, const char *text, const char *path,
		       struct diag_list *diags);

/* Backups are on (Kubernetes target, --backup). */
bool model_backup_on(const struct deployment *d);
/* What a backup answer must be ("a five-field cron expression…"), or NULL when v fits (the
 * chart's schema patterns; empty optional answers fit). Static text. */
const char *model_backup_shape(enum field_id id, const char *v);
/* Whether text is a five-field cron expression (or @daily…) as the chart's schema accepts. */
bool model_cron_valid(const char *text);
/* Seconds between two runs of a cron schedule for the simple forms (@hourly/@daily/@weekly,
 * "M H * * *" daily, "M * * * *" hourly, "M *\/N * * *" every N hours, "M H * * D" weekly);
 * 0 when the form is not one of these. */
long model_cron_interval(const char *text);

/* Helpers for writers */
bool model_url_is_http(const char *url);
const char *vector_server_name(int vector); /* VECTOR_BACKEND value */
bool model_vector_bundled(const struct deployment *d);

#endif
