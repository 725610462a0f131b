/* JSON Schema draft-07 over ynode trees. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "jschema.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "strbuf.h"

struct pattern {
	const void *key;     /* the "pattern" JSON string, or a patternProperties key (both borrowed from the schema) */
	pcre2_code *code;
};

struct jschema {
	json_t *root;
	struct pattern *patterns;
	size_t npatterns;
};

static const char *const known_keywords[] = {
	"$schema", "$id", "$ref", "$comment", "title", "description", "default", "examples",
	"definitions", "type", "enum", "const", "required", "properties", "additionalProperties",
	"patternProperties", "items", "additionalItems", "contains", "minItems", "maxItems",
	"uniqueItems", "minProperties", "maxProperties", "minimum", "maximum", "exclusiveMinimum",
	"exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "allOf", "anyOf",
	"oneOf", "not", "if", "then", "else", "dependencies", "propertyNames", "format", "readOnly",
	"writeOnly", "contentMediaType", "contentEncoding", "deprecated", NULL,
};

static bool is_known(const char *k)
{
	for (const char *const *p = known_keywords; *p; p++)
		if (!strcmp(*p, k))
			return true;
	return false;
}

/* --- loading ---------------------------------------------------------------------------- */

struct loader {
	struct jschema *s;
	const char *file;
	struct diag_list *diags;
	int errors;
};

static void load_error(struct loader *l, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void load_error(struct loader *l, const char *where, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(l->diags, DIAG_ERROR, l->file, 0, 0, "schema %s: %s", *where ? where : "(root)", msg);
	l->errors++;
}

static int add_pattern(struct loader *l, const void *key, const char *src, size_t len, const char *where)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, len, PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY,
					 &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR buf[256];
		pcre2_get_error_message(errcode, buf, sizeof(buf));
		char msg[400];
		snprintf(msg, sizeof(msg), "bad pattern /%.*s/: %s", (int)len, src, (char *)buf);
		load_error(l, where, "%s", msg);
		return 0;
	}
	struct pattern *p = realloc(l->s->patterns, (l->s->npatterns + 1) * sizeof(*p));
	if (!p) {
		pcre2_code_free(code);
		return -1;
	}
	l->s->patterns = p;
	p[l->s->npatterns].key = key;
	p[l->s->npatterns].code = code;
	l->s->npatterns++;
	return 0;
}

static int load_schema(struct loader *l, const json_t *sch, const char *where);

static int load_child(struct loader *l, const json_t *sch, const char *where, const char *kw, const char *sub)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s%s%s", where, kw, sub ? "/" : "", sub ? sub : "");
	return load_schema(l, sch, path);
}

/* Loads each schema of an array keyword (items as a list, allOf, anyOf, oneOf). */
static int load_items(struct loader *l, const json_t *arr, const char *where, const char *kw)
{
	size_t i;
	json_t *iv;
	json_array_foreach(arr, i, iv) {
		char idx[32];
		snprintf(idx, sizeof(idx), "%zu", i);
		int rc = load_child(l, iv, where, kw, idx);
		if (rc)
			return rc;
	}
	return 0;
}

static int load_schema(struct loader *l, const json_t *sch, const char *where)
{
	if (json_is_boolean(sch))
		return 0;
	if (!json_is_object(sch)) {
		load_error(l, where, "%s", "a schema must be an object or a boolean");
		return 0;
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)sch, k, v) {
		if (!is_known(k)) {
			load_error(l, where, "unknown keyword '%s'", k);
			continue;
		}
		int rc = 0;
		if (!strcmp(k, "$ref")) {
			if (!json_is_string(v) || json_string_value(v)[0] != '#')
				load_error(l, where, "only local references (\"#/…\") are supported, not '%s'",
					   json_is_string(v) ? json_string_value(v) : "?");
		} else if (!strcmp(k, "properties") || !strcmp(k, "patternProperties") || !strcmp(k, "definitions")) {
			const char *pk;
			json_t *pv;
			json_object_foreach(v, pk, pv) {
				if (!strcmp(k, "patternProperties") && (rc = add_pattern(l, pk, pk, strlen(pk), where)))
					return rc;
				if ((rc = load_child(l, pv, where, k, pk)))
					return rc;
			}
		} else if (!strcmp(k, "dependencies")) {
			const char *pk;
			json_t *pv;
			json_object_foreach(v, pk, pv)
				if (!json_is_array(pv) && (rc = load_child(l, pv, where, k, pk)))
					return rc;
		} else if (!strcmp(k, "items") && json_is_array(v)) {
			rc = load_items(l, v, where, k);
		} else if (!strcmp(k, "allOf") || !strcmp(k, "anyOf") || !strcmp(k, "oneOf")) {
			if (!json_is_array(v) || !json_array_size(v)) {
				load_error(l, where, "'%s' must be a non-empty array", k);
				continue;
			}
			rc = load_items(l, v, where, k);
		} else if (!strcmp(k, "items") || !strcmp(k, "additionalItems") || !strcmp(k, "additionalProperties") ||
			   !strcmp(k, "contains") || !strcmp(k, "not") || !strcmp(k, "if") || !strcmp(k, "then") ||
			   !strcmp(k, "else") || !strcmp(k, "propertyNames")) {
			rc = load_child(l, v, where, k, NULL);
		} else if (!strcmp(k, "pattern")) {
			if (!json_is_string(v))
				load_error(l, where, "%s", "'pattern' must be a string");
			else
				rc = add_pattern(l, v, json_string_value(v), json_string_length(v), where);
		} else if (!strcmp(k, "type")) {
			static const char *const types[] = { "null", "boolean", "object", "array", "number", "integer", "string", NULL };
			size_t n = json_is_array(v) ? json_array_size(v) : 1;
			for (size_t i = 0; i < n; i++) {
				const json_t *t = json_is_array(v) ? json_array_get(v, i) : v;
				bool ok = false;
				for (const char *const *p = types; json_is_string(t) && *p; p++)
					ok = ok || !strcmp(*p, json_string_value(t));
				if (!ok)
					load_error(l, where, "unknown type '%s'", json_is_string(t) ? json_string_value(t) : "?");
			}
		}
		if (rc)
			return rc;
	}
	return 0;
}

struct jschema *jschema_load(json_t *root, const char *file, struct diag_list *diags)
{
	struct jschema *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->root = json_incref(root);
	struct loader l = { s, file, diags, 0 };
	if (load_schema(&l, root, "") || l.errors) {
		jschema_free(s);
		return NULL;
	}
	return s;
}

void jschema_free(struct jschema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npatterns; i++)
		pcre2_code_free(s->patterns[i].code);
	free(s->patterns);
	json_decref(s->root);
	free(s);
}

/* --- validation ------------------------------------------------------------------------- */

struct ctx {
	const struct jschema *s;
	struct diag_list *diags; /* NULL: only count */
	int errors;
	int depth;
	bool oom;
};

/* The key path of a value, kept as a stack of segments while descending. */
struct path {
	const struct path *up;
	const char *key;   /* mapping key, or NULL */
	size_t index;      /* sequence index when key is NULL */
};

static void path_format(const struct path *p, struct strbuf *out)
{
	if (!p || (!p->up && !p->key && p->index == (size_t)-1))
		return;
	path_format(p->up, out);
	if (p->key) {
		if (out->len)
			strbuf_putc(out, '.');
		strbuf_puts(out, p->key);
	} else if (p->index != (size_t)-1) {
		strbuf_printf(out, "[%zu]", p->index);
	}
}

static void report(struct ctx *c, const struct ynode *n, unsigned line, unsigned col, const struct path *p,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void report(struct ctx *c, const struct ynode *n, unsigned line, unsigned col, const struct path *p,
		   const char *fmt, ...)
{
	c->errors++;
	if (!c->diags)
		return;
	struct strbuf msg = {0};
	path_format(p, &msg);
	if (!msg.len)
		strbuf_puts(&msg, "(top level)");
	strbuf_puts(&msg, ": ");
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strbuf_puts(&msg, buf);
	if (diag_add(c->diags, DIAG_ERROR, n && n->file ? n->file : "values", line ? line : n ? n->line : 0,
		     line ? col : n ? n->col : 0, "%s", strbuf_str(&msg)))
		c->oom = true;
	strbuf_free(&msg);
}

static const char *kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case Y_NULL: return "null";
	case Y_BOOL: return "boolean";
	case Y_INT: return "integer";
	case Y_FLOAT: return "number";
	case Y_STRING: return "string";
	case Y_SEQ: return "array";
	default: return "object";
	}
}

static bool is_integral(const struct ynode *n)
{
	return n->kind == Y_INT || (n->kind == Y_FLOAT && isfinite(n->number) && n->number == floor(n->number));
}

static bool type_matches(const struct ynode *n, const char *t)
{
	if (!strcmp(t, "null")) return n->kind == Y_NULL;
	if (!strcmp(t, "boolean")) return n->kind == Y_BOOL;
	if (!strcmp(t, "object")) return n->kind == Y_MAP;
	if (!strcmp(t, "array")) return n->kind == Y_SEQ;
	if (!strcmp(t, "string")) return n->kind == Y_STRING;
	if (!strcmp(t, "number")) return n->kind == Y_INT || n->kind == Y_FLOAT;
	if (!strcmp(t, "integer")) return is_integral(n);
	return false;
}

/* Deep equality of an instance value and a JSON value (JSON Schema semantics). */
static bool equal_json(const struct ynode *n, const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_NULL: return n->kind == Y_NULL;
	case JSON_TRUE: return n->kind == Y_BOOL && n->boolean;
	case JSON_FALSE: return n->kind == Y_BOOL && !n->boolean;
	case JSON_INTEGER:
	case JSON_REAL: return (n->kind == Y_INT || n->kind == Y_FLOAT) && n->number == json_number_value(j);
	case JSON_STRING: return n->kind == Y_STRING && strlen(n->text) == json_string_length(j) &&
				 !memcmp(n->text, json_string_value(j), json_string_length(j));
	case JSON_ARRAY:
		if (n->kind != Y_SEQ || n->len != json_array_size(j))
			return false;
		for (size_t i = 0; i < n->len; i++)
			if (!equal_json(n->items[i], json_array_get(j, i)))
				return false;
		return true;
	case JSON_OBJECT:
		if (n->kind != Y_MAP || n->len != json_object_size(j))
			return false;
		for (size_t i = 0; i < n->len; i++) {
			const json_t *v = json_object_get(j, n->keys[i]);
			if (!v || !equal_json(n->items[i], v))
				return false;
		}
		return true;
	}
	return false;
}

static pcre2_code *pattern_of(const struct jschema *s, const void *key)
{
	for (size_t i = 0; i < s->npatterns; i++)
		if (s->patterns[i].key == key)
			return s->patterns[i].code;
	return NULL;
}

static bool matches(const struct jschema *s, const void *key, const char *text)
{
	pcre2_code *code = pattern_of(s, key);
	if (!code)
		return true;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!md)
		return true;
	int rc = pcre2_match(code, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Resolves "#/a/b" (JSON pointer with ~0 ~1 and %-escapes) against the root. */
static const json_t *resolve_ref(const struct jschema *s, const char *ref)
{
	const json_t *cur = s->root;
	const char *p = ref + 1;
	if (*p == '/')
		p++;
	else if (*p)
		return NULL;
	char seg[512];
	while (cur && *p) {
		size_t n = 0;
		for (; *p && *p != '/'; p++) {
			char ch = *p;
			if (ch == '~' && (p[1] == '0' || p[1] == '1'))
				ch = *++p == '0' ? '~' : '/';
			else if (ch == '%' && p[1] && p[2]) {
				char hex[3] = { p[1], p[2], 0 };
				ch = (char)strtol(hex, NULL, 16);
				p += 2;
			}
			if (n + 1 < sizeof(seg))
				seg[n++] = ch;
		}
		seg[n] = '\0';
		if (*p == '/')
			p++;
		if (json_is_object(cur)) {
			cur = json_object_get(cur, seg);
		} else if (json_is_array(cur)) {
			char *end;
			long idx = strtol(seg, &end, 10);
			cur = *end || idx < 0 ? NULL : json_array_get(cur, (size_t)idx);
		} else {
			cur = NULL;
		}
	}
	return cur;
}

static void validate(struct ctx *c, const json_t *sch, const struct ynode *n, const struct path *p,
		     unsigned kline, unsigned kcol);

/* Runs a subschema quietly; returns true when it accepts the value. */
static bool accepts(struct ctx *c, const json_t *sch, const struct ynode *n, const struct path *p)
{
	struct ctx q = { c->s, NULL, 0, c->depth, false };
	validate(&q, sch, n, p, 0, 0);
	c->oom = c->oom || q.oom;
	return q.errors == 0;
}

static void validate(struct ctx *c, const json_t *sch, const struct ynode *n, const struct path *p,
		     unsigned kline, unsigned kcol)
{
	if (json_is_true(sch))
		return;
	if (json_is_false(sch)) {
		report(c, n, kline, kcol, p, "no value is allowed here");
		return;
	}
	if (!json_is_object(sch))
		return;
	if (++c->depth > 200) { /* a $ref cycle that never consumes the instance */
		report(c, n, kline, kcol, p, "schema recursion too deep");
		c->depth--;
		return;
	}
	const json_t *ref = json_object_get(sch, "$ref");
	if (ref) { /* draft-07: $ref ignores its siblings */
		const json_t *target = resolve_ref(c->s, json_string_value(ref));
		if (!target)
			report(c, n, kline, kcol, p, "schema reference %s does not resolve", json_string_value(ref));
		else
			validate(c, target, n, p, kline, kcol);
		c->depth--;
		return;
	}
	const json_t *v;

	if ((v = json_object_get(sch, "type"))) {
		bool ok = false;
		struct strbuf want = {0};
		size_t cnt = json_is_array(v) ? json_array_size(v) : 1;
		for (size_t i = 0; i < cnt; i++) {
			const json_t *t = json_is_array(v) ? json_array_get(v, i) : v;
			ok = ok || type_matches(n, json_string_value(t));
			strbuf_printf(&want, "%s%s", i ? (i + 1 == cnt ? " or " : ", ") : "", json_string_value(t));
		}
		if (!ok) {
			report(c, n, kline, kcol, p, "must be %s %s, not %s%s%s%s", strchr("aeiou", strbuf_str(&want)[0]) ? "an" : "a",
			       strbuf_str(&want), kind_name(n), n->text && n->kind != Y_STRING ? " (" : "",
			       n->text && n->kind != Y_STRING ? n->text : "", n->text && n->kind != Y_STRING ? ")" : "");
			strbuf_free(&want);
			c->depth--;
			return; /* the other keywords would only repeat the problem */
		}
		strbuf_free(&want);
	}
	if ((v = json_object_get(sch, "enum"))) {
		bool ok = false;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) ok = ok || equal_json(n, e);
		if (!ok) {
			char *list = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			report(c, n, kline, kcol, p, "must be one of %s, not %s", list ? list : "the allowed values",
			       n->text ? n->text : kind_name(n));
			free(list);
		}
	}
	if ((v = json_object_get(sch, "const")) && !equal_json(n, v)) {
		char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		report(c, n, kline, kcol, p, "must be %s", want ? want : "the constant value");
		free(want);
	}

	if (n->kind == Y_INT || n->kind == Y_FLOAT) {
		double x = n->number;
		if ((v = json_object_get(sch, "minimum")) && x < json_number_value(v))
			report(c, n, kline, kcol, p, "must be at least %g, not %g", json_number_value(v), x);
		if ((v = json_object_get(sch, "maximum")) && x > json_number_value(v))
			report(c, n, kline, kcol, p, "must be at most %g, not %g", json_number_value(v), x);
		if ((v = json_object_get(sch, "exclusiveMinimum")) && json_is_number(v) && x <= json_number_value(v))
			report(c, n, kline, kcol, p, "must be greater than %g, not %g", json_number_value(v), x);
		if ((v = json_object_get(sch, "exclusiveMaximum")) && json_is_number(v) && x >= json_number_value(v))
			report(c, n, kline, kcol, p, "must be less than %g, not %g", json_number_value(v), x);
		if ((v = json_object_get(sch, "multipleOf")) && json_number_value(v) > 0) {
			double q = x / json_number_value(v);
			if (!isfinite(q) || fabs(q - nearbyint(q)) > 1e-9 * fmax(1.0, fabs(q)))
				report(c, n, kline, kcol, p, "must be a multiple of %g, not %g", json_number_value(v), x);
		}
	}
	if (n->kind == Y_STRING) {
		size_t len = utf8_length(n->text);
		if ((v = json_object_get(sch, "minLength")) && len < (size_t)json_integer_value(v))
			report(c, n, kline, kcol, p, "must be at least %lld characters long", (long long)json_integer_value(v));
		if ((v = json_object_get(sch, "maxLength")) && len > (size_t)json_integer_value(v))
			report(c, n, kline, kcol, p, "must be at most %lld characters long", (long long)json_integer_value(v));
		if ((v = json_object_get(sch, "pattern")) && !matches(c->s, v, n->text))
			report(c, n, kline, kcol, p, "\"%s\" does not match the pattern %s", n->text, json_string_value(v));
	}
	if (n->kind == Y_SEQ) {
		if ((v = json_object_get(sch, "minItems")) && n->len < (size_t)json_integer_value(v))
			report(c, n, kline, kcol, p, "needs at least %lld items, has %zu", (long long)json_integer_value(v), n->len);
		if ((v = json_object_get(sch, "maxItems")) && n->len > (size_t)json_integer_value(v))
			report(c, n, kline, kcol, p, "allows at most %lld items, has %zu", (long long)json_integer_value(v), n->len);
		if ((v = json_object_get(sch, "uniqueItems")) && json_is_true(v))
			for (size_t i = 0; i < n->len; i++)
				for (size_t j = i + 1; j < n->len; j++)
					if (ynode_equal(n->items[i], n->items[j])) {
						struct path ip = { p, NULL, j };
						report(c, n->items[j], 0, 0, &ip, "repeats item %zu (items must be unique)", i);
						i = j = n->len;
					}
		const json_t *items = json_object_get(sch, "items");
		size_t covered = 0;
		if (json_is_array(items)) {
			covered = json_array_size(items);
			for (size_t i = 0; i < n->len && i < covered; i++) {
				struct path ip = { p, NULL, i };
				validate(c, json_array_get(items, i), n->items[i], &ip, 0, 0);
			}
			const json_t *extra = json_object_get(sch, "additionalItems");
			if (extra)
				for (size_t i = covered; i < n->len; i++) {
					struct path ip = { p, NULL, i };
					validate(c, extra, n->items[i], &ip, 0, 0);
				}
		} else if (items) {
			for (size_t i = 0; i < n->len; i++) {
				struct path ip = { p, NULL, i };
				validate(c, items, n->items[i], &ip, 0, 0);
			}
		}
		if ((v = json_object_get(sch, "contains"))) {
			bool any = false;
			for (size_t i = 0; i < n->len && !any; i++) {
				struct path ip = { p, NULL, i };
				any = accepts(c, v, n->items[i], &ip);
			}
			if (!any)
				report(c, n, kline, kcol, p, "has no item that matches the required shape (contains)");
		}
	}
	if (n->kind == Y_MAP) {
		if ((v = json_object_get(sch, "minProperties")) && n->len < (size_t)json_integer_value(v))
			report(c, n, kline, kcol, p, "needs at least %lld keys", (long long)json_integer_value(v));
		if ((v = json_object_get(sch, "maxProperties")) && n->len > (size_t)json_integer_value(v))
			report(c, n, kline, kcol, p, "allows at most %lld keys", (long long)json_integer_value(v));
		if ((v = json_object_get(sch, "required"))) {
			size_t i;
			json_t *r;
			json_array_foreach(v, i, r)
				if (json_is_string(r) && !ynode_get(n, json_string_value(r)))
					report(c, n, kline, kcol, p, "'%s' is required", json_string_value(r));
		}
		const json_t *props = json_object_get(sch, "properties");
		const json_t *pprops = json_object_get(sch, "patternProperties");
		const json_t *addl = json_object_get(sch, "additionalProperties");
		const json_t *pnames = json_object_get(sch, "propertyNames");
		const json_t *deps = json_object_get(sch, "dependencies");
		for (size_t i = 0; i < n->len; i++) {
			const char *key = n->keys[i];
			struct path kp = { p, key, 0 };
			unsigned kl = n->key_line ? n->key_line[i] : 0, kc = n->key_col ? n->key_col[i] : 0;
			bool matched = false;
			const json_t *ps = props ? json_object_get(props, key) : NULL;
			if (ps) {
				matched = true;
				validate(c, ps, n->items[i], &kp, 0, 0);
			}
			if (pprops) {
				const char *pk;
				json_t *pv;
				json_object_foreach((json_t *)pprops, pk, pv) {
					if (matches(c->s, pk, key)) {
						matched = true;
						validate(c, pv, n->items[i], &kp, 0, 0);
					}
				}
			}
			if (!matched && addl) {
				if (json_is_false(addl))
					report(c, n->items[i], kl, kc, &kp, "unknown key '%s' (not allowed here by the schema)", key);
				else
					validate(c, addl, n->items[i], &kp, 0, 0);
			}
			if (pnames) {
				struct ynode name = { .kind = Y_STRING, .file = n->file, .line = kl, .col = kc, .text = (char *)key };
				if (!accepts(c, pnames, &name, &kp))
					report(c, n->items[i], kl, kc, &kp, "the key name '%s' is not allowed (propertyNames)", key);
			}
			const json_t *dep = deps ? json_object_get(deps, key) : NULL;
			if (dep && json_is_array(dep)) {
				size_t j;
				json_t *r;
				json_array_foreach(dep, j, r)
					if (json_is_string(r) && !ynode_get(n, json_string_value(r)))
						report(c, n, kline, kcol, p, "'%s' is required when '%s' is set", json_string_value(r), key);
			} else if (dep) {
				validate(c, dep, n, p, kline, kcol);
			}
		}
	}

	if ((v = json_object_get(sch, "allOf"))) {
		size_t i;
		json_t *s;
		json_array_foreach(v, i, s) validate(c, s, n, p, kline, kcol);
	}
	if ((v = json_object_get(sch, "anyOf"))) {
		bool any = false;
		size_t i;
		json_t *s;
		json_array_foreach(v, i, s) any = any || accepts(c, s, n, p);
		if (!any)
			report(c, n, kline, kcol, p, "matches none of the allowed shapes (anyOf)");
	}
	if ((v = json_object_get(sch, "oneOf"))) {
		int count = 0;
		size_t i;
		json_t *s;
		json_array_foreach(v, i, s) count += accepts(c, s, n, p);
		if (count != 1)
			report(c, n, kline, kcol, p, count ? "matches %d of the shapes, but must match exactly one (oneOf)"
							   : "matches none of the allowed shapes (oneOf)%.0d", count);
	}
	if ((v = json_object_get(sch, "not")) && accepts(c, v, n, p))
		report(c, n, kline, kcol, p, "has a shape that is not allowed (not)");
	if ((v = json_object_get(sch, "if"))) {
		const json_t *branch = json_object_get(sch, accepts(c, v, n, p) ? "then" : "else");
		if (branch)
			validate(c, branch, n, p, kline, kcol);
	}
	c->depth--;
}

int jschema_validate(const struct jschema *s, const struct ynode *instance, struct diag_list *diags)
{
	struct ctx c = { s, diags, 0, 0, false };
	struct path root = { NULL, NULL, (size_t)-1 };
	validate(&c, s->root, instance, &root, 0, 0);
	return c.oom ? -1 : c.errors;
}
