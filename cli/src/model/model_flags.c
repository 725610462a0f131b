/* model_flags.c — answers as flags (see model_flags.h). */
#include "model_flags.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "strbuf.h"

enum {
	OPT_FIELD_BASE = 2000,   /* + field id: --<flag> */
	OPT_NO_BASE = 3000,      /* + field id: --no-<flag> (booleans) */
	OPT_FILE_BASE = 4000,    /* + field id: --<flag>-file (secrets) */
};

int model_flags_read_secret_file(const char *path, char **out, struct ae_error *err)
{
	char *data;
	if (read_file(path, &data, NULL, NULL, err) < 0)
		return -1;
	data[strcspn(data, "\r\n")] = '\0';
	*out = data;
	return 0;
}

/* "--opal false": booleans take their value after "=". The sentence for an unexpected word. */
static int unexpected(int argc, char **argv, int at, struct ae_error *err)
{
	const struct field *b = NULL;
	for (int i = 2; i < argc && !b; i++)
		if (!strcmp(argv[i], argv[at]) && !strncmp(argv[i - 1], "--", 2) &&
		    (b = model_field_by_flag(argv[i - 1] + 2)) && b->type != F_BOOL)
			b = NULL;
	if (b)
		return ae_error_set(err, "unexpected argument '%s': write --%s=%s (or --no-%s)", argv[at], b->flag,
				    argv[at], b->flag);
	return ae_error_set(err, "unexpected argument '%s' (see aeterna setup --help)", argv[at]);
}

int model_flags_parse(int argc, char **argv, const struct cmd_option *cmd, size_t ncmd,
		      int (*on_option)(void *ctx, int id, const char *arg), void *ctx,
		      struct deployment *given, struct diag_list *warnings, struct ae_error *err)
{
	size_t cap = ncmd + model_field_count * 2 + 1;
	struct option *opts = calloc(cap, sizeof(*opts));
	char **names = calloc(model_field_count, sizeof(*names));
	char shorts[64] = ":";
	int rc = -1;
	if (!opts || !names) {
		ae_error_set(err, "out of memory");
		goto out;
	}
	size_t n = 0;
	for (size_t i = 0; i < ncmd; i++) {
		opts[n++] = (struct option){ cmd[i].name, cmd[i].has_arg, NULL, cmd[i].id };
		if (cmd[i].short_name && strlen(shorts) + 3 < sizeof(shorts)) {
			size_t l = strlen(shorts);
			shorts[l++] = cmd[i].short_name;
			if (cmd[i].has_arg == required_argument)
				shorts[l++] = ':';
			shorts[l] = '\0';
		}
	}
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		opts[n++] = (struct option){ f->flag, f->type == F_BOOL ? optional_argument : required_argument,
					     NULL, OPT_FIELD_BASE + (int)i };
		if (f->type == F_BOOL || f->secret) {
			struct strbuf sb = {0};
			strbuf_printf(&sb, f->type == F_BOOL ? "no-%s" : "%s-file", f->flag);
			if (strbuf_failed(&sb)) {
				ae_error_set(err, "out of memory");
				goto out;
			}
			names[i] = strbuf_detach(&sb);
			opts[n++] = (struct option){ names[i], f->type == F_BOOL ? no_argument : required_argument, NULL,
						     (f->type == F_BOOL ? OPT_NO_BASE : OPT_FILE_BASE) + (int)i };
		}
	}
	opts[n] = (struct option){0};

	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		if (c >= OPT_FIELD_BASE && c < OPT_FIELD_BASE + (int)model_field_count) {
			const struct field *f = &model_fields[c - OPT_FIELD_BASE];
			if (model_set_text(given, f, optarg ? optarg : "true", err) < 0)
				goto out;
			if (f->secret && *optarg)
				diag_add(warnings, DIAG_WARNING, "flags", 0, 0,
					 "--%s on the command line is visible to other users; prefer $%s or --%s-file",
					 f->flag, f->env, f->flag);
		} else if (c >= OPT_NO_BASE && c < OPT_NO_BASE + (int)model_field_count) {
			*model_int(given, &model_fields[c - OPT_NO_BASE]) = 0;
		} else if (c >= OPT_FILE_BASE && c < OPT_FILE_BASE + (int)model_field_count) {
			const struct field *f = &model_fields[c - OPT_FILE_BASE];
			char *secret;
			struct ae_error e2;
			if (model_flags_read_secret_file(optarg, &secret, &e2) < 0) {
				ae_error_set(err, "--%s-file: %s", f->flag, e2.msg);
				goto out;
			}
			int r = model_set_text(given, f, secret, err);
			free(secret);
			if (r < 0)
				goto out;
		} else if (c == ':') {
			ae_error_set(err, "%s needs a value", argv[optind - 1]);
			goto out;
		} else if (c == '?') {
			ae_error_set(err, "unknown option '%s' (see aeterna setup --help)", argv[optind - 1]);
			goto out;
		} else {
			int r = on_option(ctx, c, optarg);
			if (r) {
				rc = r;
				goto out;
			}
		}
	}
	if (optind < argc) {
		unexpected(argc, argv, optind, err);
		goto out;
	}
	rc = 0;
out:
	if (names)
		for (size_t i = 0; i < model_field_count; i++)
			free(names[i]);
	free(names);
	free(opts);
	return rc;
}

int model_flags_env(struct deployment *given, struct ae_error *err)
{
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		const char *v = f->secret && f->env ? getenv(f->env) : NULL;
		if (v && *v && !model_is_set(given, f) && model_set_text(given, f, v, err) < 0)
			return -1;
	}
	return 0;
}

int model_flags_apply(struct deployment *d, const struct deployment *given, struct ae_error *err)
{
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (!model_is_set(given, f))
			continue;
		if (f->type == F_STRING) {
			if (model_set_text(d, f, *model_str((struct deployment *)given, f), err) < 0)
				return -1;
		} else {
			*model_int(d, f) = *model_int((struct deployment *)given, f);
		}
	}
	return 0;
}

void model_flags_ignored(const struct deployment *d, const struct deployment *given, struct diag_list *warnings)
{
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (model_is_set(given, f) && !model_field_relevant(d, f))
			diag_add(warnings, DIAG_WARNING, "flags", 0, 0, "--%s does not apply to this setup and is ignored", f->flag);
	}
}

void model_flags_help(FILE *out)
{
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
}
