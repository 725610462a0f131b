/* aeterna validate — values files against the chart's schema and rules, a docker-compose file
 * against the Compose Specification, and .aeterna/config.toml against its documented shape.
 * Every problem in one run, as file:line:col with the source line and a caret, or as JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "atomic_file.h"
#include "cli_doc.h"
#include "docs.h"
#include "commands.h"
#include "diag.h"
#include "embedded.h"
#include "jschema.h"
#include "json_out.h"
#include "model.h"
#include "rules.h"
#include "strbuf.h"
#include "ytree.h"

#define MAX_FILES 32

static const char *const api_choices[] = { "postgresql.cnpg.io/v1", "psmdb.percona.com/v1", "monitoring.coreos.com/v1",
					    "autoscaling.k8s.io/v1", "external-secrets.io/v1", NULL };

/* The options: the parser, --help, the man page and the completions all read this table. */
static const struct cli_opt validate_opts[] = {
	{ "values", 'f', CLI_ARG_FILE, "FILE", NULL, NULL,
	  "a values file for charts/aeterna; repeat to layer them like helm (later files win, maps merge, "
	  "lists replace, null deletes)", 1, 'f' },
	{ "schema", 0, CLI_ARG_FILE, "FILE", NULL, NULL, "a JSON Schema to use instead of the chart's built-in one", 0, 's' },
	{ "compose", 0, CLI_ARG_FILE, "FILE", NULL, NULL, "a docker-compose.yaml (Compose Specification)", 0, 'c' },
	{ "config", 0, CLI_ARG_FILE, "FILE", NULL, NULL, "an .aeterna/config.toml written by aeterna setup", 0, 't' },
	{ "api-versions", 0, CLI_ARG_CHOICE, "API", api_choices, NULL,
	  "an API the target cluster serves (repeat); with it, the rules that need an operator apply", 1, 'a' },
	{ "json", 0, CLI_ARG_NONE, NULL, NULL, NULL, "print the findings as a JSON array", 0, 'j' },
	{ "help", 'h', CLI_ARG_NONE, NULL, NULL, NULL, "show this help", 0, 'h' },
};

const struct cli_doc validate_doc = {
	.name = "validate",
	.summary = "check values files, docker-compose.yaml and config.toml without a cluster",
	.synopsis = "[-f values.yaml]... [--compose FILE] [--config FILE] [options]",
	.description =
		"Checks deployment files without a cluster and reports every problem at once, as "
		"file:line:col with the source line and a caret, or as JSON.\n\n"
		"Without files, checks ./values.yaml, ./docker-compose.yaml and ./.aeterna/config.toml where "
		"they exist. Values are checked on top of the chart's defaults, against its values.schema.json "
		"and the cross-key rules its templates enforce.",
	.opts = validate_opts,
	.nopts = sizeof(validate_opts) / sizeof(validate_opts[0]),
	.exit_status = "0\tvalid (warnings allowed)\n1\tproblems found\n2\tusage or I/O error",
	.examples = "aeterna validate -f values.yaml -f prod-values.yaml\tlayered values, checked like helm merges them\n"
		    "aeterna validate --compose docker-compose.yaml --json\ta compose file, findings as JSON",
};

static void print_help(FILE *out)
{
	struct strbuf sb = {0};
	cli_doc_usage(&validate_doc, 92, &sb);
	fputs(strbuf_str(&sb), out);
	strbuf_free(&sb);
}

/* Sources whose lines we can quote: file name → text (borrowed). */
struct source {
	const char *file;
	const char *text;
	size_t len;
};
struct sources {
	struct source items[MAX_FILES + 4];
	size_t len;
};

static void sources_add(struct sources *s, const char *file, const char *text, size_t len)
{
	if (s->len < sizeof(s->items) / sizeof(s->items[0]))
		s->items[s->len++] = (struct source){ file, text, len };
}

/* The text of a line of a source. Diagnostics come sorted, so the search resumes from the
 * previous answer when it can (printing stays linear in the file). */
static const char *source_line(const struct sources *s, const char *file, unsigned line, size_t *len)
{
	static const char *last_text, *last_p;
	static unsigned last_line;
	for (size_t i = 0; i < s->len; i++) {
		if (strcmp(s->items[i].file, file))
			continue;
		const char *p = s->items[i].text, *end = p + s->items[i].len;
		unsigned l = 1;
		if (last_text == s->items[i].text && last_p && last_line <= line)
			p = last_p, l = last_line;
		for (; l < line && p; l++) {
			p = memchr(p, '\n', (size_t)(end - p));
			if (p)
				p++;
		}
		if (!p || p > end)
			return NULL;
		last_text = s->items[i].text;
		last_p = p;
		last_line = line;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		*len = (size_t)((nl ? nl : end) - p);
		return p;
	}
	return NULL;
}

static void print_text(const struct diag_list *d, const struct sources *src, bool color)
{
	for (size_t i = 0; i < d->len; i++) {
		const struct diag *x = &d->items[i];
		struct diag_list one = { (struct diag *)x, 1, 1 };
		diag_print_all(stdout, &one, color);
		size_t len;
		const char *line = x->line ? source_line(src, x->file, x->line, &len) : NULL;
		if (!line)
			continue;
		printf("  %.*s\n  ", (int)len, line);
		for (unsigned c = 1; c < x->col && c <= len; c++)
			putchar(line[c - 1] == '\t' ? '\t' : ' ');
		printf("%s^%s\n", color ? "\033[1;32m" : "", color ? "\033[0m" : "");
	}
}

static void print_json(const struct diag_list *d)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < d->len; i++) {
		const struct diag *x = &d->items[i];
		json_t *o = json_pack("{s:s, s:i, s:i, s:s, s:s}", "file", x->file, "line", (int)x->line, "column",
				      (int)x->col, "severity", diag_severity_name(x->severity), "message", x->message);
		/* the key path is the message up to ": " when it has one */
		const char *colon = strstr(x->message, ": ");
		if (o && colon && !memchr(x->message, ' ', (size_t)(colon - x->message)))
			json_object_set_new(o, "path", json_stringn(x->message, (size_t)(colon - x->message)));
		json_array_append_new(arr, o);
	}
	json_print_release(stdout, arr, false);
}

/* Loads a schema from a file, or the built-in one (a static tree checked when it was built). */
static struct jschema *load_schema(const char *path, const struct ynode *builtin, const char *builtin_name,
				   struct diag_list *d)
{
	if (!path) {
		struct jschema *s = jschema_load_tree(builtin, builtin_name, false, d);
		if (!s)
			diag_add(d, DIAG_ERROR, builtin_name, 0, 0, "out of memory");
		return s;
	}
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);
	if (!j) {
		diag_add(d, DIAG_ERROR, path, (unsigned)(jerr.line > 0 ? jerr.line : 0),
			 (unsigned)(jerr.column > 0 ? jerr.column : 0), "not a JSON schema: %s", jerr.text);
		return NULL;
	}
	struct jschema *s = jschema_load(j, path, d);
	json_decref(j);
	return s;
}

static bool exists(const char *p) { return access(p, F_OK) == 0; }

int cmd_validate(int argc, char **argv)
{
	struct option opts[sizeof(validate_opts) / sizeof(validate_opts[0]) + 1];
	char shorts[3 + 2 * sizeof(validate_opts) / sizeof(validate_opts[0])];
	cli_doc_getopt(&validate_doc, opts, shorts, sizeof(shorts));
	const char *values[MAX_FILES], *apis[64];
	size_t nvalues = 0, napis = 0;
	const char *schema_path = NULL, *compose_path = NULL, *config_path = NULL;
	bool json = false, apis_given = false;
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (nvalues == MAX_FILES) {
				fprintf(stderr, "aeterna validate: at most %d values files\n", MAX_FILES);
				return EXIT_USAGE;
			}
			values[nvalues++] = optarg;
			break;
		case 's': schema_path = optarg; break;
		case 'c': compose_path = optarg; break;
		case 't': config_path = optarg; break;
		case 'a':
			apis_given = true;
			if (napis < 64)
				apis[napis++] = optarg;
			break;
		case 'j': json = true; break;
		case 'h': print_help(stdout); return EXIT_OK;
		default:
			fprintf(stderr, "aeterna validate: %s '%s'\nRun 'aeterna validate --help' for the options.\n",
				optopt ? "option needs a value or is unknown:" : "unknown option:", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "aeterna validate: unexpected argument '%s' (values files go after -f)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!nvalues && !compose_path && !config_path) {
		if (exists("values.yaml"))
			values[nvalues++] = "values.yaml";
		if (exists("docker-compose.yaml"))
			compose_path = "docker-compose.yaml";
		if (exists(".aeterna/config.toml"))
			config_path = ".aeterna/config.toml";
		if (!nvalues && !compose_path && !config_path) {
			fprintf(stderr, "aeterna validate: nothing to validate here: pass -f values.yaml, --compose FILE or --config FILE\n");
			return EXIT_USAGE;
		}
	}

	struct diag_list d = {0};
	struct sources src = {0};
	struct ytree trees[MAX_FILES + 2];
	size_t ntrees = 0;
	char *config_text = NULL;
	int io_errors = 0, rc = EXIT_OK;
	bool rules_skipped = false;

	if (nvalues) {
		/* the chart's defaults (built in, parsed when the binary was built): findings about a
		 * default value point at its line there */
		const struct ynode *defaults = embedded_values_tree;
		sources_add(&src, "charts/aeterna/values.yaml", (const char *)embedded_values_yaml, embedded_values_yaml_len);
		/* as helm does: the user's files merged in order, then the chart's defaults coalesced in */
		struct ynode *merged = ynode_new(Y_MAP);
		bool parsed = merged != NULL;
		for (size_t i = 0; i < nvalues && merged; i++) {
			struct ytree *t = &trees[ntrees++];
			size_t before = d.len;
			if (ytree_load(t, values[i], &d)) {
				parsed = false;
				if (d.len > before && d.items[before].line == 0)
					io_errors++;
				continue;
			}
			sources_add(&src, t->file, t->text, t->len);
			if (t->root->kind != Y_MAP && t->root->kind != Y_NULL) {
				diag_add(&d, DIAG_ERROR, t->file, t->root->line, t->root->col,
					 "a values file is a mapping of keys, not a %s", t->root->kind == Y_SEQ ? "list" : "single value");
				parsed = false;
				continue;
			}
			/* helm drops a section set to null, and the chart's templates then fail on it: every
			 * non-empty section of the chart's defaults is read by them, except the subcharts'
			 * own sections and those rendered only when set (cli/tests/validate_helm_test.py
			 * checks every section against helm) */
			static const char *const may_be_null[] = { "valkey", "weaviate", "containerSecurityContext",
								   "podSecurityContext", "resources", "updateStrategy" };
			for (size_t k = 0; t->root->kind == Y_MAP && k < t->root->len; k++) {
				const char *key = t->root->keys[k];
				const struct ynode *dv = ynode_get(defaults, key);
				bool exempt = false;
				for (size_t x = 0; x < sizeof(may_be_null) / sizeof(*may_be_null); x++)
					exempt = exempt || !strcmp(key, may_be_null[x]);
				if (t->root->items[k]->kind == Y_NULL && dv && dv->kind == Y_MAP && dv->len && !exempt)
					diag_add(&d, DIAG_ERROR, t->file, t->root->key_line[k], t->root->key_col[k],
						 "%s: null removes the chart's whole %s section, which its templates read: set the keys inside it instead",
						 key, key);
			}
			if (t->root->kind == Y_MAP && ynode_merge_values(&merged, t->root)) {
				ynode_free(merged);
				merged = NULL;
			}
		}
		if (merged && ynode_coalesce(merged, defaults)) {
			ynode_free(merged);
			merged = NULL;
		}
		if (!merged) {
			fprintf(stderr, "aeterna validate: out of memory\n");
			rc = EXIT_USAGE;
			goto out;
		}
		if (parsed) { /* schema and rules only make sense on files that parsed */
			struct jschema *s = load_schema(schema_path, embedded_values_schema_tree,
							"charts/aeterna/values.schema.json", &d);
			if (!s) {
				io_errors++;
			} else {
				size_t before = d.len;
				jschema_validate(s, merged, &d);
				jschema_free(s);
				/* the rules read typed values: run them when the shape is right */
				if (d.len == before || !diag_count(&d, DIAG_ERROR)) {
					struct rules_apis ra = { apis_given, apis, napis };
					rules_check(merged, &ra, &d);
				} else {
					rules_skipped = true;
				}
			}
		}
		ynode_free(merged);
	}

	if (compose_path) {
		struct ytree *t = &trees[ntrees++];
		size_t before = d.len;
		if (ytree_load(t, compose_path, &d) == 0) {
			sources_add(&src, t->file, t->text, t->len);
			struct jschema *s = load_schema(NULL, embedded_compose_schema_tree, "compose-spec.json", &d);
			if (s) {
				jschema_validate(s, t->root, &d);
				jschema_free(s);
			} else {
				io_errors++;
			}
		} else if (d.len > before && d.items[before].line == 0) {
			io_errors++;
		}
	}

	if (config_path) {
		int e = 0;
		struct ae_error err;
		size_t len = 0;
		if (read_file(config_path, &config_text, &len, &e, &err) < 0) {
			diag_add(&d, DIAG_ERROR, config_path, 0, 0, "cannot read: %s", strerror(e));
			io_errors++;
		} else {
			sources_add(&src, config_path, config_text, len);
			struct deployment dep;
			model_init(&dep);
			if (model_load_toml(&dep, config_text, config_path, &d) == 0) {
				struct deployment full;
				model_init(&full);
				if (model_copy(&full, &dep) == 0 && model_apply_defaults(&full, &err) == 0)
					model_check(&full, &d, config_path);
				model_free(&full);
			}
			model_free(&dep);
		}
	}

	diag_sort(&d);
	if (rules_skipped) /* last, after the errors it speaks of */
		diag_add(&d, DIAG_NOTE, values[nvalues - 1], 0, 0,
			 "the chart's cross-key rules were not checked; they run once the schema errors are fixed");
	if (json)
		print_json(&d);
	else
		print_text(&d, &src, diag_use_color(STDOUT_FILENO));
	size_t errors = diag_count(&d, DIAG_ERROR);
	if (!json)
		fprintf(stderr, "%s%zu error%s, %zu warning%s\n", errors ? "" : "valid: ", errors, errors == 1 ? "" : "s",
			diag_count(&d, DIAG_WARNING), diag_count(&d, DIAG_WARNING) == 1 ? "" : "s");
	rc = io_errors ? EXIT_USAGE : errors ? EXIT_FAILURE_ : EXIT_OK;
out:
	for (size_t i = 0; i < ntrees; i++)
		ytree_free(&trees[i]);
	free(config_text);
	diag_list_free(&d);
	return rc;
}
