/* YAML → ynode trees with positions, scalars resolved like Helm (go-yaml, YAML 1.1). */
#include "ytree.h"
#include "ytree_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#define MAX_DEPTH 64
#define MAX_ALIAS_NODES 100000

struct ynode *ynode_new(enum ynode_kind kind)
{
	struct ynode *n = calloc(1, sizeof(*n));
	if (n)
		n->kind = kind;
	return n;
}

void ynode_free(struct ynode *n)
{
	if (!n || n->static_)
		return;
	for (size_t i = 0; i < n->len; i++) {
		ynode_free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items); /* the keys and their positions live in the same block (ytree_append_) */
	free(n->text);
	free(n->index_);
	free(n);
}

/* --- key index: mappings of INDEX_MIN keys or more are looked up through a hash table --- */

enum { INDEX_MIN = 16 };

static size_t key_hash(const char *k)
{
	size_t h = (size_t)14695981039346656037ULL;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * (size_t)1099511628211ULL;
	return h;
}

static void index_put(struct ynode *n, size_t pos)
{
	size_t h = key_hash(n->keys[pos]) & n->index_mask_;
	for (;; h = (h + 1) & n->index_mask_) {
		size_t s = n->index_[h];
		if (!s || !strcmp(n->keys[s - 1], n->keys[pos])) {
			n->index_[h] = pos + 1; /* a later duplicate wins, like the linear search from the end */
			return;
		}
	}
}

/* Makes the index match the keys; returns false (no index) when memory runs out. */
static bool index_sync(struct ynode *n)
{
	if (n->index_ && n->index_len_ == n->len)
		return true;
	size_t cap = 32;
	while (cap < 2 * n->len)
		cap <<= 1;
	if (!n->index_ || n->index_mask_ + 1 < cap || n->index_len_ > n->len) {
		size_t *ix = calloc(cap, sizeof(*ix));
		if (!ix)
			return false;
		free(n->index_);
		n->index_ = ix;
		n->index_mask_ = cap - 1;
		n->index_len_ = 0;
	}
	for (size_t i = n->index_len_; i < n->len; i++)
		index_put(n, i);
	n->index_len_ = n->len;
	return true;
}

static void index_drop(struct ynode *n)
{
	free(n->index_);
	n->index_ = NULL;
	n->index_len_ = 0;
}

/* Position of key in mapping n (the last one when repeated), or n->len. */
static size_t key_pos(const struct ynode *cn, const char *key)
{
	struct ynode *n = (struct ynode *)cn; /* the index is a cache: logically const */
	if (n->len >= INDEX_MIN && index_sync(n)) {
		for (size_t h = key_hash(key) & n->index_mask_;; h = (h + 1) & n->index_mask_) {
			size_t s = n->index_[h];
			if (!s)
				return n->len;
			if (!strcmp(n->keys[s - 1], key))
				return s - 1;
		}
	}
	for (size_t i = n->len; i-- > 0;)
		if (!strcmp(n->keys[i], key))
			return i;
	return n->len;
}

/* see ytree_internal.h */
int ytree_append_(struct ynode *n, const char *key, unsigned kline, unsigned kcol, struct ynode *child)
{
	char *k = NULL;
	if (n->kind == Y_MAP && !(k = strdup(key ? key : "")))
		return -1;
	if (ytree_append_owned_(n, k, kline, kcol, child) < 0) {
		free(k);
		return -1;
	}
	return 0;
}

int ytree_append_owned_(struct ynode *n, char *key, unsigned kline, unsigned kcol, struct ynode *child)
{
	if (n->len == n->cap_) {
		/* one block: items, then (mappings) keys, key lines and key columns */
		size_t cap = n->cap_ ? 2 * n->cap_ : 4;
		size_t per = sizeof(*n->items) + (n->kind == Y_MAP ? sizeof(*n->keys) + 2 * sizeof(unsigned) : 0);
		if (cap > SIZE_MAX / per)
			return -1;
		struct ynode **items = malloc(cap * per);
		if (!items)
			return -1;
		if (n->len)
			memcpy(items, n->items, n->len * sizeof(*items));
		if (n->kind == Y_MAP) {
			char **keys = (char **)(items + cap);
			unsigned *kl = (unsigned *)(keys + cap), *kc = kl + cap;
			if (n->len) {
				memcpy(keys, n->keys, n->len * sizeof(*keys));
				memcpy(kl, n->key_line, n->len * sizeof(*kl));
				memcpy(kc, n->key_col, n->len * sizeof(*kc));
			}
			n->keys = keys;
			n->key_line = kl;
			n->key_col = kc;
		}
		free(n->items);
		n->items = items;
		n->cap_ = cap;
	}
	if (n->kind == Y_MAP) {
		n->keys[n->len] = key;
		n->key_line[n->len] = kline;
		n->key_col[n->len] = kcol;
	}
	n->items[n->len++] = child;
	return 0;
}

static size_t ynode_count(const struct ynode *n)
{
	size_t c = 1;
	for (size_t i = 0; i < n->len; i++)
		c += ynode_count(n->items[i]);
	return c;
}

struct ynode *ynode_clone(const struct ynode *n)
{
	if (!n)
		return NULL;
	struct ynode *c = ynode_new(n->kind);
	if (!c)
		return NULL;
	c->file = n->file;
	c->line = n->line;
	c->col = n->col;
	c->boolean = n->boolean;
	c->integer = n->integer;
	c->number = n->number;
	if (n->text && !(c->text = strdup(n->text)))
		goto fail;
	for (size_t i = 0; i < n->len; i++) {
		struct ynode *child = ynode_clone(n->items[i]);
		if (!child || ytree_append_(c, n->keys ? n->keys[i] : NULL, n->key_line ? n->key_line[i] : 0,
					   n->key_col ? n->key_col[i] : 0, child)) {
			ynode_free(child);
			goto fail;
		}
	}
	return c;
fail:
	ynode_free(c);
	return NULL;
}

struct ynode *ynode_get(const struct ynode *n, const char *key)
{
	if (!n || n->kind != Y_MAP)
		return NULL;
	size_t i = key_pos(n, key);
	return i < n->len ? n->items[i] : NULL;
}

struct ynode *ynode_path(const struct ynode *root, const char *dotted)
{
	const struct ynode *n = root;
	char key[256];
	while (n && *dotted) {
		size_t k = strcspn(dotted, ".");
		if (k >= sizeof(key))
			return NULL;
		memcpy(key, dotted, k);
		key[k] = '\0';
		n = ynode_get(n, key);
		dotted += k + (dotted[k] == '.');
	}
	return (struct ynode *)n;
}

bool ynode_truthy(const struct ynode *n)
{
	if (!n)
		return false;
	switch (n->kind) {
	case Y_NULL: return false;
	case Y_BOOL: return n->boolean;
	case Y_INT:
	case Y_FLOAT: return n->number != 0;
	case Y_STRING: return n->text && *n->text;
	default: return n->len > 0;
	}
}

bool ynode_equal(const struct ynode *a, const struct ynode *b)
{
	bool an = a->kind == Y_INT || a->kind == Y_FLOAT, bn = b->kind == Y_INT || b->kind == Y_FLOAT;
	if (an && bn)
		return a->number == b->number;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case Y_NULL: return true;
	case Y_BOOL: return a->boolean == b->boolean;
	case Y_STRING: return !strcmp(a->text, b->text);
	case Y_SEQ:
		if (a->len != b->len)
			return false;
		for (size_t i = 0; i < a->len; i++)
			if (!ynode_equal(a->items[i], b->items[i]))
				return false;
		return true;
	case Y_MAP:
		if (a->len != b->len)
			return false;
		for (size_t i = 0; i < a->len; i++) {
			const struct ynode *o = ynode_get(b, a->keys[i]);
			if (!o || !ynode_equal(a->items[i], o))
				return false;
		}
		return true;
	default: return false;
	}
}

struct ynode *ynode_from_json(const json_t *j)
{
	struct ynode *n = NULL;
	switch (json_typeof(j)) {
	case JSON_NULL: return ynode_new(Y_NULL);
	case JSON_TRUE:
	case JSON_FALSE:
		if ((n = ynode_new(Y_BOOL)))
			n->boolean = json_is_true(j);
		return n;
	case JSON_INTEGER:
		if ((n = ynode_new(Y_INT))) {
			n->integer = json_integer_value(j);
			n->number = (double)n->integer;
		}
		return n;
	case JSON_REAL:
		if ((n = ynode_new(Y_FLOAT)))
			n->number = json_real_value(j);
		/* JSON Schema: 1.0 is an integer */
		if (n && fabs(n->number) < 9e18 && n->number == (double)(long long)n->number) {
			n->kind = Y_INT;
			n->integer = (long long)n->number;
		}
		return n;
	case JSON_STRING:
		if ((n = ynode_new(Y_STRING)) && !(n->text = strndup(json_string_value(j), json_string_length(j)))) {
			ynode_free(n);
			return NULL;
		}
		return n;
	case JSON_ARRAY: {
		if (!(n = ynode_new(Y_SEQ)))
			return NULL;
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) {
			struct ynode *c = ynode_from_json(v);
			if (!c || ytree_append_(n, NULL, 0, 0, c)) {
				ynode_free(c);
				ynode_free(n);
				return NULL;
			}
		}
		return n;
	}
	case JSON_OBJECT: {
		if (!(n = ynode_new(Y_MAP)))
			return NULL;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v) {
			struct ynode *c = ynode_from_json(v);
			if (!c || ytree_append_(n, k, 0, 0, c)) {
				ynode_free(c);
				ynode_free(n);
				return NULL;
			}
		}
		return n;
	}
	}
	return NULL;
}

/* Removes the pair at position j of mapping d. */
static void map_remove(struct ynode *d, size_t j)
{
	ynode_free(d->items[j]);
	free(d->keys[j]);
	memmove(d->items + j, d->items + j + 1, (d->len - j - 1) * sizeof(*d->items));
	memmove(d->keys + j, d->keys + j + 1, (d->len - j - 1) * sizeof(*d->keys));
	memmove(d->key_line + j, d->key_line + j + 1, (d->len - j - 1) * sizeof(*d->key_line));
	memmove(d->key_col + j, d->key_col + j + 1, (d->len - j - 1) * sizeof(*d->key_col));
	d->len--;
	index_drop(d); /* positions moved */
}

int ynode_merge_values(struct ynode **dst, const struct ynode *src)
{
	if (src->kind != Y_MAP || !*dst || (*dst)->kind != Y_MAP) {
		struct ynode *c = ynode_clone(src);
		if (!c)
			return -1;
		ynode_free(*dst);
		*dst = c;
		return 0;
	}
	struct ynode *d = *dst;
	for (size_t i = 0; i < src->len; i++) {
		size_t j = key_pos(d, src->keys[i]);
		if (j < d->len) {
			if (ynode_merge_values(&d->items[j], src->items[i]))
				return -1;
			d->key_line[j] = src->key_line ? src->key_line[i] : 0;
			d->key_col[j] = src->key_col ? src->key_col[i] : 0;
		} else {
			struct ynode *c = ynode_clone(src->items[i]);
			if (!c || ytree_append_(d, src->keys[i], src->key_line ? src->key_line[i] : 0,
					       src->key_col ? src->key_col[i] : 0, c)) {
				ynode_free(c);
				return -1;
			}
		}
	}
	return 0;
}

int ynode_coalesce(struct ynode *user, const struct ynode *defaults)
{
	if (!user || user->static_ || user->kind != Y_MAP || !defaults || defaults->kind != Y_MAP)
		return 0;
	for (size_t i = 0; i < defaults->len; i++) {
		const struct ynode *dv = defaults->items[i];
		size_t j = key_pos(user, defaults->keys[i]);
		if (j == user->len) {
			/* a built-in default is shared as it is; anything else is copied */
			struct ynode *c = dv->static_ ? (struct ynode *)dv : ynode_clone(dv);
			if (!c || ytree_append_(user, defaults->keys[i], defaults->key_line ? defaults->key_line[i] : 0,
					       defaults->key_col ? defaults->key_col[i] : 0, c)) {
				ynode_free(c);
				return -1;
			}
		} else if (user->items[j]->kind == Y_NULL) {
			map_remove(user, j); /* null removes a key the chart has */
		} else if (dv->kind == Y_MAP && user->items[j]->kind == Y_MAP) {
			if (ynode_coalesce(user->items[j], dv))
				return -1;
		} /* otherwise the user's value stands, whatever its type (helm warns and keeps it) */
	}
	return 0;
}

int ynode_merge(struct ynode **dst, const struct ynode *src)
{
	if (src->kind != Y_MAP || !*dst || (*dst)->kind != Y_MAP) {
		struct ynode *c = ynode_clone(src);
		if (!c)
			return -1;
		ynode_free(*dst);
		*dst = c;
		return 0;
	}
	struct ynode *d = *dst;
	for (size_t i = 0; i < src->len; i++) {
		const struct ynode *v = src->items[i];
		size_t j = key_pos(d, src->keys[i]);
		if (v->kind == Y_NULL) { /* Helm: null removes the key */
			if (j < d->len)
				map_remove(d, j);
			continue;
		}
		if (j < d->len) {
			if (ynode_merge(&d->items[j], v))
				return -1;
			d->key_line[j] = src->key_line ? src->key_line[i] : 0;
			d->key_col[j] = src->key_col ? src->key_col[i] : 0;
		} else {
			struct ynode *c = ynode_clone(v);
			if (!c || ytree_append_(d, src->keys[i], src->key_line ? src->key_line[i] : 0,
					       src->key_col ? src->key_col[i] : 0, c)) {
				ynode_free(c);
				return -1;
			}
		}
	}
	return 0;
}

/* --- scalar resolution (go-yaml v2, YAML 1.1) ------------------------------------------ */

static bool word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

static bool parse_int(const char *s, long long *out)
{
	char buf[128];
	size_t n = 0;
	for (const char *p = s; *p; p++) /* YAML 1.1 allows _ separators */
		if (*p != '_') {
			if (n + 1 >= sizeof(buf))
				return false;
			buf[n++] = *p;
		}
	buf[n] = '\0';
	const char *p = buf;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		return false;
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	if (!*p)
		return false;
	for (const char *q = p; *q; q++) {
		int d = isdigit((unsigned char)*q) ? *q - '0' : isxdigit((unsigned char)*q) ? tolower(*q) - 'a' + 10 : 99;
		if (d >= base)
			return false;
	}
	errno = 0;
	unsigned long long v = strtoull(p, NULL, base);
	if (errno || v > (unsigned long long)LLONG_MAX)
		return false;
	*out = neg ? -(long long)v : (long long)v;
	return true;
}

static bool parse_float(const char *s, double *out)
{
	static const char *const inf[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
	static const char *const ninf[] = { "-.inf", "-.Inf", "-.INF", NULL };
	static const char *const nan_[] = { ".nan", ".NaN", ".NAN", NULL };
	if (word_in(s, inf))
		return *out = INFINITY, true;
	if (word_in(s, ninf))
		return *out = -INFINITY, true;
	if (word_in(s, nan_))
		return *out = NAN, true;
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	bool digits = false, dot = false;
	for (; *p && *p != 'e' && *p != 'E'; p++) {
		if (isdigit((unsigned char)*p) || *p == '_')
			digits = digits || isdigit((unsigned char)*p);
		else if (*p == '.' && !dot)
			dot = true;
		else
			return false;
	}
	if (!digits)
		return false;
	if (*p) {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!*p)
			return false;
		for (; *p; p++)
			if (!isdigit((unsigned char)*p))
				return false;
	}
	char buf[128];
	size_t n = 0;
	for (const char *q = s; *q && n + 1 < sizeof(buf); q++)
		if (*q != '_')
			buf[n++] = *q;
	buf[n] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

/* Resolves a plain scalar; warns when a word becomes a boolean only under YAML 1.1 rules. */
static void resolve_plain(struct ynode *n, struct diag_list *diags)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	static const char *const yes11[] = { "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", NULL };
	static const char *const no11[] = { "n", "N", "no", "No", "NO", "off", "Off", "OFF", NULL };
	const char *s = n->text;
	if (word_in(s, nulls)) {
		n->kind = Y_NULL;
	} else if (word_in(s, trues) || word_in(s, falses)) {
		n->kind = Y_BOOL;
		n->boolean = word_in(s, trues);
	} else if (word_in(s, yes11) || word_in(s, no11)) {
		n->kind = Y_BOOL;
		n->boolean = word_in(s, yes11);
		if (diags)
			diag_add(diags, DIAG_WARNING, n->file, n->line, n->col,
				 "'%s' is read by Helm as the boolean %s (YAML 1.1); quote it (\"%s\") if you mean the word",
				 s, n->boolean ? "true" : "false", s);
	} else if (parse_int(s, &n->integer)) {
		n->kind = Y_INT;
		n->number = (double)n->integer;
	} else if (parse_float(s, &n->number)) {
		n->kind = Y_FLOAT;
	} else {
		n->kind = Y_STRING;
	}
}

/* --- parser ----------------------------------------------------------------------------- */

struct capture {
	struct diag_list *diags;
	const char *file;
	int count;
};

/* Turns libfyaml's "<file>:LINE:COL: error: message" into our diagnostic. */
static void capture_diag(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	struct capture *c = user;
	const char *e = NULL;
	for (size_t i = 0; i + 7 <= len; i++)
		if (!memcmp(buf + i, "error: ", 7)) {
			e = buf + i + 7;
			break;
		}
	/* only errors: a warning does not stop libfyaml (and its text names a memory address) */
	if (!e || c->count++ || !c->diags)
		return;
	unsigned line = 0, col = 0;
	const char *p = e - 7;
	while (p > buf && p[-1] != '>')
		p--;
	if (sscanf(p, ":%u:%u:", &line, &col) != 2)
		line = col = 0;
	const char *msg = e;
	int mlen = (int)(len - (size_t)(msg - buf));
	while (mlen > 0 && (msg[mlen - 1] == '\n' || msg[mlen - 1] == ' '))
		mlen--;
	diag_add(c->diags, DIAG_ERROR, c->file, line, col, "YAML syntax: %.*s", mlen, msg);
}

struct anchor {
	char *name;
	const struct ynode *node; /* borrowed: lives in the tree */
};

static char *token_dup(struct fy_token *t)
{
	size_t len = 0;
	const char *s = t ? fy_token_get_text(t, &len) : NULL;
	return s ? strndup(s, len) : strdup("");
}

static bool tag_is_str(struct fy_token *tag)
{
	size_t len = 0;
	const char *s = tag ? fy_token_get_text(tag, &len) : NULL;
	return s && ((len == 5 && !memcmp(s, "!!str", 5)) || (len >= 3 && !memcmp(s + len - 3, "str", 3)));
}

/* "int", "float", "bool" or "null" for an explicit core-schema tag (!!int, tag:yaml.org,2002:int); NULL otherwise. */
static const char *core_tag(struct fy_token *tag)
{
	static const char *const names[] = { "int", "float", "bool", "null" };
	size_t len = 0;
	const char *s = tag ? fy_token_get_text(tag, &len) : NULL;
	for (size_t i = 0; s && i < 4; i++) {
		size_t n = strlen(names[i]);
		if ((len == n + 2 && !memcmp(s, "!!", 2) && !memcmp(s + 2, names[i], n)) ||
		    (len == n + 18 && !memcmp(s, "tag:yaml.org,2002:", 18) && !memcmp(s + 18, names[i], n)))
			return names[i];
	}
	return NULL;
}

/* The characters go-yaml (and so helm) accepts: UTF-8 only, and of the control characters only
 * tab, line feed, carriage return and NEL (YAML 1.1 "printable"). A byte order mark may open the
 * file. Returns 0, or -1 with one diagnostic at the first offending character. */
/* Line and column (1-based; columns count characters) of `at`, counted from `start` (past a
 * byte order mark). Only computed for a diagnostic: the scan itself does not track them. */
static void pos_of(const unsigned char *start, const unsigned char *at, unsigned *line, unsigned *col)
{
	const unsigned char *bol = start;
	*line = 1;
	for (const unsigned char *q = start; q < at; q++)
		if (*q == '\n') {
			(*line)++;
			bol = q + 1;
		}
	*col = 1 + ytree_chars_((const char *)bol, (const char *)at);
}

static int check_chars(const struct ytree *t, struct diag_list *diags)
{
	const unsigned char *p = (const unsigned char *)t->text, *end = p + t->len;
	if (t->len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
		diag_add(diags, DIAG_ERROR, t->file, 1, 1, "the file is UTF-16: values files must be UTF-8");
		return -1;
	}
	if (t->len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		p += 3;
	const unsigned char *start = p;
	unsigned line, col;
	while (p < end) {
		unsigned c = *p;
		if ((c >= 0x20 && c <= 0x7E) || c == 0x0A) { /* printable ASCII and newlines: the common case */
			p++;
			continue;
		}
		size_t n = 1;
		if (c >= 0x80) {
			n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
			c = n == 4 ? c & 0x07 : n == 3 ? c & 0x0F : c & 0x1F;
			for (size_t k = 1; n && k < n; k++) {
				if (p + k >= end || (p[k] & 0xC0) != 0x80)
					n = 0;
				else
					c = (c << 6) | (p[k] & 0x3F);
			}
			if (!n || (n == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) || (n == 4 && (c < 0x10000 || c > 0x10FFFF))) {
				pos_of(start, p, &line, &col);
				diag_add(diags, DIAG_ERROR, t->file, line, col, "invalid UTF-8 (byte 0x%02X): values files must be UTF-8", *p);
				return -1;
			}
		}
		if (c == 0x85 || c == 0x2028 || c == 0x2029) {
			/* YAML 1.1 line breaks: go-yaml breaks the line there, libfyaml (YAML 1.2) does not */
			pos_of(start, p, &line, &col);
			diag_add(diags, DIAG_ERROR, t->file, line, col,
				 "U+%04X is a line break for helm (YAML 1.1): use a plain newline, or write it as an escape in a double-quoted string", c);
			return -1;
		}
		bool ok = c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) ||
			  (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
		if (!ok) {
			pos_of(start, p, &line, &col);
			if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
				diag_add(diags, DIAG_ERROR, t->file, line, col,
					 "control character U+%04X is not allowed in YAML (write it as an escape in a double-quoted string, e.g. \\x%02X)", c, c);
			else
				diag_add(diags, DIAG_ERROR, t->file, line, col, "character U+%04X is not allowed in YAML", c);
			return -1;
		}
		p += n;
	}
	return 0;
}

int ytree_parse(struct ytree *t, const char *file, const char *text, size_t len, struct diag_list *diags)
{
	return ytree_parse_ex(t, file, text, len, diags, 0);
}

int ytree_parse_ex(struct ytree *t, const char *file, const char *text, size_t len, struct diag_list *diags,
		   unsigned flags)
{
	memset(t, 0, sizeof(*t));
	t->file = strdup(file);
	t->text = malloc(len + 1);
	if (!t->file || !t->text)
		return -1;
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	t->len = len;
	if (check_chars(t, diags))
		return -1;

	/* libfyaml 0.7.12 can loop forever on a malformed directive line ("%:"): values files
	 * need no directives, so any line starting with '%' must be a well-formed one. */
	unsigned lineno = 1;
	const char *first = len >= 3 && !memcmp(t->text, "\xEF\xBB\xBF", 3) ? t->text + 3 : t->text; /* past a BOM */
	for (const char *p = memchr(t->text, '%', len) ? first : t->text + len, *end = t->text + len; p < end; lineno++) {
		const char *nl = p; /* a line ends at \n, \r or \r\n, as libfyaml reads them */
		while (nl < end && *nl != '\n' && *nl != '\r')
			nl++;
		size_t l = (size_t)(nl - p);
		if (nl < end && *nl == '\r' && nl + 1 < end && nl[1] == '\n')
			nl++;
		if (nl >= end)
			nl = NULL;
		if (l && *p == '%') {
			/* helm 4 refuses a values file with a directive, and helm 3 refuses %YAML 1.2 (and
			 * libfyaml 0.7.12 can loop forever on a malformed one, "%:"): none is accepted */
			diag_add(diags, DIAG_ERROR, t->file, lineno, 1,
				 "a %%YAML or %%TAG directive: helm 4 cannot read values files with directives; remove the line (and the '---' after it)");
			return -1;
		}
		p = nl ? nl + 1 : end;
	}

	if (!(flags & YTREE_NO_FAST)) {
		struct ynode *fast = NULL;
		int fr = ytree_fast_parse(t->file, t->text, len, &fast);
		if (fr < 0)
			return -1;
		if (fr > 0) {
			t->root = fast;
			return 0;
		}
	}

	struct capture cap = { diags, t->file, 0 };
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = capture_diag;
	dcfg.user = &cap;
	dcfg.colorize = false;
	struct fy_diag *diag = fy_diag_create(&dcfg);
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET, .diag = diag };
	struct fy_parser *fyp = diag ? fy_parser_create(&cfg) : NULL;
	if (!fyp || fy_parser_set_string(fyp, t->text, len) != 0) {
		if (fyp)
			fy_parser_destroy(fyp);
		if (diag)
			fy_diag_destroy(diag);
		return -1;
	}

	struct frame {
		struct ynode *node;
		char *key;             /* pending key of a mapping */
		unsigned kline, kcol;
		struct ynode *merges;  /* "<<" mappings, applied when the mapping ends (explicit keys win) */
	} st[MAX_DEPTH];
	int depth = 0, rc = 0, docs = 0;
	size_t expanded = 0;
	struct anchor *anchors = NULL;
	size_t nanchors = 0;
	struct ynode *root = NULL;
	struct fy_event *e;
	while (rc == 0 && (e = fy_parser_parse(fyp))) {
		const struct fy_mark *m = fy_event_start_mark(e);
		unsigned line = m ? (unsigned)m->line + 1 : 0, col = m ? (unsigned)m->column + 1 : 0;
		struct ynode *n = NULL;
		struct fy_token *anchor = NULL;
		bool is_key = depth > 0 && st[depth - 1].node->kind == Y_MAP && !st[depth - 1].key;
		switch (e->type) {
		case FYET_DOCUMENT_START:
			if (++docs > 1) {
				diag_add(diags, DIAG_ERROR, t->file, line, col,
					 "a values file holds one YAML document; this one has more ('---')");
				rc = -1;
			}
			break;
		case FYET_SCALAR:
			if (is_key) { /* a mapping key */
				struct frame *f = &st[depth - 1];
				f->key = token_dup(e->scalar.value);
				f->kline = line;
				f->kcol = col;
				if (!f->key)
					rc = -1;
				else if (strlen(f->key) > 1024) {
					/* YAML caps an implicit key at 1024 characters; go-yaml enforces it */
					diag_add(diags, DIAG_ERROR, t->file, line, col, "a key longer than 1024 characters (YAML allows no more)");
					rc = -1;
				} else if (ynode_get(f->node, f->key)) {
					diag_add(diags, DIAG_ERROR, t->file, line, col,
						 "duplicate key '%s' (Helm keeps only the last one)", f->key);
					rc = -1;
				}
				break;
			}
			if (!(n = ynode_new(Y_STRING)) || !(n->text = token_dup(e->scalar.value))) {
				rc = -1;
				break;
			}
			n->file = t->file;
			n->line = line;
			n->col = col;
			if (core_tag(e->scalar.tag)) {
				/* an explicit !!int, !!float, !!bool or !!null: helm reads any style as that type */
				const char *want = core_tag(e->scalar.tag);
				resolve_plain(n, NULL);
				bool fits = (!strcmp(want, "int") && n->kind == Y_INT) ||
					    (!strcmp(want, "float") && (n->kind == Y_FLOAT || n->kind == Y_INT)) ||
					    (!strcmp(want, "bool") && n->kind == Y_BOOL) || (!strcmp(want, "null") && n->kind == Y_NULL);
				if (!fits) {
					diag_add(diags, DIAG_ERROR, t->file, line, col, "'%s' cannot be read as !!%s", n->text, want);
					rc = -1;
				} else if (n->kind == Y_FLOAT || !strcmp(want, "float")) {
					n->kind = Y_FLOAT;
				}
			} else if (fy_token_scalar_style(e->scalar.value) == FYSS_PLAIN && !tag_is_str(e->scalar.tag)) {
				resolve_plain(n, diags);
			}
			anchor = e->scalar.anchor;
			break;
		case FYET_ALIAS: {
			char *name = token_dup(e->alias.anchor);
			const struct ynode *target = NULL;
			for (size_t i = nanchors; name && i-- > 0;)
				if (!strcmp(anchors[i].name, name)) {
					target = anchors[i].node;
					break;
				}
			bool open_target = false;
			for (int k = 0; target && k < depth; k++)
				open_target = open_target || st[k].node == target;
			size_t size = target ? ynode_count(target) : 0;
			if (!target) {
				diag_add(diags, DIAG_ERROR, t->file, line, col, "unknown alias '*%s'", name ? name : "");
				rc = -1;
			} else if (open_target) {
				diag_add(diags, DIAG_ERROR, t->file, line, col, "alias '*%s' refers to a collection that contains it", name);
				rc = -1;
			} else if ((expanded += size) > MAX_ALIAS_NODES) {
				/* like go-yaml: refuse documents that grow by repeating aliases ("billion laughs") */
				diag_add(diags, DIAG_ERROR, t->file, line, col, "excessive aliasing: aliases expand to more than %d values",
					 MAX_ALIAS_NODES);
				rc = -1;
			} else if (is_key) {
				diag_add(diags, DIAG_ERROR, t->file, line, col, "an alias cannot be a key here");
				rc = -1;
			} else if (!(n = ynode_clone(target))) {
				rc = -1;
			}
			free(name);
			break;
		}
		case FYET_MAPPING_START:
		case FYET_SEQUENCE_START:
			if (is_key) {
				diag_add(diags, DIAG_ERROR, t->file, line, col, "a key must be a scalar");
				rc = -1;
				break;
			}
			if (depth == MAX_DEPTH) {
				diag_add(diags, DIAG_ERROR, t->file, line, col, "nested more than %d levels deep", MAX_DEPTH);
				rc = -1;
				break;
			}
			if (!(n = ynode_new(e->type == FYET_MAPPING_START ? Y_MAP : Y_SEQ))) {
				rc = -1;
				break;
			}
			n->file = t->file;
			n->line = line;
			n->col = col;
			anchor = e->type == FYET_MAPPING_START ? e->mapping_start.anchor : e->sequence_start.anchor;
			break;
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			if (depth > 0) {
				struct frame *f = &st[--depth];
				n = f->node;
				f->node = NULL;
				for (size_t mi = 0; f->merges && mi < f->merges->len; mi++) {
					const struct ynode *src = f->merges->items[mi];
					for (size_t i = 0; rc == 0 && i < src->len; i++) {
						if (ynode_get(n, src->keys[i]))
							continue;
						struct ynode *c = ynode_clone(src->items[i]);
						if (!c || ytree_append_(n, src->keys[i], src->key_line[i], src->key_col[i], c)) {
							ynode_free(c);
							rc = -1;
						}
					}
				}
				ynode_free(f->merges);
				f->merges = NULL;
			}
			break;
		default:
			break;
		}
		bool opened = e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START;
		if (rc == 0 && n && anchor) {
			struct anchor *a = realloc(anchors, (nanchors + 1) * sizeof(*a));
			if (!a) {
				rc = -1;
			} else {
				anchors = a;
				anchors[nanchors].name = token_dup(anchor);
				anchors[nanchors].node = n;
				if (anchors[nanchors].name)
					nanchors++;
			}
		}
		if (rc == 0 && n && opened) {
			st[depth].node = n;
			st[depth].key = NULL;
			st[depth].merges = NULL;
			depth++;
			n = NULL;
		}
		if (rc == 0 && n) { /* a finished value: attach it to its parent */
			if (depth == 0) {
				ynode_free(root);
				root = n;
			} else {
				struct frame *f = &st[depth - 1];
				if (f->node->kind == Y_MAP && f->key && !strcmp(f->key, "<<") && n->kind == Y_MAP) {
					/* merge key: its pairs fill in what the mapping does not set itself */
					if ((!f->merges && !(f->merges = ynode_new(Y_SEQ))) || ytree_append_(f->merges, NULL, 0, 0, n)) {
						ynode_free(n);
						rc = -1;
					}
				} else if (ytree_append_(f->node, f->key, f->kline, f->kcol, n)) {
					ynode_free(n);
					rc = -1;
				}
				free(f->key);
				f->key = NULL;
			}
		} else if (n) {
			ynode_free(n);
		}
		fy_parser_event_free(fyp, e);
	}
	if (rc == 0 && fy_parser_get_stream_error(fyp)) {
		if (!cap.count)
			diag_add(diags, DIAG_ERROR, t->file, 0, 0, "YAML syntax error");
		rc = -1;
	}
	while (depth > 0) { /* open collections were never attached: free each */
		depth--;
		free(st[depth].key);
		ynode_free(st[depth].node);
		ynode_free(st[depth].merges);
	}
	for (size_t i = 0; i < nanchors; i++)
		free(anchors[i].name);
	free(anchors);
	fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	if (rc) {
		ynode_free(root);
		return -1;
	}
	if (!root && !(root = ynode_new(Y_NULL)))
		return -1;
	t->root = root;
	return 0;
}

int ytree_load(struct ytree *t, const char *path, struct diag_list *diags)
{
	memset(t, 0, sizeof(*t));
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_add(diags, DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[8192];
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = b;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		diag_add(diags, DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	int rc = ytree_parse(t, path, buf ? buf : "", len, diags);
	free(buf);
	return rc;
}

void ytree_free(struct ytree *t)
{
	ynode_free(t->root);
	free(t->file);
	free(t->text);
	memset(t, 0, sizeof(*t));
}

const char *ytree_line(const struct ytree *t, unsigned line, size_t *len)
{
	if (!t->text || line == 0)
		return NULL;
	const char *p = t->text, *end = t->text + t->len;
	for (unsigned l = 1; l < line; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	if (p > end)
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((nl ? nl : end) - p);
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return p;
}

bool ynode_identical(const struct ynode *a, const struct ynode *b)
{
	if (a->kind != b->kind || a->line != b->line || a->col != b->col || a->len != b->len ||
	    strcmp(a->text ? a->text : "", b->text ? b->text : "") || (!a->text) != (!b->text))
		return false;
	if ((a->kind == Y_BOOL && a->boolean != b->boolean) ||
	    (a->kind == Y_INT && (a->integer != b->integer || a->number != b->number)))
		return false;
	for (size_t i = 0; i < a->len; i++) {
		if (a->kind == Y_MAP && (strcmp(a->keys[i], b->keys[i]) || a->key_line[i] != b->key_line[i] ||
					 a->key_col[i] != b->key_col[i]))
			return false;
		if (!ynode_identical(a->items[i], b->items[i]))
			return false;
	}
	return true;
}
