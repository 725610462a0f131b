#include "textdiff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct lines {
	const char **start;
	size_t *len;
	size_t *id;    /* equal lines have equal ids (shared numbering of a and b) */
	size_t n;
};

static int split(const char *t, struct lines *l)
{
	size_t cap = 1;
	for (const char *p = t; *p; p++)
		cap += *p == '\n';
	l->start = malloc(cap * sizeof(*l->start));
	l->len = malloc(cap * sizeof(*l->len));
	l->id = malloc(cap * sizeof(*l->id));
	l->n = 0;
	if (!l->start || !l->len || !l->id)
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

/* --- line numbering: a hash table from line text to a small id ----------------------------- */

struct idtab {
	size_t *slot;        /* index+1 into the lines of `owner`, 0 = empty */
	const char **text;   /* per id: the line's text and length */
	size_t *tlen;
	size_t *count_a, *count_b;
	size_t mask, nids;
};

static size_t hash_line(const char *s, size_t n)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * (size_t)1099511628211ULL;
	return h;
}

static int number_lines(struct lines *a, struct lines *b, struct idtab *t)
{
	size_t total = a->n + b->n, cap = 16;
	while (cap < 2 * total + 1)
		cap <<= 1;
	t->mask = cap - 1;
	t->nids = 0;
	t->slot = calloc(cap, sizeof(*t->slot));
	t->text = malloc((total + 1) * sizeof(*t->text));
	t->tlen = malloc((total + 1) * sizeof(*t->tlen));
	t->count_a = calloc(total + 1, sizeof(*t->count_a));
	t->count_b = calloc(total + 1, sizeof(*t->count_b));
	if (!t->slot || !t->text || !t->tlen || !t->count_a || !t->count_b)
		return -1;
	for (int side = 0; side < 2; side++) {
		struct lines *l = side ? b : a;
		for (size_t i = 0; i < l->n; i++) {
			size_t h = hash_line(l->start[i], l->len[i]) & t->mask;
			for (;;) {
				size_t s = t->slot[h];
				if (!s) {
					t->text[t->nids] = l->start[i];
					t->tlen[t->nids] = l->len[i];
					t->slot[h] = ++t->nids;
					l->id[i] = t->nids - 1;
					break;
				}
				if (t->tlen[s - 1] == l->len[i] && !memcmp(t->text[s - 1], l->start[i], l->len[i])) {
					l->id[i] = s - 1;
					break;
				}
				h = (h + 1) & t->mask;
			}
			(side ? t->count_b : t->count_a)[l->id[i]]++;
		}
	}
	return 0;
}

static void idtab_free(struct idtab *t)
{
	free(t->slot);
	free(t->text);
	free(t->tlen);
	free(t->count_a);
	free(t->count_b);
}

/* --- Myers' O(ND) difference in linear space (divide and conquer on the middle snake) ------ *
 * The sequences compared hold only lines present on both sides (a line found on one side only
 * is a deletion or an insertion whatever happens); `map` takes their positions back. When one
 * search costs more than COST_LIMIT edits the split point is the furthest-reaching path found
 * so far: the script stays correct (every line is kept, deleted or inserted once), only
 * possibly longer than the shortest, and the time stays O((N+M) * COST_LIMIT) per level. */

enum { COST_LIMIT = 256 };

struct myers {
	const size_t *a, *b;   /* ids */
	bool *del, *ins;       /* per compressed line */
	long *fv, *bv;         /* diagonals, offset by `off` */
	long off;
};

struct split_point { long x, y; };

static struct split_point middle_snake(struct myers *m, long x0, long x1, long y0, long y1)
{
	long N = x1 - x0, M = y1 - y0, delta = N - M, dmax = (N + M + 1) / 2;
	bool odd = delta & 1;
	long *fv = m->fv + m->off, *bv = m->bv + m->off;
	fv[1] = 0;
	bv[1] = 0;
	for (long d = 0; d <= dmax; d++) {
		if (d > COST_LIMIT) {
			/* too expensive: cut at the forward path that got furthest */
			long best = -1, bx = 0, by = 0;
			for (long k = -(d - 1); k <= d - 1; k += 2) {
				long x = fv[k] < N ? fv[k] : N, y = x - k;
				if (y < 0 || y > M)
					continue;
				if (x + y > best)
					best = x + y, bx = x, by = y;
			}
			if (best <= 0 || best >= N + M)
				bx = N / 2, by = M / 2;
			return (struct split_point){ x0 + bx, y0 + by };
		}
		for (long k = -d; k <= d; k += 2) {
			long x = (k == -d || (k != d && fv[k - 1] < fv[k + 1])) ? fv[k + 1] : fv[k - 1] + 1;
			long y = x - k;
			while (x < N && y < M && m->a[x0 + x] == m->b[y0 + y])
				x++, y++;
			fv[k] = x;
			if (odd && k - delta >= -(d - 1) && k - delta <= d - 1 && fv[k] + bv[delta - k] >= N)
				return (struct split_point){ x0 + x, y0 + y };
		}
		for (long k = -d; k <= d; k += 2) {
			long x = (k == -d || (k != d && bv[k - 1] < bv[k + 1])) ? bv[k + 1] : bv[k - 1] + 1;
			long y = x - k;
			while (x < N && y < M && m->a[x1 - 1 - x] == m->b[y1 - 1 - y])
				x++, y++;
			bv[k] = x;
			if (!odd && delta - k >= -d && delta - k <= d && bv[k] + fv[delta - k] >= N)
				return (struct split_point){ x1 - x, y1 - y };
		}
	}
	return (struct split_point){ x0 + N / 2, y0 + M / 2 }; /* not reached */
}

static void compare(struct myers *m, long x0, long x1, long y0, long y1)
{
	for (;;) {
		while (x0 < x1 && y0 < y1 && m->a[x0] == m->b[y0])
			x0++, y0++;
		while (x0 < x1 && y0 < y1 && m->a[x1 - 1] == m->b[y1 - 1])
			x1--, y1--;
		if (x0 == x1) {
			while (y0 < y1)
				m->ins[y0++] = true;
			return;
		}
		if (y0 == y1) {
			while (x0 < x1)
				m->del[x0++] = true;
			return;
		}
		struct split_point s = middle_snake(m, x0, x1, y0, y1);
		/* recurse on the smaller half, loop on the other (bounded stack depth) */
		if ((s.x - x0) + (s.y - y0) < (x1 - s.x) + (y1 - s.y)) {
			compare(m, x0, s.x, y0, s.y);
			x0 = s.x, y0 = s.y;
		} else {
			compare(m, s.x, x1, s.y, y1);
			x1 = s.x, y1 = s.y;
		}
	}
}

/* Fills ops ('=', '-', '+') for a -> b; returns its length, or (size_t)-1 out of memory. */
static size_t edit_script(struct lines *la, struct lines *lb, char *ops)
{
	struct idtab t = {0};
	size_t k = (size_t)-1;
	size_t *ca = NULL, *cb = NULL, *mapa = NULL, *mapb = NULL;
	bool *dela = NULL, *insb = NULL, *flag_a = NULL, *flag_b = NULL;
	long *fv = NULL, *bv = NULL;
	if (number_lines(la, lb, &t))
		goto done;
	ca = malloc((la->n + 1) * sizeof(*ca));
	cb = malloc((lb->n + 1) * sizeof(*cb));
	mapa = malloc((la->n + 1) * sizeof(*mapa));
	mapb = malloc((lb->n + 1) * sizeof(*mapb));
	dela = calloc(la->n + 1, sizeof(*dela));
	insb = calloc(lb->n + 1, sizeof(*insb));
	flag_a = calloc(la->n + 1, sizeof(*flag_a));
	flag_b = calloc(lb->n + 1, sizeof(*flag_b));
	size_t diag = la->n + lb->n + 3;
	fv = malloc(2 * diag * sizeof(*fv));
	bv = malloc(2 * diag * sizeof(*bv));
	if (!ca || !cb || !mapa || !mapb || !dela || !insb || !flag_a || !flag_b || !fv || !bv)
		goto done;
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < la->n; i++) {
		if (t.count_b[la->id[i]])
			mapa[na] = i, ca[na++] = la->id[i];
		else
			flag_a[i] = true;
	}
	for (size_t j = 0; j < lb->n; j++) {
		if (t.count_a[lb->id[j]])
			mapb[nb] = j, cb[nb++] = lb->id[j];
		else
			flag_b[j] = true;
	}
	struct myers m = { ca, cb, dela, insb, fv, bv, (long)diag };
	compare(&m, 0, (long)na, 0, (long)nb);
	for (size_t i = 0; i < na; i++)
		flag_a[mapa[i]] = dela[i];
	for (size_t j = 0; j < nb; j++)
		flag_b[mapb[j]] = insb[j];
	/* walk: deletions before insertions within a change */
	size_t i = 0, j = 0;
	k = 0;
	while (i < la->n || j < lb->n) {
		if (i < la->n && flag_a[i])
			ops[k++] = '-', i++;
		else if (j < lb->n && flag_b[j])
			ops[k++] = '+', j++;
		else
			ops[k++] = '=', i++, j++;
	}
done:
	idtab_free(&t);
	free(ca);
	free(cb);
	free(mapa);
	free(mapb);
	free(dela);
	free(insb);
	free(flag_a);
	free(flag_b);
	free(fv);
	free(bv);
	return k;
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
	char *ops = NULL;
	if (split(a, &la) < 0 || split(b, &lb) < 0)
		goto done;
	ops = malloc(la.n + lb.n + 1);
	if (!ops)
		goto done;
	size_t k = edit_script(&la, &lb, ops);
	if (k == (size_t)-1)
		goto done;
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
	free(ops);
	free(la.start);
	free(la.len);
	free(la.id);
	free(lb.start);
	free(lb.len);
	free(lb.id);
	return rc;
}
