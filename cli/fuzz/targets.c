/* Fuzz entry points: each must never crash, leak or hang, whatever the bytes. */
#include "targets.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "generate.h"
#include "jschema.h"
#include "model.h"
#include "objlist.h"
#include "status_proto.h"
#include "strbuf.h"
#include "textdiff.h"
#include "values_merge.h"
#include "ytree.h"

/* Splits "a\0b" into two NUL-terminated copies (b empty when there is no NUL). */
static int split(const uint8_t *data, size_t size, char **a, size_t *alen, char **b, size_t *blen)
{
	const uint8_t *nul = memchr(data, 0, size);
	*alen = nul ? (size_t)(nul - data) : size;
	*blen = nul ? size - *alen - 1 : 0;
	*a = malloc(*alen + 1);
	*b = malloc(*blen + 1);
	if (!*a || !*b) {
		free(*a);
		free(*b);
		return -1;
	}
	memcpy(*a, data, *alen);
	(*a)[*alen] = '\0';
	if (*blen)
		memcpy(*b, nul + 1, *blen);
	(*b)[*blen] = '\0';
	return 0;
}

int fuzz_ytree(const uint8_t *data, size_t size)
{
	struct ytree t;
	struct diag_list d = {0};
	if (ytree_parse(&t, "fuzz.yaml", (const char *)data, size, &d) == 0) {
		struct ynode *c = ynode_clone(t.root);
		if (c)
			(void)ynode_equal(c, t.root);
		ynode_free(c);
		(void)ynode_truthy(ynode_path(t.root, "a.b.c"));
	}
	ytree_free(&t);
	diag_list_free(&d);
	return 0;
}

/* The fast path for aeterna's own YAML against libfyaml's: the same verdict, the same
 * diagnostics and, when both parse, the identical tree (values, keys, order, positions). */
int fuzz_yfast(const uint8_t *data, size_t size)
{
	struct ytree a, b;
	struct diag_list da = {0}, db = {0};
	int ra = ytree_parse(&a, "fuzz.yaml", (const char *)data, size, &da);
	int rb = ytree_parse_ex(&b, "fuzz.yaml", (const char *)data, size, &db, YTREE_NO_FAST);
	if (ra != rb || da.len != db.len)
		abort();
	for (size_t i = 0; i < da.len; i++)
		if (da.items[i].line != db.items[i].line || da.items[i].col != db.items[i].col ||
		    strcmp(da.items[i].message, db.items[i].message))
			abort();
	if (ra == 0 && !ynode_identical(a.root, b.root))
		abort();
	ytree_free(&a);
	ytree_free(&b);
	diag_list_free(&da);
	diag_list_free(&db);
	return 0;
}

int fuzz_jschema(const uint8_t *data, size_t size)
{
	char *a, *b;
	size_t alen, blen;
	if (split(data, size, &a, &alen, &b, &blen))
		return 0;
	json_t *schema = json_loadb(a, alen, JSON_DECODE_ANY, NULL);
	struct diag_list d = {0};
	struct jschema *s = schema ? jschema_load(schema, "fuzz.json", &d) : NULL;
	if (s) {
		struct ytree t;
		if (ytree_parse(&t, "fuzz.yaml", b, blen, &d) == 0)
			(void)jschema_validate(s, t.root, &d);
		ytree_free(&t);
		jschema_free(s);
	}
	json_decref(schema);
	diag_list_free(&d);
	free(a);
	free(b);
	return 0;
}

int fuzz_merge(const uint8_t *data, size_t size)
{
	char *a, *b;
	size_t alen, blen;
	if (split(data, size, &a, &alen, &b, &blen))
		return 0;
	struct ytree ta, tb;
	struct diag_list d = {0};
	int ra = ytree_parse(&ta, "a.yaml", a, alen, &d), rb = ytree_parse(&tb, "b.yaml", b, blen, &d);
	if (ra == 0 && rb == 0) {
		struct ynode *m = ynode_clone(ta.root);
		if (m && ynode_merge(&m, tb.root) == 0)
			(void)ynode_equal(m, m);
		ynode_free(m);
	}
	ytree_free(&ta);
	ytree_free(&tb);
	diag_list_free(&d);
	free(a);
	free(b);
	return 0;
}

int fuzz_toml(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct deployment dep;
	model_init(&dep);
	struct diag_list d = {0};
	(void)model_load_toml(&dep, text, "fuzz.toml", &d);
	model_free(&dep);
	diag_list_free(&d);
	free(text);
	return 0;
}

/* An invariant broken: abort, so libFuzzer records the input. */
static void must(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz invariant broken: %s\n", what);
		abort();
	}
}

int fuzz_edit(const uint8_t *data, size_t size)
{
	char *existing, *rest, *generated, *previous;
	size_t elen, rlen, glen, plen;
	if (split(data, size, &existing, &elen, &rest, &rlen))
		return 0;
	if (split((const uint8_t *)rest, rlen, &generated, &glen, &previous, &plen)) {
		free(existing);
		free(rest);
		return 0;
	}
	/* only inputs that are values files: what setup generates always parses */
	struct ytree tg;
	struct diag_list d = {0};
	bool gen_ok = ytree_parse(&tg, "generated.yaml", generated, glen, &d) == 0 && tg.root->kind == Y_MAP;
	ytree_free(&tg);
	if (gen_ok && strlen(existing) == elen) {
		struct strbuf out = {0};
		struct ae_error err;
		int rc = values_merge(existing, generated, plen ? previous : NULL, &out, &err);
		if (rc == 0) {
			/* an in-place edit must parse, carry every owned value, and repeat no key */
			struct ytree to;
			struct diag_list d2 = {0};
			must(ytree_parse(&to, "out.yaml", strbuf_str(&out), out.len, &d2) == 0, "the edited file parses");
			ytree_free(&to);
			diag_list_free(&d2);
			must(values_owned_match(strbuf_str(&out), generated, &err) == 0, "the edited file carries the owned values");
		}
		strbuf_free(&out);
	}
	diag_list_free(&d);
	free(existing);
	free(rest);
	free(generated);
	free(previous);
	return 0;
}

int fuzz_diff(const uint8_t *data, size_t size)
{
	char *a, *b;
	size_t alen, blen;
	if (split(data, size, &a, &alen, &b, &blen))
		return 0;
	struct strbuf out = {0};
	if (text_diff(a, b, "a", "b", &out) == 0) {
		/* the diff names every line of both sides: '-' and ' ' lines rebuild a, '+' and ' ' b */
		struct strbuf ra = {0}, rb = {0};
		const char *p = strbuf_str(&out);
		if (*p) {
			p = strchr(p, '\n') + 1;
			p = strchr(p, '\n') + 1;
		}
		size_t changed = 0;
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = (size_t)(nl - p);
			if (*p == '-' || *p == '+')
				changed++;
			if (*p == '-' || *p == ' ')
				strbuf_add(&ra, p + 1, n);
			if (*p == '+' || *p == ' ')
				strbuf_add(&rb, p + 1, n);
			p = nl + 1;
		}
		must(!strcmp(a, b) == (out.len == 0), "a diff exactly when the texts differ");
		must(changed > 0 || out.len == 0, "a non-empty diff changes a line");
		strbuf_free(&ra);
		strbuf_free(&rb);
	}
	strbuf_free(&out);
	free(a);
	free(b);
	return 0;
}

int fuzz_resp(const uint8_t *data, size_t size)
{
	/* as the bytes arrive: every prefix gives an answer, and once an answer is final it stays */
	enum { LIMIT = 4096 };
	char detail[200];
	struct resp_reply r;
	size_t used = 0;
	enum resp_result first_final = RESP_INCOMPLETE;
	size_t at = 0;
	for (size_t n = 0; n <= size; n += 1 + n / 8) {
		enum resp_result rr = resp_parse((const char *)data, n, LIMIT, &r, &used, detail, sizeof(detail));
		if (rr == RESP_DONE) {
			must(used <= n && used <= LIMIT, "a reply within what arrived and the limit");
			must(!r.str || (r.str >= (const char *)data && r.str + r.len <= (const char *)data + used), "reply text inside the reply");
		}
		if (first_final == RESP_INCOMPLETE && rr != RESP_INCOMPLETE) {
			first_final = rr;
			at = n;
		}
	}
	(void)at;
	(void)resp_parse((const char *)data, size, LIMIT, &r, &used, detail, sizeof(detail));
	char cmd[256];
	const char *argv[] = { "AUTH", "x" };
	must(resp_command(cmd, sizeof(cmd), argv, 2) > 0, "a short command encodes");
	return 0;
}

static bool clean_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

int fuzz_reply(const uint8_t *data, size_t size)
{
	char out[256], small[8];
	text_clean(out, sizeof(out), (const char *)data, size);
	must(clean_text(out), "cleaned text has no control character");
	text_clean(small, sizeof(small), (const char *)data, size);
	must(strlen(small) < sizeof(small), "cleaned text fits");
	if (http_json_version((const char *)data, size, out, sizeof(out)))
		must(clean_text(out), "a version has no control character");
	if (redis_info_product((const char *)data, size, out, sizeof(out)))
		must(clean_text(out), "a product has no control character");
	char *url = malloc(size + 1);
	if (url) {
		memcpy(url, data, size);
		url[size] = '\0';
		url_mask(out, sizeof(out), url);
		must(clean_text(out), "a masked URL has no control character");
		free(url);
	}
	return 0;
}

int fuzz_objlist(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	/* the first byte picks the format; the page is read from a buffer of exactly its length */
	enum objlist_format f = data[0] % 3 == 0 ? OBJLIST_S3 : data[0] % 3 == 1 ? OBJLIST_AZURE : OBJLIST_GCS;
	size_t len = size - 1;
	char *page = malloc(len ? len : 1);
	if (!page)
		return 0;
	memcpy(page, data + 1, len);
	struct objlist_page out;
	if (objlist_parse(f, page, len, &out) == 0) {
		must(memchr(out.newest_key, 0, sizeof(out.newest_key)) != NULL, "the newest key is NUL-terminated");
		must(memchr(out.next, 0, sizeof(out.next)) != NULL, "the next token is NUL-terminated");
	}
	must(memchr(out.error_code, 0, sizeof(out.error_code)) != NULL, "the error code is NUL-terminated");
	free(page);
	char *text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		(void)objlist_time(text);
		char esc[64] = "";
		if (objlist_query_escape(esc, sizeof(esc), text) == 0)
			for (const char *c = esc; *c; c++)
				must(*c == '%' || *c == '-' || *c == '_' || *c == '.' || *c == '~' ||
				     (*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z'),
				     "an escaped query value has only unreserved characters and %XX");
		free(text);
	}
	return 0;
}
