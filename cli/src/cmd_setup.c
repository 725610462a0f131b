/* cmd_setup.c — `aeterna setup`: answers (wizard, flags or config.toml) → deployment files. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "commands.h"
#include "diag.h"
#include "generate.h"
#include "model.h"
#include "setup.h"
#include "strbuf.h"
#include "textdiff.h"
#include "values_merge.h"

enum {
	OPT_NON_INTERACTIVE = 1000,
	OPT_RECONFIGURE,
	OPT_SHOW,
	OPT_VALIDATE,
	OPT_DRY_RUN,
	OPT_HELP,
	OPT_FIELD_BASE = 2000,   /* + field index: --<flag> */
	OPT_NO_BASE = 3000,      /* + field index: --no-<flag> (booleans) */
	OPT_FILE_BASE = 4000,    /* + field index: --<flag>-file (secrets) */
};

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
		"With --target opencode-only only the last two are written.\n"
		"\n"
		"Modes of operation:\n"
		"  --non-interactive     take every answer from flags, environment and defaults\n"
		"  --reconfigure         start from the answers in DIR/.aeterna/config.toml\n"
		"  --show                print the current answers (secrets masked) and exit\n"
		"  --validate            check the files in DIR (they parse; values.yaml renders with the chart)\n"
		"  --dry-run             print what would be written (a diff against existing files); write nothing\n"
		"  -o, --output DIR      where to write (default: .; created when missing)\n");
	const char *group = NULL;
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (!group || strcmp(group, f->group)) {
			fprintf(out, "\n%s:\n", f->group);
			group = f->group;
		}
		char left[96];
		switch (f->type) {
		case F_BOOL:
			snprintf(left, sizeof(left), "--[no-]%s", f->flag);
			break;
		case F_ENUM: {
			struct strbuf sb = {0};
			for (int c = 0; f->choices[c]; c++)
				strbuf_printf(&sb, "%s%s", c ? "|" : "", f->choices[c]);
			if (strlen(f->flag) + sb.len + 3 < sizeof(left))
				snprintf(left, sizeof(left), "--%s %s", f->flag, strbuf_str(&sb));
			else
				snprintf(left, sizeof(left), "--%s NAME", f->flag);
			strbuf_free(&sb);
			break;
		}
		default:
			snprintf(left, sizeof(left), "--%s %s", f->flag, f->placeholder ? f->placeholder : "VALUE");
		}
		if (strlen(left) > 36)
			fprintf(out, "  %s\n  %-36s  %s\n", left, "", f->help);
		else
			fprintf(out, "  %-36s  %s\n", left, f->help);
		if (f->secret)
			fprintf(out, "  %-36s  (or --%s-file PATH, or $%s)\n", "", f->flag, f->env);
	}
	fprintf(out,
		"\nSecrets given on the command line are visible to other users (ps); prefer the\n"
		"environment variable or --<flag>-file. Exit status: 0 done, 1 validation found problems,\n"
		"2 bad flags or input (nothing written), 130 interrupted.\n");
}

/* Reads a secret from a file: the first line, without its newline. */
static int read_secret_file(const char *path, char **out, struct ae_error *err)
{
	char *data;
	if (read_file(path, &data, NULL, NULL, err) < 0)
		return -1;
	data[strcspn(data, "\r\n")] = '\0';
	*out = data;
	return 0;
}

/* The output directory must be a writable directory, or not exist yet under a writable one
 * (*missing is then set: it is created when files are written, never by --dry-run). */
static int dir_usable(const char *dir, bool *missing, struct ae_error *err)
{
	struct stat st;
	*missing = false;
	if (stat(dir, &st) < 0) {
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
	if (!S_ISDIR(st.st_mode))
		return ae_error_set(err, "-o %s: not a directory", dir);
	if (access(dir, W_OK | X_OK) < 0)
		return ae_error_errno(err, errno, "-o %s: the output directory is not writable", dir);
	return 0;
}

static char *path_join(const char *a, const char *b)
{
	struct strbuf sb = {0};
	strbuf_printf(&sb, "%s/%s", a, b);
	return strbuf_failed(&sb) ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

/* Loads DIR/.aeterna/config.toml. Returns 1 when loaded, 0 when absent, -1 on errors (printed
 * unless quiet). */
static int load_config(const char *dir, struct deployment *d, bool quiet)
{
	char *path = path_join(dir, ".aeterna/config.toml");
	char *text = NULL;
	int e = 0;
	struct ae_error err;
	if (!path) {
		fprintf(stderr, "aeterna setup: out of memory\n");
		return -1;
	}
	if (read_file(path, &text, NULL, &e, &err) < 0) {
		free(path);
		if (e == ENOENT)
			return 0;
		if (!quiet)
			fprintf(stderr, "aeterna setup: %s\n", err.msg);
		return -1;
	}
	struct diag_list diags = {0};
	size_t errors = model_load_toml(d, text, path, &diags);
	if (!quiet)
		diag_print_all(stderr, &diags, diag_use_color(STDERR_FILENO));
	diag_list_free(&diags);
	free(text);
	free(path);
	return errors ? -1 : 1;
}

static void show_answer(void *ctx, const struct field *f, bool new_section)
{
	if (new_section)
		printf("\n[%s]\n", f->section);
	struct strbuf v = {0};
	model_format(ctx, f, true, &v);
	printf("  %-22s %s\n", f->key, strbuf_str(&v));
	strbuf_free(&v);
}

static void show(const struct deployment *d, const char *dir)
{
	printf("Configuration in %s/.aeterna/config.toml (secrets masked):\n", dir);
	model_each_answer(d, show_answer, (void *)d);
}

struct output {
	const char *name;   /* shown to the user, relative to DIR */
	char *path;         /* owned */
	struct strbuf text; /* owned */
	struct strbuf shown;/* owned: the same text generated with secrets masked */
	mode_t mode;
	bool backup;
	bool has_secret;    /* set when text is not simply the generated text (merged) */
};

/* When values.yaml exists and the user edited it, update the owned keys in place so their
 * own keys and comments survive. Falls back to the generated text (the old file is kept as a
 * backup) when the file cannot be edited in place. Returns 0, or -1 when out of memory. */
static int keep_user_edits(struct output *o, const struct deployment *prev)
{
	char *existing = NULL;
	if (!o->path || read_file(o->path, &existing, NULL, NULL, NULL) < 0)
		return 0; /* no file yet */
	struct strbuf previous = {0}, merged = {0};
	if (prev)
		gen_values(prev, &previous);
	struct ae_error err = {{0}};
	int rc = 0;
	if (prev && !strcmp(existing, strbuf_str(&previous))) {
		/* not edited since the last run: the generated text as it is */
	} else if (values_merge(existing, strbuf_str(&o->text), prev ? strbuf_str(&previous) : NULL, &merged, &err) == 0 &&
		   values_owned_match(strbuf_str(&merged), strbuf_str(&o->text), &err) == 0) {
		o->has_secret = strcmp(strbuf_str(&o->text), strbuf_str(&o->shown)) != 0;
		strbuf_free(&o->text);
		o->text = merged;
		merged = (struct strbuf){0};
		struct stat st;
		if (stat(o->path, &st) == 0 && (st.st_mode & 0077) == 0)
			o->has_secret = true; /* the user's file was private: keep it so */
	} else {
		fprintf(stderr, "aeterna setup: warning: values.yaml cannot be edited in place (%s); it is rewritten "
				"and the current one kept as a backup\n", err.msg);
	}
	if (strbuf_failed(&o->text))
		rc = -1;
	strbuf_free(&previous);
	strbuf_free(&merged);
	free(existing);
	return rc;
}

/* A copy of d with every secret replaced by a mask, for printing. */
static int masked_copy(const struct deployment *d, struct deployment *m)
{
	model_init(m);
	if (model_copy(m, d) < 0)
		return -1;
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (f->secret && model_is_set(m, f) && **model_str(m, f) &&
		    model_set_text(m, f, "********", NULL) < 0)
			return -1;
	}
	return 0;
}

/* The ways a secret can appear in the files: as it is, escaped inside a quoted string, and with
 * "$" doubled (docker-compose). */
struct secrets {
	char *items[64 * 3]; /* owned */
	size_t n;
};

static void secrets_add(struct secrets *s, const char *v)
{
	if (!v || strlen(v) < 3 || s->n + 3 > sizeof(s->items) / sizeof(s->items[0]))
		return;
	struct strbuf q = {0}, dollar = {0};
	strbuf_quote(&q, v);
	for (const char *p = v; *p; p++) {
		if (*p == '$')
			strbuf_putc(&dollar, '$');
		strbuf_putc(&dollar, *p);
	}
	s->items[s->n++] = strdup(v);
	if (q.len > 2)
		s->items[s->n++] = strndup(q.buf + 1, q.len - 2);
	s->items[s->n++] = strbuf_detach(&dollar);
	strbuf_free(&q);
}

static void secrets_collect(struct secrets *s, const struct deployment *d)
{
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (f->secret && model_is_set(d, f))
			secrets_add(s, *model_str((struct deployment *)d, f));
	}
}

static void secrets_free(struct secrets *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i]);
	s->n = 0;
}

/* text with every known secret replaced by ******** */
static void mask_text(const char *text, const struct secrets *s, struct strbuf *out)
{
	for (const char *p = text; *p;) {
		size_t best = 0;
		for (size_t i = 0; i < s->n; i++) {
			size_t n = s->items[i] ? strlen(s->items[i]) : 0;
			if (n > best && !strncmp(p, s->items[i], n))
				best = n;
		}
		if (best) {
			strbuf_puts(out, "********");
			p += best;
		} else {
			strbuf_putc(out, *p++);
		}
	}
}

static char *opencode_user_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct strbuf sb = {0};
	if (xdg && *xdg)
		strbuf_printf(&sb, "%s/opencode/opencode.json", xdg);
	else if (home && *home)
		strbuf_printf(&sb, "%s/.config/opencode/opencode.json", home);
	else
		return NULL;
	return strbuf_failed(&sb) ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

static int mkdir_p(const char *path, mode_t mode)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST) {
			free(copy);
			return -1;
		}
		*p = '/';
	}
	int rc = mkdir(copy, mode) < 0 && errno != EEXIST ? -1 : 0;
	free(copy);
	return rc;
}

/* After a failed write: removes the directories this run created, when they are still empty. */
static void remove_new_dirs(bool dir_was_missing, const char *dir, const char *aeterna_dir)
{
	rmdir(aeterna_dir); /* fails, harmlessly, when it holds earlier files */
	if (dir_was_missing)
		rmdir(dir);
}

static void print_next_steps(const struct deployment *d, const char *dir, bool wrote_opencode)
{
	printf("\nNext steps:\n");
	if (d->target == TARGET_KUBERNETES) {
		bool mongo = d->mode != MODE_REMOTE && d->vector == VB_MONGODB && model_vector_bundled(d);
		if (d->postgres == PG_CLOUDNATIVEPG)
			printf("  # once per cluster: the CloudNativePG operator (runs the bundled PostgreSQL)\n"
			       "  helm repo add cnpg https://cloudnative-pg.github.io/charts\n"
			       "  helm install cnpg cnpg/cloudnative-pg -n cnpg-system --create-namespace\n");
		printf("  kubectl create namespace aeterna\n");
		if (mongo)
			printf("  # once per namespace: the Percona operator (runs the bundled MongoDB)\n"
			       "  helm repo add percona https://percona.github.io/percona-helm-charts\n"
			       "  helm install psmdb-operator percona/psmdb-operator -n aeterna\n");
		printf("  # once: fetch the dragonfly, valkey, qdrant and weaviate subcharts\n"
		       "  helm repo add valkey https://valkey.io/valkey-helm/\n"
		       "  helm repo add qdrant https://qdrant.github.io/qdrant-helm\n"
		       "  helm repo add weaviate https://weaviate.github.io/weaviate-helm\n"
		       "  helm dependency build charts/aeterna\n");
		if (d->secrets_mode == SECRETS_EXTERNAL)
			printf("  # the External Secrets Operator and ClusterSecretStore %s: values.yaml lists the keys to store (aeterna/<key>)\n",
			       d->secret_store);
		else
			printf("  kubectl -n aeterna apply -f %s/secrets.yaml   # the secrets values.yaml refers to\n", dir);
		printf("  helm install aeterna charts/aeterna -n aeterna -f %s/values.yaml\n", dir);
		printf("  kubectl -n aeterna rollout status deployment/aeterna\n");
		if (d->mode != MODE_REMOTE && model_vector_bundled(d) && d->vector == VB_QDRANT)
			/* the qdrant chart's own test pod runs as root: skipped (charts/aeterna/README.md) */
			printf("  helm test aeterna -n aeterna --filter '!name=aeterna-qdrant-test-db-interaction'\n");
		else
			printf("  helm test aeterna -n aeterna\n");
		printf("  Authentication is off (auth.allowUnauthenticated: true in values.yaml): any caller can claim any\n"
		       "  identity and role. Turn on auth.plugin or auth.kubernetes before the server is reachable by\n"
		       "  others (charts/aeterna/README.md, \"Security\").\n");
	} else if (d->target == TARGET_COMPOSE) {
		printf("  cd %s && docker compose up -d\n", dir);
		printf("  aeterna status        # every service of the stack (or: curl http://localhost:8080/health)\n");
	}
	if (wrote_opencode)
		printf("  OpenCode: restart it to pick up the 'aeterna' MCP server (%s)%s\n", "opencode.json",
		       d->mode != MODE_LOCAL && d->central_auth == AUTH_API_KEY
			       ? "; export AETERNA_API_KEY with your central API key first" : "");
	if (d->mode == MODE_HYBRID)
		printf("  Note: cache size, offline Cedar agent and sync interval are recorded in\n"
		       "  .aeterna/config.toml; server " AETERNA_SERVER_VERSION " has no setting for them yet.\n");
	if (d->cache_password && *d->cache_password && d->target != TARGET_OPENCODE_ONLY)
		printf("  Note: server " AETERNA_SERVER_VERSION " connects to the cache without a password;\n"
		       "  the cache must accept unauthenticated connections from it.\n");
	if (d->postgres == PG_EXTERNAL && d->target != TARGET_OPENCODE_ONLY && d->pg_sslmode != SSL_PREFER &&
	    d->pg_sslmode != UNSET)
		printf("  Note: sslmode %s is recorded; server " AETERNA_SERVER_VERSION " has no TLS setting for PostgreSQL.\n",
		       model_choice(d, FLD_POSTGRES_SSLMODE));
}

/* The compose stack's local KMS key: read back from an existing .env at path (a new key could
 * not read the tenant secrets already stored), else generated. Prints why and returns -1 when
 * the existing file cannot be read or holds a malformed key. */
static int compose_kms_key(const char *path, char key[45])
{
	char *old = NULL;
	int e = 0;
	struct ae_error err;
	if (read_file(path, &old, NULL, &e, &err) < 0 && e != ENOENT) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		return -1;
	}
	int rc = 0;
	if (old && dotenv_kms_key(old, key) == 0) {
		/* kept */
	} else if (old && strstr(old, "AETERNA_LOCAL_KMS_KEY=")) {
		fprintf(stderr, "aeterna setup: %s: AETERNA_LOCAL_KMS_KEY is not the standard base64 of 32 bytes; "
				"fix or remove that line (a new key cannot read the tenant secrets already stored)\n", path);
		rc = -1;
	} else if (kms_key_generate(key) < 0) {
		fprintf(stderr, "aeterna setup: cannot generate a KMS key: %s\n", strerror(errno));
		rc = -1;
	}
	free(old);
	return rc;
}

int cmd_setup(int argc, char **argv)
{
	static const struct option base[] = {
		{ "non-interactive", no_argument, NULL, OPT_NON_INTERACTIVE },
		{ "reconfigure", no_argument, NULL, OPT_RECONFIGURE },
		{ "show", no_argument, NULL, OPT_SHOW },
		{ "validate", no_argument, NULL, OPT_VALIDATE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, OPT_HELP },
	};
	size_t nbase = sizeof(base) / sizeof(base[0]);
	size_t cap = nbase + model_field_count * 2 + 1;
	struct option *opts = calloc(cap, sizeof(*opts));
	char **names = calloc(model_field_count * 2, sizeof(*names));
	struct deployment given, d, prev;
	model_init(&given);
	model_init(&d);
	model_init(&prev);
	struct diag_list diags = {0};
	struct output outs[6];
	char kms_key[45] = ""; /* the compose stack's local KMS key; wiped at the end */
	size_t nouts = 0;
	int rc = EXIT_USAGE;
	bool non_interactive = false, reconfigure = false, do_show = false, do_validate = false,
	     dry_run = false;
	const char *dir = ".";
	struct ae_error err;

	if (!opts || !names) {
		fprintf(stderr, "aeterna setup: out of memory\n");
		goto out;
	}
	size_t n = 0;
	for (; n < nbase; n++)
		opts[n] = base[n];
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		opts[n++] = (struct option){ f->flag, f->type == F_BOOL ? optional_argument : required_argument,
					     NULL, OPT_FIELD_BASE + (int)i };
		if (f->type == F_BOOL || f->secret) {
			struct strbuf sb = {0};
			if (f->type == F_BOOL)
				strbuf_printf(&sb, "no-%s", f->flag);
			else
				strbuf_printf(&sb, "%s-file", f->flag);
			names[i] = strbuf_detach(&sb);
			opts[n++] = (struct option){ names[i], f->type == F_BOOL ? no_argument : required_argument, NULL,
						     (f->type == F_BOOL ? OPT_NO_BASE : OPT_FILE_BASE) + (int)i };
		}
	}
	opts[n] = (struct option){0};

	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		if (c == OPT_HELP) {
			print_help(stdout);
			rc = EXIT_OK;
			goto out;
		} else if (c == OPT_NON_INTERACTIVE) {
			non_interactive = true;
		} else if (c == OPT_RECONFIGURE) {
			reconfigure = true;
		} else if (c == OPT_SHOW) {
			do_show = true;
		} else if (c == OPT_VALIDATE) {
			do_validate = true;
		} else if (c == OPT_DRY_RUN) {
			dry_run = true;
		} else if (c == 'o') {
			dir = optarg;
		} else if (c >= OPT_FIELD_BASE && c < OPT_FIELD_BASE + (int)model_field_count) {
			const struct field *f = &model_fields[c - OPT_FIELD_BASE];
			if (model_set_text(&given, f, optarg ? optarg : "true", &err) < 0) {
				fprintf(stderr, "aeterna setup: %s\n", err.msg);
				goto out;
			}
			if (f->secret && *optarg)
				fprintf(stderr, "aeterna setup: warning: --%s on the command line is visible to other users; "
						"prefer $%s or --%s-file\n", f->flag, f->env, f->flag);
		} else if (c >= OPT_NO_BASE && c < OPT_NO_BASE + (int)model_field_count) {
			*model_int(&given, &model_fields[c - OPT_NO_BASE]) = 0;
		} else if (c >= OPT_FILE_BASE && c < OPT_FILE_BASE + (int)model_field_count) {
			const struct field *f = &model_fields[c - OPT_FILE_BASE];
			char *secret;
			if (read_secret_file(optarg, &secret, &err) < 0) {
				fprintf(stderr, "aeterna setup: --%s-file: %s\n", f->flag, err.msg);
				goto out;
			}
			int r = model_set_text(&given, f, secret, &err);
			free(secret);
			if (r < 0) {
				fprintf(stderr, "aeterna setup: %s\n", err.msg);
				goto out;
			}
		} else if (c == ':') {
			fprintf(stderr, "aeterna setup: %s needs a value\n", argv[optind - 1]);
			goto out;
		} else {
			fprintf(stderr, "aeterna setup: unknown option '%s' (see aeterna setup --help)\n", argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		/* "--opal false": booleans take their value after "=" */
		const struct field *b = NULL;
		for (int i = 1; i < argc && !b; i++)
			if (!strcmp(argv[i], argv[optind]) && i > 1 && !strncmp(argv[i - 1], "--", 2) &&
			    (b = model_field_by_flag(argv[i - 1] + 2)) && b->type != F_BOOL)
				b = NULL;
		if (b)
			fprintf(stderr, "aeterna setup: unexpected argument '%s': write --%s=%s (or --no-%s)\n",
				argv[optind], b->flag, argv[optind], b->flag);
		else
			fprintf(stderr, "aeterna setup: unexpected argument '%s' (see aeterna setup --help)\n", argv[optind]);
		goto out;
	}
	/* secrets from the environment, for those not given as flags */
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		const char *v = f->secret && f->env ? getenv(f->env) : NULL;
		if (v && *v && !model_is_set(&given, f) && model_set_text(&given, f, v, &err) < 0) {
			fprintf(stderr, "aeterna setup: %s\n", err.msg);
			goto out;
		}
	}

	bool dir_missing = false;
	if (dir_usable(dir, &dir_missing, &err) < 0 && !do_show) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		goto out;
	}

	int loaded = 0;
	if (reconfigure || do_show || do_validate) {
		loaded = load_config(dir, &prev, false);
		if (loaded < 0)
			goto out;
		if (loaded == 0 && (do_show || reconfigure)) {
			fprintf(stderr, "aeterna setup: no configuration in %s/.aeterna/config.toml; run 'aeterna setup' first\n", dir);
			goto out;
		}
	}
	if (do_show) {
		show(&prev, dir);
		rc = EXIT_OK;
		goto out;
	}
	if (do_validate) {
		rc = setup_validate_files(dir, loaded ? &prev : NULL);
		goto out;
	}

	/* answers: previous (reconfigure), then flags on top, then the wizard or defaults */
	if (reconfigure && model_copy(&d, &prev) < 0)
		goto oom;
	if (!reconfigure) /* only to know which keys the previous run wrote into values.yaml */
		loaded = load_config(dir, &prev, true) == 1;
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (!model_is_set(&given, f))
			continue;
		if (f->type == F_STRING) {
			if (model_set_text(&d, f, *model_str(&given, f), &err) < 0)
				goto oom;
		} else {
			*model_int(&d, f) = *model_int(&given, f);
		}
	}
	if (!non_interactive) {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fprintf(stderr, "aeterna setup: no terminal to ask questions on: pass --non-interactive and "
					"give the answers as flags (see aeterna setup --help)\n");
			goto out;
		}
		int w = wizard_run(&d, &given);
		if (w != 0) {
			rc = w;
			goto out;
		}
	}
	if (model_apply_defaults(&d, &err) < 0) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		goto out;
	}
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (model_is_set(&given, f) && !model_field_relevant(&d, f))
			fprintf(stderr, "aeterna setup: warning: --%s does not apply to this setup and is ignored\n", f->flag);
	}
	if (model_check(&d, &diags, "aeterna setup") > 0) {
		for (size_t i = 0; i < diags.len; i++)
			fprintf(stderr, "aeterna setup: error: %s\n", diags.items[i].message);
		goto out;
	}

	/* generate everything first; write only when all of it is ready */
	struct deployment masked;
	if (masked_copy(&d, &masked) < 0)
		goto oom;
	bool server_files = d.target != TARGET_OPENCODE_ONLY;
	if (server_files) {
		outs[nouts] = (struct output){ "values.yaml", path_join(dir, "values.yaml"), {0}, {0},
					       0644, true, false };
		gen_values(&d, &outs[nouts].text);
		gen_values(&masked, &outs[nouts].shown);
		if (keep_user_edits(&outs[nouts], loaded ? &prev : NULL) < 0) {
			model_free(&masked);
			goto oom;
		}
		nouts++;
		if (d.secrets_mode != SECRETS_EXTERNAL) { /* external-secrets: values.yaml only refers to the store */
			outs[nouts] = (struct output){ "secrets.yaml", path_join(dir, "secrets.yaml"), {0}, {0}, 0600, true, true };
			gen_secrets(&d, &outs[nouts].text);
			gen_secrets(&masked, &outs[nouts].shown);
			nouts++;
		}
		outs[nouts] = (struct output){ "docker-compose.yaml", path_join(dir, "docker-compose.yaml"), {0}, {0},
					       0644, true, false };
		gen_compose(&d, &outs[nouts].text);
		gen_compose(&masked, &outs[nouts].shown);
		nouts++;
		/* .env: the compose stack's secrets. The KMS key is read back from an existing .env
		 * (a new one would make the tenant secrets already stored unreadable). */
		char *env_path = path_join(dir, ".env");
		if (env_path && compose_kms_key(env_path, kms_key) < 0) {
			free(env_path);
			model_free(&masked);
			goto out;
		}
		outs[nouts] = (struct output){ ".env", env_path, {0}, {0}, 0600, true, true };
		gen_dotenv(&d, kms_key, &outs[nouts].text);
		gen_dotenv(&masked, "********", &outs[nouts].shown);
		nouts++;
	}
	outs[nouts] = (struct output){ ".aeterna/config.toml", path_join(dir, ".aeterna/config.toml"), {0}, {0}, 0600, true, false };
	model_save_toml(&d, &outs[nouts].text);
	model_save_toml(&masked, &outs[nouts].shown);
	nouts++;
	bool wrote_opencode = false;
	if (d.opencode == 1 || d.target == TARGET_OPENCODE_ONLY) {
		char *path = d.opencode_scope == OPENCODE_USER ? opencode_user_path() : path_join(dir, "opencode.json");
		if (!path) {
			fprintf(stderr, "aeterna setup: --opencode-scope user: neither XDG_CONFIG_HOME nor HOME is set\n");
			model_free(&masked);
			goto out;
		}
		char *existing = NULL;
		int e = 0;
		if (read_file(path, &existing, NULL, &e, &err) < 0 && e != ENOENT) {
			fprintf(stderr, "aeterna setup: %s\n", err.msg);
			free(path);
			model_free(&masked);
			goto out;
		}
		struct stat st;
		mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 0777) : 0644;
		outs[nouts] = (struct output){ d.opencode_scope == OPENCODE_USER ? "opencode.json (user)" : "opencode.json",
					       path, {0}, {0}, mode, true, false };
		int g = gen_opencode(&d, existing, path, &outs[nouts].text, &err);
		free(existing);
		nouts++;
		if (g < 0) {
			fprintf(stderr, "aeterna setup: %s\n", err.msg);
			model_free(&masked);
			goto out;
		}
		strbuf_puts(&outs[nouts - 1].shown, strbuf_str(&outs[nouts - 1].text));
		wrote_opencode = true;
	}
	model_free(&masked);
	for (size_t i = 0; i < nouts; i++) {
		if (!outs[i].path || strbuf_failed(&outs[i].text) || strbuf_failed(&outs[i].shown))
			goto oom;
		/* a file whose masked rendering differs holds a secret: private */
		if (outs[i].has_secret || strcmp(strbuf_str(&outs[i].text), strbuf_str(&outs[i].shown)))
			outs[i].mode = 0600;
	}

	if (dry_run) {
		struct secrets secrets = {0};
		secrets_collect(&secrets, &d);
		if (loaded)
			secrets_collect(&secrets, &prev);
		printf("Dry run: nothing is written. Changes in %s (secrets masked):\n", dir);
		for (size_t i = 0; i < nouts; i++) {
			char *cur = NULL;
			struct strbuf now = {0}, was = {0}, diff = {0};
			mask_text(strbuf_str(&outs[i].text), &secrets, &now);
			if (read_file(outs[i].path, &cur, NULL, NULL, NULL) < 0) {
				printf("\n--- %s (new)\n%s", outs[i].name, strbuf_str(&now));
			} else if (!strcmp(cur, strbuf_str(&outs[i].text))) {
				printf("\n--- %s (unchanged)\n", outs[i].name);
			} else {
				mask_text(cur, &secrets, &was);
				struct strbuf a = {0}, b = {0};
				strbuf_printf(&a, "%s (current)", outs[i].name);
				strbuf_printf(&b, "%s (new)", outs[i].name);
				text_diff(strbuf_str(&was), strbuf_str(&now), strbuf_str(&a), strbuf_str(&b), &diff);
				printf("\n%s", diff.len ? strbuf_str(&diff) : "");
				if (!diff.len) /* only a secret changed */
					printf("--- %s (a secret changes)\n", outs[i].name);
				strbuf_free(&a);
				strbuf_free(&b);
			}
			free(cur);
			strbuf_free(&now);
			strbuf_free(&was);
			strbuf_free(&diff);
		}
		secrets_free(&secrets);
		rc = EXIT_OK;
		goto out;
	}

	if (dir_missing && mkdir_p(dir, 0755) < 0) {
		fprintf(stderr, "aeterna setup: -o %s: cannot create the output directory: %s\n", dir, strerror(errno));
		goto out;
	}
	char *aeterna_dir = path_join(dir, ".aeterna");
	if (!aeterna_dir || mkdir_p(aeterna_dir, 0700) < 0) {
		fprintf(stderr, "aeterna setup: cannot create %s/.aeterna: %s\n", dir, strerror(errno));
		free(aeterna_dir);
		goto out;
	}
	if (d.opencode_scope == OPENCODE_USER && wrote_opencode) {
		char *p = strdup(outs[nouts - 1].path);
		char *slash = p ? strrchr(p, '/') : NULL;
		if (slash)
			*slash = '\0';
		if (!p || mkdir_p(p, 0755) < 0) {
			fprintf(stderr, "aeterna setup: cannot create %s: %s\n", p ? p : "the OpenCode config directory", strerror(errno));
			free(p);
			remove_new_dirs(dir_missing, dir, aeterna_dir);
			free(aeterna_dir);
			goto out;
		}
		free(p);
	}
	/* all files in one batch: nothing is replaced unless every new file could be written */
	struct atomic_batch batch = {0};
	size_t staged_of[sizeof(outs) / sizeof(outs[0])];
	bool staged[sizeof(outs) / sizeof(outs[0])] = { false };
	for (size_t i = 0; i < nouts; i++) {
		char *cur = NULL;
		if (read_file(outs[i].path, &cur, NULL, NULL, NULL) == 0 && !strcmp(cur, strbuf_str(&outs[i].text))) {
			free(cur);
			continue;
		}
		free(cur);
		struct atomic_write_opts o = { .mode = outs[i].mode, .backup = outs[i].backup };
		staged_of[i] = batch.len;
		if (atomic_batch_add(&batch, outs[i].path, outs[i].text.buf, outs[i].text.len, &o, &err) < 0) {
			fprintf(stderr, "aeterna setup: %s; nothing was written\n", err.msg);
			atomic_batch_free(&batch);
			remove_new_dirs(dir_missing, dir, aeterna_dir);
			free(aeterna_dir);
			rc = EXIT_FAILURE_;
			goto out;
		}
		staged[i] = true;
	}
	if (atomic_batch_commit(&batch, &err) < 0) {
		fprintf(stderr, "aeterna setup: %s\n", err.msg);
		atomic_batch_free(&batch);
		remove_new_dirs(dir_missing, dir, aeterna_dir);
		free(aeterna_dir);
		rc = EXIT_FAILURE_;
		goto out;
	}
	free(aeterna_dir);
	for (size_t i = 0; i < nouts; i++) {
		const char *backup = staged[i] ? batch.items[staged_of[i]].backup_path : NULL;
		if (!staged[i])
			printf("unchanged  %s\n", outs[i].name);
		else if (backup)
			printf("wrote      %s (previous version kept as %s)\n", outs[i].name, backup);
		else
			printf("wrote      %s\n", outs[i].name);
	}
	atomic_batch_free(&batch);
	print_next_steps(&d, dir, wrote_opencode);
	rc = EXIT_OK;
	goto out;

oom:
	fprintf(stderr, "aeterna setup: out of memory\n");
	rc = EXIT_FAILURE_;
out:
	for (size_t i = 0; i < nouts; i++) {
		free(outs[i].path);
		strbuf_free(&outs[i].text);
		strbuf_free(&outs[i].shown);
	}
	if (names)
		for (size_t i = 0; i < model_field_count * 2; i++)
			free(names[i]);
	free(names);
	free(opts);
	diag_list_free(&diags);
	model_free(&given);
	model_free(&d);
	model_free(&prev);
	kms_key_wipe(kms_key, sizeof(kms_key));
	return rc;
}
