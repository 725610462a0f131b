/* setup.h — `aeterna setup` in two steps: a plan (answers → the files' texts; reads the current
 * files, writes nothing) and its application (a masked diff for --dry-run, or a transaction).
 *
 * Ownership: a setup_plan owns its files' paths and texts (setup_plan_free); the deployment
 * models stay the caller's. */
#ifndef AETERNA_SETUP_H
#define AETERNA_SETUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"
#include "error.h"
#include "model.h"
#include "strbuf.h"

int cmd_setup(int argc, char **argv);

/* The interactive question flow. d holds the defaults (previous answers and flags) and receives
 * the answers; questions whose field is set in `given` (flags) are not asked. reconfiguring
 * says so in the header. Returns 0, or an exit code (130 when interrupted). */
int wizard_run(struct deployment *d, const struct deployment *given, bool reconfiguring);
/* `aeterna-net __reach URL`: a HEAD request with the wizard's time limits, for the static
 * executable's wizard (net_helper.h). Exit 0 when it answers; EXIT_REACH_FAILED with curl's reason
 * on stdout when not; EXIT_REACH_NO_CURL without libcurl. */
enum { EXIT_REACH_FAILED = 1, EXIT_REACH_USAGE = 2, EXIT_REACH_NO_CURL = 3 };
int wizard_reach_main(int argc, char **argv);

/* --validate: checks the files in dir. prev is the loaded config.toml (NULL when absent).
 * Prints findings; returns 0 when clean, 1 when a file has problems, 2 when none exist. */
int setup_validate_files(const char *dir, const struct deployment *prev);

/* ---- the plan (setup_plan.c) ---- */

struct setup_file {
	const char *name;    /* shown to the user, relative to the output folder */
	char *path;          /* owned */
	char *current;       /* owned: the file's text before this run; NULL when it does not exist */
	mode_t current_mode; /* of the current file */
	struct strbuf text;  /* owned: what is written */
	mode_t mode;
	bool in_output_dir;  /* false for OpenCode's files outside it */
};

#define SETUP_MAX_FILES 6

struct setup_plan {
	struct setup_file files[SETUP_MAX_FILES];
	size_t n;
	bool opencode;             /* an OpenCode entry is among the files */
	char kms_key[45];          /* docker-compose's local KMS key (kept from .env); wiped by free */
	struct diag_list warnings; /* owned */
};

/* Where OpenCode reads a project's entry: the git top level above the working directory, else
 * the working directory itself (never the output folder); with scope user, the user's file.
 * Returns a malloc'ed path, or NULL with err. */
char *setup_opencode_path(int scope, const char *dir, struct ae_error *err);

/* Builds the plan for a complete, checked model d into dir. prev: the answers of the last run
 * (NULL when none), to tell the user's edits of values.yaml from the last generated text.
 * Reads the current files; writes nothing. Every file's text is checked with validate's rules
 * (values_check.h). Problems go to diags (each names the file); returns 0, or -1. */
int setup_plan_build(const struct deployment *d, const struct deployment *prev, const char *dir,
		     struct setup_plan *p, struct diag_list *diags);
void setup_plan_free(struct setup_plan *p);

/* ---- masking (setup_mask.c) ---- */

/* The secret values known to this run (the model's and the previous run's). */
struct secret_set {
	char **items; /* owned */
	size_t n, cap;
};
void secret_set_add_model(struct secret_set *s, const struct deployment *d);
void secret_set_free(struct secret_set *s);
/* Appends text (the content of the file `name`) with every secret masked as ********: by key
 * (the values of .env, of a Secret's data, of config.toml's secret answers, of keys that name a
 * password, token, key or credential in any file) and, as a second net, every known secret
 * value wherever it appears. Works on text that does not parse. */
void mask_file_text(const char *name, const char *text, const struct secret_set *s, struct strbuf *out);

/* ---- applying the plan (setup_apply.c) ---- */

/* --dry-run: prints, per file, new / unchanged / a diff of the masked texts. */
void setup_print_dry_run(const struct setup_plan *p, const struct secret_set *secrets, const char *dir);

/* Locks the output folder (one run at a time per folder; the lock lasts until the descriptor is
 * closed). Returns the descriptor, or -1 with err (a concurrent run: "another aeterna setup"). */
int setup_lock(const char *dir, struct ae_error *err);

/* Writes the plan as one transaction: the output folder is created when missing and locked
 * (a concurrent run is refused), temporary files left by a killed run are removed, every file is
 * staged, then all are replaced; on a failure the files already replaced are restored and err
 * names the file. SIGINT/SIGTERM remove the staged files. written[i] tells which files changed.
 * lock: -1, or setup_lock's descriptor held since before the plan read the files (then they
 * cannot have changed, and are not read again). Returns 0, or -1 with err. */
int setup_write(const struct setup_plan *p, const char *dir, bool dir_missing, int lock, bool written[SETUP_MAX_FILES],
		char *backups[SETUP_MAX_FILES], struct ae_error *err);

/* What to do next, after the files are written. */
void setup_print_next_steps(const struct deployment *d, const struct setup_plan *p, const char *dir);

/* --show: the answers, secrets masked. */
void setup_print_answers(const struct deployment *d, const char *dir);

#endif
