/* Fuzz entry points: each must never crash, leak or hang, whatever the bytes. */
#include "targets.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "generate.h"
#include "jschema.h"
#include "model.h"
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
