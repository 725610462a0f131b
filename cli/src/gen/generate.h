/* generate.h — the writers (included by the writers and by `setup` only; config.toml
 * load/save is the model's, model.h). Each turns a complete model (after model_apply_defaults and a
 * clean model_check) into one file's text, appended to a caller-owned strbuf. Output is
 * deterministic: the same model gives byte-identical text. */
#ifndef AETERNA_GENERATE_H
#define AETERNA_GENERATE_H

#include "diag.h"
#include "error.h"
#include "model.h"
#include "strbuf.h"


/* The starter Cedar policy and schema written when OPAL/Cedar is chosen (one copy for every writer). */
extern const char cedar_starter_policy[];
extern const char cedar_starter_schema[];

/* One setting of a vector backend: the answer, its key in the chart's
 * `vector.<section>` and the server's environment variable. Optional settings are left out
 * when empty. Both the values.yaml and the docker-compose writers read this table. */
struct backend_setting {
	enum field_id id;  /* FLD_COUNT ends a list */
	const char *chart_key;
	const char *env;
	bool optional;
};

/* The settings of a backend, terminated by an entry whose id is FLD_COUNT; *chart_section receives the
 * backend's section under `vector` in the chart. */
const struct backend_setting *vector_settings(int vector, const char **chart_section);

/* The Secret that holds setup's secret answers for the chart (secrets.yaml). */
#define SETUP_SECRET "aeterna-setup-secrets"

/* values.yaml for charts/aeterna (kubernetes target): never a secret, only references to
 * SETUP_SECRET. */
void gen_values(const struct deployment *d, struct strbuf *out);
/* secrets.yaml: the Kubernetes Secret SETUP_SECRET with the secret answers values.yaml refers to. */
void gen_secrets(const struct deployment *d, struct strbuf *out);
/* docker-compose.yaml (docker-compose target). */
void gen_compose(const struct deployment *d, struct strbuf *out);
/* .env next to docker-compose.yaml: the stack's secrets, which the compose file only refers to
 * (${NAME}). kms_key is the local tenant-secret key (standard base64 of 32 bytes). */
void gen_dotenv(const struct deployment *d, const char *kms_key, struct strbuf *out);
/* Reads AETERNA_LOCAL_KMS_KEY back from an existing .env text into key[45] (a valid key only:
 * standard base64 of exactly 32 bytes). Returns 0 when found, -1 otherwise. */
int dotenv_kms_key(const char *text, char key[45]);
/* A new key: 32 bytes from getrandom, standard base64, into key[45]. Returns 0, or -1 (errno). */
int kms_key_generate(char key[45]);
/* Zeroes n bytes at p (key material), in a way the compiler does not remove. */
void kms_key_wipe(void *p, size_t n);
/* opencode.json: existing (may be NULL) is the current file's text; the `mcp.aeterna` entry is
 * set and every other key kept. Returns 0, or -1 with err when existing is not a JSON object
 * (position included) — nothing should be written then. */
int gen_opencode(const struct deployment *d, const char *existing, const char *existing_name,
		 struct strbuf *out, struct ae_error *err);
/* The MCP URL clients use for this deployment. Caller owns the result (malloc'ed). */
char *mcp_url(const struct deployment *d);

#endif
