/* model_toml.c — .aeterna/config.toml: the answers saved by `aeterna setup` and read back by
 * --reconfigure, --show, `aeterna validate --config` and `aeterna status`. */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "toml.h"

struct toml_ctx {
	const struct deployment *d;
	struct strbuf *out;
};

static void toml_answer(void *vctx, const struct field *f, bool new_section)
{
	struct toml_ctx *ctx = vctx;
	if (new_section)
		toml_table(ctx->out, f->section);
	if (f->type == F_INT)
		toml_int(ctx->out, f->key, *model_int((struct deployment *)ctx->d, f));
	else if (f->type == F_BOOL)
		toml_bool(ctx->out, f->key, *model_int((struct deployment *)ctx->d, f) != 0);
	else {
		struct strbuf v = {0};
		model_format(ctx->d, f, false, &v); /* strings as they are, enums by name */
		toml_string(ctx->out, f->key, strbuf_str(&v));
		if (strbuf_failed(&v))
			ctx->out->failed = true;
		strbuf_free(&v);
	}
}

void model_save_toml(const struct deployment *d, struct strbuf *out)
{
	toml_comment(out, "Aeterna setup answers, written by `aeterna setup` (" AETERNA_VERSION ").\n"
			  "`aeterna setup --reconfigure` reads them back as defaults; keys are documented\n"
			  "in the README (\"config.toml\"). This file may hold secrets: keep it private.");
	struct toml_ctx ctx = { d, out };
	model_each_answer(d, toml_answer, &ctx);
}

struct load_ctx {
	struct deployment *d;
	const char *path;
	struct diag_list *diags;
	size_t errors;
};

static int load_key(void *vctx, const char *table, const char *key, const struct toml_value *v,
		    unsigned line, unsigned col)
{
	struct load_ctx *ctx = vctx;
	const struct field *f = model_field_by_key(table, key);
	if (!f) {
		diag_add(ctx->diags, DIAG_ERROR, ctx->path, line, col, "unknown key '%s' in [%s]", key, table);
		ctx->errors++;
		return 0;
	}
	struct ae_error err;
	char num[32];
	const char *text = NULL;
	bool ok;
	switch (f->type) {
	case F_STRING:
	case F_ENUM: ok = v->type == TOML_STRING; text = v->str; break;
	case F_INT:
		ok = v->type == TOML_INT;
		snprintf(num, sizeof(num), "%lld", (long long)v->i);
		text = num;
		break;
	case F_BOOL: ok = v->type == TOML_BOOL; text = v->b ? "true" : "false"; break;
	default: ok = false;
	}
	if (!ok) {
		diag_add(ctx->diags, DIAG_ERROR, ctx->path, line, col, "[%s] %s must be a %s", table, key,
			 f->type == F_INT ? "number" : f->type == F_BOOL ? "boolean (true/false)" : "string");
		ctx->errors++;
		return 0;
	}
	if (model_set_text(ctx->d, f, text, &err) < 0) {
		/* messages name the flag; here the key is what the user sees */
		const char *msg = strstr(err.msg, " must ");
		diag_add(ctx->diags, DIAG_ERROR, ctx->path, line, col, "[%s] %s%s", table, key, msg ? msg : err.msg);
		ctx->errors++;
	}
	return 0;
}

size_t model_load_toml(struct deployment *d, const char *text, const char *path,
		       struct diag_list *diags)
{
	struct load_ctx ctx = { d, path, diags, 0 };
	unsigned line = 0, col = 0;
	char msg[256];
	if (toml_parse(text, load_key, &ctx, &line, &col, msg, sizeof(msg)) < 0) {
		diag_add(diags, DIAG_ERROR, path, line, col, "%s", msg);
		ctx.errors++;
	}
	return ctx.errors;
}
