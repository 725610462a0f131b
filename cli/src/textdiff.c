#include "textdiff.h"

#include <stdlib.h>
#include <string.h>

struct lines {
	const char **start;
	size_t *len;
	size_t n;
};

static int split(const char *t, struct lines *l)
{
	size_t cap = 1;
	for (const char *p = t; *p; p++)
		cap += *p == '\n';
	l->start = malloc(cap * sizeof(*l->start));
	l->len = malloc(cap * sizeof(*l->len));
	l->n = 0;
	if (!l->start || !l->len)
		return -1;
	while (*t) {
		const char *nl = strchr(t, '\n');
		size_t n = nl ? (size_t)(nl - t) + 1 : strlen(t);
		l->start[l->n] = t;
		l->len[l->n++] = n;
		t += n;
	}
	return 0;
}

static int same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->start[i], b->start[j], a->len[i]);
}

static void put_line(struct strbuf *out, char tag, const char *s, size_t n)
{
	strbuf_putc(out, tag);
	strbuf_add(out, s, n);
	if (n == 0 || s[n - 1] != '\n')
		strbuf_puts(out, "\n\\ No newline at end of file\n");
}

enum { CONTEXT = 3 };

int text_diff(const char *a, const char *b, const char *name_a, const char *name_b, struct strbuf *out)
{
	if (!strcmp(a, b))
		return 0;
	struct lines la = {0}, lb = {0};
	int rc = -1;
	unsigned *lcs = NULL;
	char *ops = NULL;
	if (split(a, &la) < 0 || split(b, &lb) < 0)
		goto done;
	size_t n = la.n, m = lb.n, w = m + 1;
	lcs = calloc((n + 1) * (m + 1), sizeof(*lcs));
	ops = malloc(n + m + 1);
	if (!lcs || !ops)
		goto done;
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			lcs[i * w + j] = same(&la, i, &lb, j) ? lcs[(i + 1) * w + j + 1] + 1
				: (lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j] : lcs[i * w + j + 1]);
	/* the edit script: '=' keep, '-' delete from a, '+' insert from b */
	size_t k = 0, i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && same(&la, i, &lb, j))
			ops[k++] = '=', i++, j++;
		else if (i < n && (j == m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]))
			ops[k++] = '-', i++;
		else
			ops[k++] = '+', j++;
	}
	strbuf_printf(out, "--- %s\n+++ %s\n", name_a, name_b);
	/* hunks: runs of changes with CONTEXT lines around them */
	size_t pos = 0, ai = 0, bj = 0;
	while (pos < k) {
		size_t first = pos;
		while (first < k && ops[first] == '=')
			first++;
		if (first == k)
			break;
		size_t start = first > CONTEXT ? first - CONTEXT : 0;
		/* end: after the last change that is followed by fewer than 2*CONTEXT equal lines */
		size_t end = first, eq = 0;
		for (size_t t = first; t < k; t++) {
			if (ops[t] == '=') {
				if (++eq > 2 * CONTEXT)
					break;
			} else {
				eq = 0;
				end = t + 1;
			}
		}
		size_t stop = end + CONTEXT < k ? end + CONTEXT : k;
		/* line numbers at start */
		for (size_t t = pos; t < start; t++) {
			if (ops[t] != '+')
				ai++;
			if (ops[t] != '-')
				bj++;
		}
		size_t acount = 0, bcount = 0;
		for (size_t t = start; t < stop; t++) {
			acount += ops[t] != '+';
			bcount += ops[t] != '-';
		}
		strbuf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", acount ? ai + 1 : ai, acount, bcount ? bj + 1 : bj, bcount);
		for (size_t t = start; t < stop; t++) {
			if (ops[t] == '=')
				put_line(out, ' ', la.start[ai], la.len[ai]), ai++, bj++;
			else if (ops[t] == '-')
				put_line(out, '-', la.start[ai], la.len[ai]), ai++;
			else
				put_line(out, '+', lb.start[bj], lb.len[bj]), bj++;
		}
		pos = stop;
	}
	rc = strbuf_failed(out) ? -1 : 0;
done:
	free(lcs);
	free(ops);
	free(la.start);
	free(la.len);
	free(lb.start);
	free(lb.len);
	return rc;
}
