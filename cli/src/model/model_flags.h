/* model_flags.h — the answers as command-line flags: the option table (one --<flag> per field,
 * --no-<flag> for booleans, --<flag>-file for secrets), applying them to a model, secrets from
 * the environment, and the --help rows. The field table (model.h) is the only source.
 *
 * Ownership: the caller owns `given` and the diag lists; nothing here keeps a pointer. */
#ifndef AETERNA_MODEL_FLAGS_H
#define AETERNA_MODEL_FLAGS_H

#include <stdio.h>

#include "diag.h"
#include "error.h"
#include "model.h"

/* An option of the command itself (not an answer), e.g. --dry-run. has_arg as getopt_long's. */
struct cmd_option {
	const char *name;
	int has_arg;
	int id;       /* passed to on_option; any value except 0 and '?' / ':' */
	char short_name; /* 0 when none */
};

/* Parses argv: answers go into given, command options to on_option(ctx, id, arg) (arg NULL when
 * the option takes none). on_option returns 0 to go on, or another value to stop parsing
 * (returned as is, e.g. after --help). Warnings (a secret on the command line) go to warnings.
 * Returns 0, the value on_option stopped with, or -1 with err (one sentence naming the flag). */
int model_flags_parse(int argc, char **argv, const struct cmd_option *cmd, size_t ncmd,
		      int (*on_option)(void *ctx, int id, const char *arg), void *ctx,
		      struct deployment *given, struct diag_list *warnings, struct ae_error *err);

/* Secrets from the environment (each field's env variable) for those not set in given.
 * Returns 0 or -1 with err. */
int model_flags_env(struct deployment *given, struct ae_error *err);

/* Reads a secret from a file: its first line without the newline (malloc'ed into *out). */
int model_flags_read_secret_file(const char *path, char **out, struct ae_error *err);

/* Copies every answer set in given onto d (flags win over earlier answers). Returns 0 or -1. */
int model_flags_apply(struct deployment *d, const struct deployment *given, struct ae_error *err);

/* A warning per flag given that does not apply to the final model d. */
void model_flags_ignored(const struct deployment *d, const struct deployment *given, struct diag_list *warnings);

/* The --help rows of every answer, grouped. */
void model_flags_help(FILE *out);

#endif
