/* cmd_setup.c — `aeterna setup`: the answers (config.toml, flags, environment, the wizard,
 * defaults) → a plan (the files' texts, setup_plan.c) → applied (a masked diff with --dry-run,
 * else one transaction, setup_apply.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "cli_doc.h"
#include "docs.h"
#include "commands.h"
#include "model_flags.h"
#include "setup.h"
#include "strbuf.h"

enum { OPT_NON_INTERACTIVE = 1000, OPT_RECONFIGURE, OPT_FORCE, OPT_SHOW, OPT_VALIDATE, OPT_DRY_RUN,
       OPT_ROTATE, OPT_HELP, OPT_OUTPUT = 'o' };

struct setup_args {
	bool non_interactive, reconfigure, force, show, validate, dry_run, rotate, help;
	const char *dir;
};

/* The command's own options (the answers' flags come from the model's field table): the parser,
 * --help, the man page and the completions all read them from here. */
#define MODES "Modes of operation"
static const struct cli_opt setup_cmd_opts[] = {
	{ "non-interactive", 0, CLI_ARG_NONE, NULL, NULL, MODES, "take every answer from flags, environment and defaults", 0, OPT_NON_INTERACTIVE },
	{ "reconfigure", 0, CLI_ARG_NONE, NULL, NULL, MODES, "start from the answers in DIR/.aeterna/config.toml", 0, OPT_RECONFIGURE },
	{ "force", 0, CLI_ARG_NONE, NULL, NULL, MODES,
	  "start from the defaults even when DIR already holds answers (without it, the wizard offers them as "
	  "defaults; --non-interactive refuses)", 0, OPT_FORCE },
	{ "rotate-secrets", 0, CLI_ARG_NONE, NULL, NULL, MODES, "generate new passwords (otherwise a re-run keeps the generated ones)", 0, OPT_ROTATE },
	{ "show", 0, CLI_ARG_NONE, NULL, NULL, MODES, "print the current answers (secrets masked) and exit", 0, OPT_SHOW },
	{ "validate", 0, CLI_ARG_NONE, NULL, NULL, MODES, "check the files in DIR (they parse; values.yaml renders with the chart)", 0, OPT_VALIDATE },
	{ "dry-run", 0, CLI_ARG_NONE, NULL, NULL, MODES, "print what would be written (a diff against existing files); write nothing", 0, OPT_DRY_RUN },
	{ "output", 'o', CLI_ARG_DIR, "DIR", NULL, MODES, "where to write (default: .; created when missing)", 0, OPT_OUTPUT },
	{ "help", 0, CLI_ARG_NONE, NULL, NULL, MODES, "show this help", 0, OPT_HELP },
};
#define N_CMD_OPTS (sizeof(setup_cmd_opts) / sizeof(setup_cmd_opts[0]))

static const char setup_description[] =
	"Asks how Aeterna should run (a wizard on a terminal, or flags with --non-interactive) and writes, "
	"into DIR (default .): values.yaml (values for charts/aeterna), docker-compose.yaml (a local stack: "
	"the Aeterna server and its backing services), .aeterna/config.toml (the answers, read back by "
	"--reconfigure and --show) and opencode.json (an MCP entry for Aeterna, merged into an existing "
	"file). With --target opencode-only only the last two are written.\n\n"
	"Every file is checked before anything is written, and all are written together or not at all. "
	"Secrets given on the command line are visible to other users (ps); prefer the environment "
	"variable or the --<flag>-file option.";

/* The full description (command options, then one or more options per answer), built once
 * into static storage on first use; it lives as long as the process. */
const struct cli_doc *setup_doc(void)
{
	static struct cli_opt opts[N_CMD_OPTS + 2 * FLD_COUNT];
	static char names[FLD_COUNT][80];
	static struct cli_doc doc;
	if (doc.name)
		return &doc;
	size_t n = 0;
	for (size_t i = 0; i < N_CMD_OPTS; i++)
		opts[n++] = setup_cmd_opts[i];
	for (size_t i = 0; i < model_field_count && i < FLD_COUNT; i++) {
		const struct field *f = &model_fields[i];
		struct cli_opt o = { .name = f->flag, .group = f->group, .help = f->help };
		switch (f->type) {
		case F_BOOL: o.arg = CLI_ARG_NONE; break;
		case F_ENUM: o.arg = CLI_ARG_CHOICE; o.metavar = "NAME"; o.choices = f->choices; break;
		case F_INT: o.arg = CLI_ARG_NUMBER; o.metavar = f->placeholder ? f->placeholder : "N"; break;
		default:
			o.metavar = f->placeholder ? f->placeholder : "VALUE";
			o.arg = !strcmp(o.metavar, "PATH") || !strcmp(o.metavar, "FILE") ? CLI_ARG_FILE
				: !strcmp(o.metavar, "DIR")					 ? CLI_ARG_DIR
													 : CLI_ARG_TEXT;
		}
		opts[n++] = o;
		if (f->type == F_BOOL || f->secret) {
			snprintf(names[i], sizeof(names[i]), f->type == F_BOOL ? "no-%s" : "%s-file", f->flag);
			struct cli_opt extra = { .name = names[i], .group = f->group };
			if (f->type == F_BOOL) {
				extra.help = "the opposite of the option above";
			} else {
				extra.arg = CLI_ARG_FILE;
				extra.metavar = "PATH";
				extra.help = "read the secret above from the first line of PATH";
			}
			opts[n++] = extra;
		}
	}
	doc = (struct cli_doc){
		.name = "setup",
		.summary = "ask how Aeterna should run and write its deployment files",
		.synopsis = "[--non-interactive] [--reconfigure] [--show] [--validate] [--dry-run] [-o DIR] "
			    "[--target NAME] [--mode NAME] [options]",
		.description = setup_description,
		.opts = opts,
		.nopts = n,
		.exit_status = "0\tdone\n1\t--validate found problems, or a file could not be written (nothing changed)\n"
			       "2\tbad flags or input (nothing written)\n130\tinterrupted",
		.examples = "aeterna setup\tthe wizard, in the current folder\n"
			    "aeterna setup --non-interactive --mode local --target kubernetes -o deploy\tthe local default, no questions\n"
			    "aeterna setup --dry-run -o deploy --opal\twhat turning OPAL on would change",
		.files = "DIR/values.yaml\tHelm values for charts/aeterna\n"
			 "DIR/docker-compose.yaml\ta local stack\n"
			 "DIR/.aeterna/config.toml\tthe answers\n"
			 "opencode.json\tthe OpenCode MCP entry (at the project root)",
	};
	return &doc;
}

static void print_help(FILE *out)
{
	fprintf(out,
		"Usage: aeterna setup [--non-interactive] [--reconfigure] [--show] [--validate] [--dry-run]\n"
		"                     [-o DIR] [--target kubernetes|docker-compose|opencode-only]\n"
		"                     [--mode local|hybrid|remote] [options]\n"
		"\n"
		"Asks how Aeterna should run and writes, into DIR (default .):\n"
		"  values.yaml           values for charts/aeterna\n"
		"  docker-compose.yaml   a local stack: the Aeterna server and its backing services\n"
		"  .aeterna/config.toml  the answers (read back by --reconfigure and --show)\n"
		"  opencode.json         an MCP entry for Aeterna, merged into an existing file\n"
		"With --target opencode-only only the last two are written.\n");
	struct cli_doc cmd = { .name = "setup", .opts = setup_cmd_opts, .nopts = N_CMD_OPTS };
	struct strbuf sb = {0};
	cli_doc_help(&cmd, 100, &sb);
	fputs(strbuf_str(&sb), out);
	strbuf_free(&sb);
	model_flags_help(out);
	fprintf(out,
		"\nSecrets given on the command line are visible to other users (ps); prefer the\n"
		"environment variable or --<flag>-file. Exit status: 0 done, 1 validation found problems\n"
		"or a file could not be written (nothing changed), 2 bad flags or input (nothing written),\n"
		"130 interrupted.\n");
}

static int on_option(void *ctx, int id, const char *arg)
{
	struct setup_args *a = ctx;
	switch (id) {
	case OPT_NON_INTERACTIVE: a->non_interactive = true; break;
	case OPT_RECONFIGURE: a->reconfigure = true; break;
	case OPT_FORCE: a->force = true; break;
	case OPT_SHOW: a->show = true; break;
	case OPT_VALIDATE: a->validate = true; break;
	case OPT_DRY_RUN: a->dry_run = true; break;
	case OPT_ROTATE: a->rotate = true; break;
	case OPT_OUTPUT: a->dir = arg; break;
	case OPT_HELP: a->help = true; return 1;
	}
	return 0;
}

static void print_diags(const struct diag_list *diags)
{
	for (size_t i = 0; i < diags->len; i++) {
		const struct diag *g = &diags->items[i];
		const char *sev = g->severity == DIAG_ERROR ? "error" : "warning";
		if (!strcmp(g->file, "flags") || !strcmp(g->file, "aeterna setup"))
			fprintf(stderr, "aeterna setup: %s%s%s\n", g->severity == DIAG_ERROR ? "" : sev,
				g->severity == DIAG_ERROR ? "error: " : ": ", g->message);
		else if (g->line)
			fprintf(stderr, "aeterna setup: %s:%u:%u: %s: %s\n", g->file, g->line, g->col, sev, g->message);
		else
			fprintf(stderr, "aeterna setup: %s: %s: %s\n", g->file, sev, g->message);
	}
}

/* The output directory must be a writable directory, or not exist yet under a writable one
 * (*missing is then set: it is created when files are written, never by --dry-run). */
static int dir_usable(const char *dir, bool *missing, struct ae_error *err)
{
	struct stat st;
	*missing = false;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return ae_error_set(err, "-o %s: not a directory", dir);
		if (access(dir, W_OK | X_OK) < 0)
			return ae_error_errno(err, errno, "-o %s: the output directory is not writable", dir);
		return 0;
	}
	if (errno != ENOENT)
		return ae_error_errno(err, errno, "-o %s: cannot use the output directory", dir);
	/* the nearest existing ancestor decides whether the directory can be made */
	char *up = strdup(dir);
	if (!up)
		return ae_error_set(err, "out of memory");
	int found;
	do {
		char *slash = strrchr(up, '/');
		while (slash && slash > up && slash[1] == '\0') { /* trailing slashes */
			*slash = '\0';
			slash = strrchr(up, '/');
		}
		if (!slash)
			strcpy(up, ".");
		else if (slash == up)
			up[1] = '\0';
		else
			*slash = '\0';
		found = stat(up, &st);
	} while (found < 0 && errno == ENOENT && strcmp(up, ".") && strcmp(up, "/"));
	int rc = 0;
	if (found < 0)
		rc = ae_error_errno(err, errno, "-o %s: cannot create the output directory (%s)", dir, up);
	else if (!S_ISDIR(st.st_mode))
		rc = ae_error_set(err, "-o %s: cannot create the output directory: %s is not a directory", dir, up);
	else if (access(up, W_OK | X_OK) < 0)
		rc = ae_error_errno(err, errno, "-o %s: cannot create the output directory in %s", dir, up);
	free(up);
	*missing = rc == 0;
	return rc;
}

/* Loads DIR/.aeterna/config.toml into d. Returns 1 when loaded, 0 when absent, -1 on errors
 * (added to diags). */
static int load_config(const char *dir, struct deployment *d, struct diag_list *diags)
{
	struct strbuf path = {0};
	strbuf_printf(&path, "%s/.aeterna/config.toml", dir);
	char *text = NULL;
	int e = 0;
	struct ae_error err;
	if (read_file(strbuf_str(&path), &text, NULL, &e, &err) < 0) {
		strbuf_free(&path);
		if (e == ENOENT)
			return 0;
		diag_add(diags, DIAG_ERROR, "aeterna setup", 0, 0, "%s", err.msg);
		return -1;
	}
	size_t errors = model_load_toml(d, text, strbuf_str(&path), diags);
	free(text);
	strbuf_free(&path);
	return errors ? -1 : 1;
}

/* Generated secrets (a database password an existing volume still uses) survive a re-run
 * unless rotation is asked for; flags always win. */
static int keep_generated_secrets(struct deployment *d, const struct deployment *prev, const struct deployment *given,
				  bool rotate, struct ae_error *err)
{
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		enum field_id id = model_field_id(f);
		if (f->type != F_STRING || !model_field_generated(d, id) || model_is_set(given, f))
			continue;
		if (rotate) {
			free(*model_str(d, f));
			*model_str(d, f) = NULL;
		} else if (prev && !model_is_set(d, f) && model_is_set(prev, f) &&
			   model_set_text(d, f, *model_str((struct deployment *)prev, f), err) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Every answer: the previous ones (--reconfigure), flags and environment on top, then the
 * wizard or the defaults; checked. Returns 0 or an exit code (messages printed). */
static int gather_answers(const struct setup_args *a, const struct deployment *given, struct deployment *d,
			  const struct deployment *prev, bool loaded, struct diag_list *diags)
{
	struct ae_error err;
	if ((a->reconfigure && model_copy(d, prev) < 0) || model_flags_apply(d, given, &err) < 0) {
		fprintf(stderr, "aeterna setup: out of memory\n");
		return EXIT_FAILURE_;
	}
	if (!a->non_interactive) {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, "aeterna setup: no terminal to ask questions on: pass --non-interactive and "
					"give the answers as flags (see aeterna setup --help)\n");
			return EXIT_USAGE;
		}
		int w = wizard_run(d, given, a->reconfigure);
		if (w)
			return w;
	}
	if (keep_generated_secrets(d, loaded ? prev : NULL, given, a->rotate, &err) < 0 ||
	    model_apply_defaults(d, &err) < 0) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		return EXIT_USAGE;
	}
	model_flags_ignored(d, given, diags);
	if (model_check(d, diags, "aeterna setup") > 0)
		return EXIT_USAGE;
	return 0;
}

/* The plan, then the dry run or the transaction. Returns the exit code. */
static int plan_and_apply(const struct setup_args *a, const struct deployment *d, const struct deployment *prev,
			  bool dir_missing, struct diag_list *diags)
{
	struct setup_plan plan = {0};
	int rc = EXIT_USAGE, lock = -1;
	struct ae_error err;
	/* the folder is locked before the plan reads its files, so that they cannot change before
	 * they are replaced (a folder still to be made is locked once it exists, in setup_write) */
	if (!a->dry_run && !dir_missing && (lock = setup_lock(a->dir, &err)) < 0) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		return EXIT_FAILURE_;
	}
	if (setup_plan_build(d, prev, a->dir, &plan, diags) < 0)
		goto out;
	print_diags(&plan.warnings);
	if (a->dry_run) {
		struct secret_set secrets = {0};
		secret_set_add_model(&secrets, d);
		if (prev)
			secret_set_add_model(&secrets, prev);
		setup_print_dry_run(&plan, &secrets, a->dir);
		secret_set_free(&secrets);
		rc = EXIT_OK;
		goto out;
	}
	bool written[SETUP_MAX_FILES];
	char *backups[SETUP_MAX_FILES];
	if (setup_write(&plan, a->dir, dir_missing, lock, written, backups, &err) < 0) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		rc = EXIT_FAILURE_;
		goto out;
	}
	for (size_t i = 0; i < plan.n; i++) {
		if (!written[i])
			printf("unchanged  %s\n", plan.files[i].name);
		else if (backups[i])
			printf("wrote      %s (previous version kept as %s)\n", plan.files[i].name, backups[i]);
		else
			printf("wrote      %s\n", plan.files[i].name);
		free(backups[i]);
	}
	setup_print_next_steps(d, &plan, a->dir);
	rc = EXIT_OK;
out:
	setup_plan_free(&plan);
	if (lock >= 0)
		close(lock);
	return rc;
}

int cmd_setup(int argc, char **argv)
{
	struct cmd_option options[N_CMD_OPTS];
	for (size_t i = 0; i < N_CMD_OPTS; i++)
		options[i] = (struct cmd_option){ setup_cmd_opts[i].name,
						  setup_cmd_opts[i].arg == CLI_ARG_NONE ? no_argument : required_argument,
						  setup_cmd_opts[i].id, setup_cmd_opts[i].short_name };
	struct setup_args a = { .dir = "." };
	struct deployment given, d, prev;
	struct diag_list diags = {0};
	struct ae_error err;
	bool dir_missing = false;
	int loaded = 0, rc = EXIT_USAGE;
	model_init(&given);
	model_init(&d);
	model_init(&prev);

	int p = model_flags_parse(argc, argv, options, sizeof(options) / sizeof(options[0]), on_option, &a, &given,
				  &diags, &err);
	if (p < 0 || (p == 0 && model_flags_env(&given, &err) < 0)) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		goto out;
	}
	if (a.help) {
		print_help(stdout);
		rc = EXIT_OK;
		goto out;
	}
	print_diags(&diags);
	diag_list_free(&diags);
	if (dir_usable(a.dir, &dir_missing, &err) < 0 && !a.show) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		goto out;
	}
	/* the last run's answers: the start of --reconfigure, what --show prints, and what tells the
	 * user's edits of values.yaml from the last generated text */
	struct diag_list load_diags = {0};
	loaded = load_config(a.dir, &prev, &load_diags);
	if (loaded < 0 && (a.reconfigure || a.show || a.validate)) {
		diag_print_all(stderr, &load_diags, diag_use_color(STDERR_FILENO));
		diag_list_free(&load_diags);
		goto out;
	}
	diag_list_free(&load_diags);
	if (loaded < 0) { /* a plain run over a broken config.toml starts afresh */
		model_free(&prev);
		loaded = 0;
	}
	if (!loaded && (a.show || a.reconfigure)) {
		fprintf(stderr, "aeterna setup: no configuration in %s/.aeterna/config.toml; run 'aeterna setup' first\n", a.dir);
		goto out;
	}
	if (a.show) {
		setup_print_answers(&prev, a.dir);
		rc = EXIT_OK;
		goto out;
	}
	if (a.validate) {
		rc = setup_validate_files(a.dir, loaded ? &prev : NULL);
		goto out;
	}
	if (loaded && !a.reconfigure && !a.force) {
		/* a folder with answers: they are the defaults, or a non-interactive run must say which */
		if (a.non_interactive) {
			fprintf(stderr, "aeterna setup: %s/.aeterna/config.toml already holds answers: pass --reconfigure to start "
					"from them, or --force to start from the defaults; nothing was written\n", a.dir);
			goto out;
		}
		a.reconfigure = true;
	}
	rc = gather_answers(&a, &given, &d, &prev, loaded, &diags);
	print_diags(&diags);
	diag_list_free(&diags);
	if (rc)
		goto out;
	rc = plan_and_apply(&a, &d, loaded ? &prev : NULL, dir_missing, &diags);
	print_diags(&diags);
out:
	diag_list_free(&diags);
	model_free(&given);
	model_free(&d);
	model_free(&prev);
	return rc;
}
