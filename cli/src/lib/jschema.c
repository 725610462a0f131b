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

/* A pattern, found by its source text's address (a "pattern" value's text or a
 * patternProperties key, both owned by the schema tree). Literal patterns ("^x-", "abc") are
 * matched as text: most of the Compose Specification's are "^x-", once per object. */
enum pattern_kind { PAT_REGEX, PAT_PREFIX, PAT_CONTAINS, PAT_BAD };

struct pattern {
	const char *src;
	enum pattern_kind kind;
	pcre2_code *code;  /* PAT_REGEX */
	bool owns_code;    /* false: the same text was compiled for an earlier entry */
	pcre2_match_data *md; /* owned; made on the first match */
};

/* Patterns are compiled on first use: a run reads a few of the schema's hundred. */
struct pattern_cache {
	struct pattern *items;
	size_t len, cap;
};

/* Resolved $refs, by the address of the reference's text. */
struct ref_cache {
	struct ref { const char *ref; const struct ynode *target; } *items;
	size_t len, cap;
};

struct jschema {
	const struct ynode *root;  /* the schema */
	struct ynode *owned;       /* the tree converted from JSON by jschema_load, or NULL */
	struct pattern_cache *patterns;
	struct ref_cache *refs;
	jschema_trace_fn *trace;   /* see jschema_set_trace */
	void *trace_arg;
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

static bool is_true(const struct ynode *n) { return n->kind == Y_BOOL && n->boolean; }
static bool is_false(const struct ynode *n) { return n->kind == Y_BOOL && !n->boolean; }
static bool is_number(const struct ynode *n) { return n->kind == Y_INT || n->kind == Y_FLOAT; }
/* A count keyword's value (minLength and the like), as jansson read it: 0 unless an integer. */
static long long count_of(const struct ynode *n) { return n->kind == Y_INT ? n->integer : 0; }
static const char *text_of(const struct ynode *n) { return n->kind == Y_STRING ? n->text : NULL; }

static pcre2_code *compile(const char *src, int *errcode, PCRE2_SIZE *erroff)
{
	return pcre2_compile((PCRE2_SPTR)src, strlen(src), PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY,
			     errcode, erroff, NULL);
}

/* True when src has no regular-expression syntax after an optional leading ^. */
static bool is_literal(const char *src)
{
	for (const char *p = *src == '^' ? src + 1 : src; *p; p++)
		if (strchr("\\^$.|?*+()[]{}", *p))
			return false;
	return true;
}

/* The entry for src, made (and compiled) now when it is new. Returns -1 when out of memory. */
static int pattern_get(struct pattern_cache *pc, const char *src, const struct pattern **out)
{
	for (size_t i = 0; i < pc->len; i++)
		if (pc->items[i].src == src) {
			*out = &pc->items[i];
			return 0;
		}
	if (pc->len == pc->cap) {
		size_t cap = pc->cap ? 2 * pc->cap : 16;
		struct pattern *p = realloc(pc->items, cap * sizeof(*p));
		if (!p)
			return -1;
		pc->items = p;
		pc->cap = cap;
	}
	struct pattern *np = &pc->items[pc->len];
	*np = (struct pattern){ .src = src };
	if (is_literal(src)) {
		np->kind = *src == '^' ? PAT_PREFIX : PAT_CONTAINS;
	} else {
		for (size_t i = 0; i < pc->len && !np->code; i++)
			if (pc->items[i].kind == PAT_REGEX && !strcmp(pc->items[i].src, src))
				np->code = pc->items[i].code;
		if (!np->code) {
			int errcode;
			PCRE2_SIZE erroff;
			np->code = compile(src, &errcode, &erroff);
			np->owns_code = true;
		}
		np->kind = np->code ? PAT_REGEX : PAT_BAD;
	}
	pc->len++;
	*out = np;
	return 0;
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

static int add_pattern(struct loader *l, const char *src, const char *where)
{
	const struct pattern *pat;
	if (pattern_get(l->s->patterns, src, &pat))
		return -1;
	if (pat->kind == PAT_BAD) {
		int errcode;
		PCRE2_SIZE erroff;
		PCRE2_UCHAR buf[256];
		pcre2_code_free(compile(src, &errcode, &erroff));
		pcre2_get_error_message(errcode, buf, sizeof(buf));
		char msg[400];
		snprintf(msg, sizeof(msg), "bad pattern /%s/: %s", src, (char *)buf);
		load_error(l, where, "%s", msg);
	}
	return 0;
}

static int load_schema(struct loader *l, const struct ynode *sch, const char *where);

static int load_child(struct loader *l, const struct ynode *sch, const char *where, const char *kw, const char *sub)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s%s%s", where, kw, sub ? "/" : "", sub ? sub : "");
	return load_schema(l, sch, path);
}

/* Loads each schema of an array keyword (items as a list, allOf, anyOf, oneOf). */
static int load_items(struct loader *l, const struct ynode *arr, const char *where, const char *kw)
{
	for (size_t i = 0; i < arr->len; i++) {
		char idx[32];
		snprintf(idx, sizeof(idx), "%zu", i);
		int rc = load_child(l, arr->items[i], where, kw, idx);
		if (rc)
			return rc;
	}
	return 0;
}

static int load_schema(struct loader *l, const struct ynode *sch, const char *where)
{
	if (sch->kind == Y_BOOL)
		return 0;
	if (sch->kind != Y_MAP) {
		load_error(l, where, "%s", "a schema must be an object or a boolean");
		return 0;
	}
	for (size_t ki = 0; ki < sch->len; ki++) {
		const char *k = sch->keys[ki];
		const struct ynode *v = sch->items[ki];
		if (!is_known(k)) {
			load_error(l, where, "unknown keyword '%s'", k);
			continue;
		}
		int rc = 0;
		if (!strcmp(k, "$ref")) {
			if (!text_of(v) || v->text[0] != '#')
				load_error(l, where, "only local references (\"#/…\") are supported, not '%s'",
					   text_of(v) ? v->text : "?");
		} else if (!strcmp(k, "properties") || !strcmp(k, "patternProperties") || !strcmp(k, "definitions")) {
			for (size_t i = 0; v->kind == Y_MAP && i < v->len; i++) {
				if (!strcmp(k, "patternProperties") && (rc = add_pattern(l, v->keys[i], where)))
					return rc;
				if ((rc = load_child(l, v->items[i], where, k, v->keys[i])))
					return rc;
			}
		} else if (!strcmp(k, "dependencies")) {
			for (size_t i = 0; v->kind == Y_MAP && i < v->len; i++)
				if (v->items[i]->kind != Y_SEQ && (rc = load_child(l, v->items[i], where, k, v->keys[i])))
					return rc;
		} else if (!strcmp(k, "items") && v->kind == Y_SEQ) {
			rc = load_items(l, v, where, k);
		} else if (!strcmp(k, "allOf") || !strcmp(k, "anyOf") || !strcmp(k, "oneOf")) {
			if (v->kind != Y_SEQ || !v->len) {
				load_error(l, where, "'%s' must be a non-empty array", k);
				continue;
			}
			rc = load_items(l, v, where, k);
		} else if (!strcmp(k, "items") || !strcmp(k, "additionalItems") || !strcmp(k, "additionalProperties") ||
			   !strcmp(k, "contains") || !strcmp(k, "not") || !strcmp(k, "if") || !strcmp(k, "then") ||
			   !strcmp(k, "else") || !strcmp(k, "propertyNames")) {
			rc = load_child(l, v, where, k, NULL);
		} else if (!strcmp(k, "pattern")) {
			if (!text_of(v))
				load_error(l, where, "%s", "'pattern' must be a string");
			else
				rc = add_pattern(l, v->text, where);
		} else if (!strcmp(k, "type")) {
			static const char *const types[] = { "null", "boolean", "object", "array", "number", "integer", "string", NULL };
			size_t n = v->kind == Y_SEQ ? v->len : 1;
			for (size_t i = 0; i < n; i++) {
				const struct ynode *t = v->kind == Y_SEQ ? v->items[i] : v;
				bool ok = false;
				for (const char *const *p = types; text_of(t) && *p; p++)
					ok = ok || !strcmp(*p, t->text);
				if (!ok)
					load_error(l, where, "unknown type '%s'", text_of(t) ? t->text : "?");
			}
		}
		if (rc)
			return rc;
	}
	return 0;
}

struct jschema *jschema_load_tree(const struct ynode *root, const char *file, bool check, struct diag_list *diags)
{
	struct jschema *s = calloc(1, sizeof(*s));
	if (!s || !(s->patterns = calloc(1, sizeof(*s->patterns))) || !(s->refs = calloc(1, sizeof(*s->refs)))) {
		if (s)
			free(s->patterns);
		free(s);
		return NULL;
	}
	s->root = root;
	struct loader l = { s, file, diags, 0 };
	if (check && (load_schema(&l, root, "") || l.errors)) {
		jschema_free(s);
		return NULL;
	}
	return s;
}

struct jschema *jschema_load(json_t *root, const char *file, struct diag_list *diags)
{
	struct ynode *tree = ynode_from_json(root);
	if (!tree)
		return NULL;
	struct jschema *s = jschema_load_tree(tree, file, true, diags);
	if (!s) {
		ynode_free(tree);
		return NULL;
	}
	s->owned = tree;
	return s;
}

void jschema_set_trace(struct jschema *s, jschema_trace_fn *fn, void *arg)
{
	s->trace = fn;
	s->trace_arg = arg;
}

void jschema_free(struct jschema *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->patterns && i < s->patterns->len; i++) {
		pcre2_match_data_free(s->patterns->items[i].md);
		if (s->patterns->items[i].owns_code)
			pcre2_code_free(s->patterns->items[i].code);
	}
	if (s->patterns)
		free(s->patterns->items);
	free(s->patterns);
	if (s->refs)
		free(s->refs->items);
	free(s->refs);
	ynode_free(s->owned);
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
	return n->kind == Y_INT || (n->kind == Y_FLOAT && isfinite(n->number) &&
				     (fabs(n->number) >= 9e18 || n->number == (double)(long long)n->number));
}

static bool type_matches(const struct ynode *n, const char *t)
{
	switch (t[0]) { /* the seven names differ in their first two letters */
	case 'n':
		if (!strcmp(t, "null")) return n->kind == Y_NULL;
		if (!strcmp(t, "number")) return n->kind == Y_INT || n->kind == Y_FLOAT;
		return false;
	case 'b': return !strcmp(t, "boolean") && n->kind == Y_BOOL;
	case 'o': return !strcmp(t, "object") && n->kind == Y_MAP;
	case 'a': return !strcmp(t, "array") && n->kind == Y_SEQ;
	case 's': return !strcmp(t, "string") && n->kind == Y_STRING;
	case 'i': return !strcmp(t, "integer") && is_integral(n);
	default: return false;
	}
}

/* Compact JSON of a schema value, for messages (the spelling jansson's JSON_COMPACT gives). */
static void put_json(struct strbuf *out, const struct ynode *j)
{
	switch (j->kind) {
	case Y_NULL: strbuf_puts(out, "null"); return;
	case Y_BOOL: strbuf_puts(out, j->boolean ? "true" : "false"); return;
	case Y_INT: strbuf_printf(out, "%lld", j->integer); return;
	case Y_FLOAT: {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.17g", j->number);
		strbuf_puts(out, buf);
		if (!strpbrk(buf, ".eEn")) /* inf and nan cannot come from JSON */
			strbuf_puts(out, ".0");
		return;
	}
	case Y_STRING:
		strbuf_quote(out, j->text);
		return;
	case Y_SEQ:
		strbuf_putc(out, '[');
		for (size_t i = 0; i < j->len; i++) {
			if (i)
				strbuf_putc(out, ',');
			put_json(out, j->items[i]);
		}
		strbuf_putc(out, ']');
		return;
	case Y_MAP:
		strbuf_putc(out, '{');
		for (size_t i = 0; i < j->len; i++) {
			if (i)
				strbuf_putc(out, ',');
			strbuf_quote(out, j->keys[i]);
			strbuf_putc(out, ':');
			put_json(out, j->items[i]);
		}
		strbuf_putc(out, '}');
		return;
	}
}

/* Whether text matches the pattern whose source is src (a pattern that does not compile
 * matches: the load-time check reports it). */
static bool matches(const struct jschema *s, const char *src, const char *text, bool *oom)
{
	const struct pattern *pat;
	if (pattern_get(s->patterns, src, &pat)) {
		*oom = true;
		return true;
	}
	switch (pat->kind) {
	case PAT_PREFIX: return !strncmp(text, src + 1, strlen(src + 1));
	case PAT_CONTAINS: return strstr(text, src) != NULL;
	case PAT_BAD: return true;
	case PAT_REGEX: break;
	}
	struct pattern *mp = (struct pattern *)pat; /* the match data is a cache: logically const */
	if (!mp->md && !(mp->md = pcre2_match_data_create_from_pattern(pat->code, NULL))) {
		*oom = true;
		return true;
	}
	return pcre2_match(pat->code, (PCRE2_SPTR)text, strlen(text), 0, 0, mp->md, NULL) >= 0;
}

/* q rounded to the nearest integer (no libm: the binary does not load it) */
static double nearest(double q)
{
	if (fabs(q) >= 4503599627370496.0) /* 2^52: already an integer */
		return q;
	return (double)(long long)(q + (q < 0 ? -0.5 : 0.5));
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Resolves "#/a/b" (JSON pointer with ~0 ~1 and %-escapes) against the root. */
static const struct ynode *resolve_ref(const struct jschema *s, const char *ref)
{
	const struct ynode *cur = s->root;
	if (!ref)
		return NULL;
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
		if (cur->kind == Y_MAP) {
			cur = ynode_get(cur, seg);
		} else if (cur->kind == Y_SEQ) {
			char *end;
			long idx = strtol(seg, &end, 10);
			cur = *end || idx < 0 || (size_t)idx >= cur->len ? NULL : cur->items[idx];
		} else {
			cur = NULL;
		}
	}
	return cur;
}

/* resolve_ref, remembered: a schema's few dozen references are followed thousands of times. */
static const struct ynode *resolve_ref_cached(const struct jschema *s, const char *ref)
{
	struct ref_cache *rc = s->refs;
	for (size_t i = 0; i < rc->len; i++)
		if (rc->items[i].ref == ref)
			return rc->items[i].target;
	const struct ynode *target = resolve_ref(s, ref);
	if (ref && rc->len < 256) { /* beyond that (or out of memory), resolved each time */
		if (rc->len == rc->cap) {
			size_t cap = rc->cap ? 2 * rc->cap : 16;
			struct ref *r = realloc(rc->items, cap * sizeof(*r));
			if (!r)
				return target;
			rc->items = r;
			rc->cap = cap;
		}
		rc->items[rc->len++] = (struct ref){ ref, target };
	}
	return target;
}

/* The keywords of one schema object, found in one pass over its keys. */
struct keywords {
	const struct ynode *ref, *type, *enum_, *const_, *minimum, *maximum, *exclusive_minimum,
		*exclusive_maximum, *multiple_of, *min_length, *max_length, *pattern, *min_items, *max_items,
		*unique_items, *items, *additional_items, *contains, *min_properties, *max_properties, *required,
		*properties, *pattern_properties, *additional_properties, *property_names, *dependencies, *all_of,
		*any_of, *one_of, *not_, *if_, *then_, *else_;
};

static void scan_keywords(const struct ynode *sch, struct keywords *k)
{
	memset(k, 0, sizeof(*k));
	for (size_t i = 0; i < sch->len; i++) {
		const char *key = sch->keys[i];
		const struct ynode *v = sch->items[i], **slot = NULL;
		switch (key[0]) {
		case '$': if (!strcmp(key, "$ref")) slot = &k->ref; break;
		case 'a':
			if (!strcmp(key, "additionalProperties")) slot = &k->additional_properties;
			else if (!strcmp(key, "additionalItems")) slot = &k->additional_items;
			else if (!strcmp(key, "allOf")) slot = &k->all_of;
			else if (!strcmp(key, "anyOf")) slot = &k->any_of;
			break;
		case 'c':
			if (!strcmp(key, "const")) slot = &k->const_;
			else if (!strcmp(key, "contains")) slot = &k->contains;
			break;
		case 'd': if (!strcmp(key, "dependencies")) slot = &k->dependencies; break;
		case 'e':
			if (!strcmp(key, "enum")) slot = &k->enum_;
			else if (!strcmp(key, "else")) slot = &k->else_;
			else if (!strcmp(key, "exclusiveMinimum")) slot = &k->exclusive_minimum;
			else if (!strcmp(key, "exclusiveMaximum")) slot = &k->exclusive_maximum;
			break;
		case 'i':
			if (!strcmp(key, "items")) slot = &k->items;
			else if (!strcmp(key, "if")) slot = &k->if_;
			break;
		case 'm':
			if (!strcmp(key, "minimum")) slot = &k->minimum;
			else if (!strcmp(key, "maximum")) slot = &k->maximum;
			else if (!strcmp(key, "multipleOf")) slot = &k->multiple_of;
			else if (!strcmp(key, "minLength")) slot = &k->min_length;
			else if (!strcmp(key, "maxLength")) slot = &k->max_length;
			else if (!strcmp(key, "minItems")) slot = &k->min_items;
			else if (!strcmp(key, "maxItems")) slot = &k->max_items;
			else if (!strcmp(key, "minProperties")) slot = &k->min_properties;
			else if (!strcmp(key, "maxProperties")) slot = &k->max_properties;
			break;
		case 'n': if (!strcmp(key, "not")) slot = &k->not_; break;
		case 'o': if (!strcmp(key, "oneOf")) slot = &k->one_of; break;
		case 'p':
			if (!strcmp(key, "properties")) slot = &k->properties;
			else if (!strcmp(key, "pattern")) slot = &k->pattern;
			else if (!strcmp(key, "patternProperties")) slot = &k->pattern_properties;
			else if (!strcmp(key, "propertyNames")) slot = &k->property_names;
			break;
		case 'r': if (!strcmp(key, "required")) slot = &k->required; break;
		case 't':
			if (!strcmp(key, "type")) slot = &k->type;
			else if (!strcmp(key, "then")) slot = &k->then_;
			break;
		case 'u': if (!strcmp(key, "uniqueItems")) slot = &k->unique_items; break;
		default: break;
		}
		if (slot)
			*slot = v;
	}
}

static void validate(struct ctx *c, const struct ynode *sch, const struct ynode *n, const struct path *p,
		     unsigned kline, unsigned kcol);

/* Runs a subschema quietly; returns true when it accepts the value. */
static bool accepts(struct ctx *c, const struct ynode *sch, const struct ynode *n, const struct path *p)
{
	struct ctx q = { c->s, NULL, 0, c->depth, false };
	validate(&q, sch, n, p, 0, 0);
	c->oom = c->oom || q.oom;
	return q.errors == 0;
}

static void validate_here(struct ctx *c, const struct ynode *sch, const struct ynode *n, const struct path *p,
			  unsigned kline, unsigned kcol);

static void validate(struct ctx *c, const struct ynode *sch, const struct ynode *n, const struct path *p,
		     unsigned kline, unsigned kcol)
{
	/* a built-in subtree known at build time to satisfy this very schema node: validating a
	 * value depends on nothing but the value and the schema, so the answer stands */
	if (n->valid_under_ == sch)
		return;
	if (!c->s->trace) {
		validate_here(c, sch, n, p, kline, kcol);
		return;
	}
	int before = c->errors;
	validate_here(c, sch, n, p, kline, kcol);
	c->s->trace(c->s->trace_arg, sch, n, c->errors == before && !c->oom);
}

static void validate_here(struct ctx *c, const struct ynode *sch, const struct ynode *n, const struct path *p,
			  unsigned kline, unsigned kcol)
{
	if (is_true(sch))
		return;
	if (is_false(sch)) {
		report(c, n, kline, kcol, p, "no value is allowed here");
		return;
	}
	if (sch->kind != Y_MAP)
		return;
	if (++c->depth > 200) { /* a $ref cycle that never consumes the instance */
		report(c, n, kline, kcol, p, "schema recursion too deep");
		c->depth--;
		return;
	}
	struct keywords k;
	scan_keywords(sch, &k);
	if (k.ref) { /* draft-07: $ref ignores its siblings */
		const struct ynode *target = resolve_ref_cached(c->s, text_of(k.ref));
		if (!target)
			report(c, n, kline, kcol, p, "schema reference %s does not resolve", text_of(k.ref) ? k.ref->text : "?");
		else
			validate(c, target, n, p, kline, kcol);
		c->depth--;
		return;
	}
	const struct ynode *v;

	if ((v = k.type)) {
		bool ok = false;
		size_t cnt = v->kind == Y_SEQ ? v->len : 1;
		for (size_t i = 0; i < cnt && !ok; i++) {
			const struct ynode *t = v->kind == Y_SEQ ? v->items[i] : v;
			ok = type_matches(n, text_of(t) ? t->text : "?");
		}
		if (!ok && !c->diags) { /* a quiet trial (anyOf/oneOf): only the verdict counts */
			c->errors++;
			c->depth--;
			return;
		}
		if (!ok) {
			struct strbuf want = {0};
			for (size_t i = 0; i < cnt; i++) {
				const struct ynode *t = v->kind == Y_SEQ ? v->items[i] : v;
				strbuf_printf(&want, "%s%s", i ? (i + 1 == cnt ? " or " : ", ") : "", text_of(t) ? t->text : "?");
			}
			report(c, n, kline, kcol, p, "must be %s %s, not %s%s%s%s", strchr("aeiou", strbuf_str(&want)[0]) ? "an" : "a",
			       strbuf_str(&want), kind_name(n), n->text && n->kind != Y_STRING ? " (" : "",
			       n->text && n->kind != Y_STRING ? n->text : "", n->text && n->kind != Y_STRING ? ")" : "");
			strbuf_free(&want);
			c->depth--;
			return; /* the other keywords would only repeat the problem */
		}
	}
	if ((v = k.enum_)) {
		bool ok = false;
		for (size_t i = 0; v->kind == Y_SEQ && i < v->len && !ok; i++)
			ok = ynode_equal(n, v->items[i]);
		if (!ok) {
			struct strbuf list = {0};
			put_json(&list, v);
			report(c, n, kline, kcol, p, "must be one of %s, not %s", strbuf_str(&list), n->text ? n->text : kind_name(n));
			strbuf_free(&list);
		}
	}
	if ((v = k.const_) && !ynode_equal(n, v)) {
		struct strbuf want = {0};
		put_json(&want, v);
		report(c, n, kline, kcol, p, "must be %s", strbuf_str(&want));
		strbuf_free(&want);
	}

	if (n->kind == Y_INT || n->kind == Y_FLOAT) {
		double x = n->number;
		if ((v = k.minimum) && is_number(v) && x < v->number)
			report(c, n, kline, kcol, p, "must be at least %g, not %g", v->number, x);
		if ((v = k.maximum) && is_number(v) && x > v->number)
			report(c, n, kline, kcol, p, "must be at most %g, not %g", v->number, x);
		if ((v = k.exclusive_minimum) && is_number(v) && x <= v->number)
			report(c, n, kline, kcol, p, "must be greater than %g, not %g", v->number, x);
		if ((v = k.exclusive_maximum) && is_number(v) && x >= v->number)
			report(c, n, kline, kcol, p, "must be less than %g, not %g", v->number, x);
		if ((v = k.multiple_of) && is_number(v) && v->number > 0) {
			double q = x / v->number;
			if (!isfinite(q) || fabs(q - nearest(q)) > 1e-9 * (fabs(q) > 1.0 ? fabs(q) : 1.0))
				report(c, n, kline, kcol, p, "must be a multiple of %g, not %g", v->number, x);
		}
	}
	if (n->kind == Y_STRING) {
		size_t len = utf8_length(n->text);
		if ((v = k.min_length) && (long long)len < count_of(v))
			report(c, n, kline, kcol, p, "must be at least %lld characters long", count_of(v));
		if ((v = k.max_length) && (long long)len > count_of(v))
			report(c, n, kline, kcol, p, "must be at most %lld characters long", count_of(v));
		if ((v = k.pattern) && text_of(v) && !matches(c->s, v->text, n->text, &c->oom))
			report(c, n, kline, kcol, p, "\"%s\" does not match the pattern %s", n->text, v->text);
	}
	if (n->kind == Y_SEQ) {
		if ((v = k.min_items) && (long long)n->len < count_of(v))
			report(c, n, kline, kcol, p, "needs at least %lld items, has %zu", count_of(v), n->len);
		if ((v = k.max_items) && (long long)n->len > count_of(v))
			report(c, n, kline, kcol, p, "allows at most %lld items, has %zu", count_of(v), n->len);
		if ((v = k.unique_items) && is_true(v))
			for (size_t i = 0; i < n->len; i++)
				for (size_t j = i + 1; j < n->len; j++)
					if (ynode_equal(n->items[i], n->items[j])) {
						struct path ip = { p, NULL, j };
						report(c, n->items[j], 0, 0, &ip, "repeats item %zu (items must be unique)", i);
						i = j = n->len;
					}
		const struct ynode *items = k.items;
		if (items && items->kind == Y_SEQ) {
			size_t covered = items->len;
			for (size_t i = 0; i < n->len && i < covered; i++) {
				struct path ip = { p, NULL, i };
				validate(c, items->items[i], n->items[i], &ip, 0, 0);
			}
			if (k.additional_items)
				for (size_t i = covered; i < n->len; i++) {
					struct path ip = { p, NULL, i };
					validate(c, k.additional_items, n->items[i], &ip, 0, 0);
				}
		} else if (items) {
			for (size_t i = 0; i < n->len; i++) {
				struct path ip = { p, NULL, i };
				validate(c, items, n->items[i], &ip, 0, 0);
			}
		}
		if ((v = k.contains)) {
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
		if ((v = k.min_properties) && (long long)n->len < count_of(v))
			report(c, n, kline, kcol, p, "needs at least %lld keys", count_of(v));
		if ((v = k.max_properties) && (long long)n->len > count_of(v))
			report(c, n, kline, kcol, p, "allows at most %lld keys", count_of(v));
		if ((v = k.required))
			for (size_t i = 0; v->kind == Y_SEQ && i < v->len; i++)
				if (text_of(v->items[i]) && !ynode_get(n, v->items[i]->text))
					report(c, n, kline, kcol, p, "'%s' is required", v->items[i]->text);
		const struct ynode *props = k.properties, *pprops = k.pattern_properties, *addl = k.additional_properties,
				   *pnames = k.property_names, *deps = k.dependencies;
		for (size_t i = 0; i < n->len; i++) {
			const char *key = n->keys[i];
			struct path kp = { p, key, 0 };
			unsigned kl = n->key_line ? n->key_line[i] : 0, kc = n->key_col ? n->key_col[i] : 0;
			bool matched = false;
			const struct ynode *ps = props ? ynode_get(props, key) : NULL;
			if (ps) {
				matched = true;
				validate(c, ps, n->items[i], &kp, 0, 0);
			}
			for (size_t j = 0; pprops && pprops->kind == Y_MAP && j < pprops->len; j++) {
				if (matches(c->s, pprops->keys[j], key, &c->oom)) {
					matched = true;
					validate(c, pprops->items[j], n->items[i], &kp, 0, 0);
				}
			}
			if (!matched && addl) {
				if (is_false(addl))
					report(c, n->items[i], kl, kc, &kp, "unknown key '%s' (not allowed here by the schema)", key);
				else
					validate(c, addl, n->items[i], &kp, 0, 0);
			}
			if (pnames) {
				struct ynode name = { .kind = Y_STRING, .file = n->file, .line = kl, .col = kc, .text = (char *)key };
				if (!accepts(c, pnames, &name, &kp))
					report(c, n->items[i], kl, kc, &kp, "the key name '%s' is not allowed (propertyNames)", key);
			}
			const struct ynode *dep = deps ? ynode_get(deps, key) : NULL;
			if (dep && dep->kind == Y_SEQ) {
				for (size_t j = 0; j < dep->len; j++)
					if (text_of(dep->items[j]) && !ynode_get(n, dep->items[j]->text))
						report(c, n, kline, kcol, p, "'%s' is required when '%s' is set", dep->items[j]->text, key);
			} else if (dep) {
				validate(c, dep, n, p, kline, kcol);
			}
		}
	}

	if ((v = k.all_of))
		for (size_t i = 0; v->kind == Y_SEQ && i < v->len; i++)
			validate(c, v->items[i], n, p, kline, kcol);
	if ((v = k.any_of)) {
		bool any = false;
		for (size_t i = 0; v->kind == Y_SEQ && i < v->len && !any; i++)
			any = accepts(c, v->items[i], n, p);
		if (!any)
			report(c, n, kline, kcol, p, "matches none of the allowed shapes (anyOf)");
	}
	if ((v = k.one_of)) {
		int count = 0;
		for (size_t i = 0; v->kind == Y_SEQ && i < v->len; i++)
			count += accepts(c, v->items[i], n, p);
		if (count != 1)
			report(c, n, kline, kcol, p, count ? "matches %d of the shapes, but must match exactly one (oneOf)"
							   : "matches none of the allowed shapes (oneOf)%.0d", count);
	}
	if ((v = k.not_) && accepts(c, v, n, p))
		report(c, n, kline, kcol, p, "has a shape that is not allowed (not)");
	if ((v = k.if_)) {
		const struct ynode *branch = accepts(c, v, n, p) ? k.then_ : k.else_;
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
