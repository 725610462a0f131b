/* values_merge.c — edit an existing values.yaml in place.
 *
 * The wizard owns the keys it writes. When values.yaml already exists, the owned keys are
 * updated where they stand: a one-line value is replaced on its line (a trailing comment stays),
 * a multi-line value is replaced as a block, an owned key that is new is inserted under its
 * parent, and an owned key the previous answers wrote but the new ones do not is removed.
 * Every other line — the user's keys, comments, blank lines, order — is kept as it is.
 * Key positions come from libfyaml's parser events; the edit itself is on lines.
 */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "values_merge.h"
#include "ytree.h"

struct pair {
	char *path;        /* owned, "/"-separated */
	int key_line;      /* 0-based */
	int indent;        /* column of the key */
	int last_line;     /* last content line of the pair (value included) */
	bool is_map;       /* the value is a block mapping whose pairs are listed too */
	bool single_line;  /* scalar value on the key line */
	size_t vstart, vend; /* byte offsets of that value in the text (quotes included) */
};

struct ydoc {
	const char *text;
	size_t len;
	size_t *line_start; /* owned; nlines + 1 entries */
	int nlines;
	struct pair *pairs; /* owned */
	int npairs, cap;
};

static void ydoc_free(struct ydoc *d)
{
	for (int i = 0; i < d->npairs; i++)
		free(d->pairs[i].path);
	free(d->pairs);
	free(d->line_start);
	memset(d, 0, sizeof(*d));
}

static bool content_line(const struct ydoc *d, int l, int *indent)
{
	const char *p = d->text + d->line_start[l], *end = d->text + d->line_start[l + 1];
	int n = 0;
	while (p < end && *p == ' ')
		p++, n++;
	if (indent)
		*indent = n;
	return p < end && *p != '\n' && *p != '#' && *p != '\r';
}

#define MAX_DEPTH 32

/* Keeps libfyaml's first error message (instead of printing it) for our own error. */
static void capture_diag(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	char *dst = user;
	if (*dst)
		return;
	/* "<source>:LINE:COL: error: message" -> "line LINE, column COL: message" */
	const char *e = NULL;
	for (size_t i = 0; i + 7 <= len; i++)
		if (!memcmp(buf + i, "error: ", 7)) {
			e = buf + i;
			break;
		}
	int line = 0, col = 0;
	const char *p = e;
	while (p && p > buf && p[-1] != '>')
		p--;
	if (p && sscanf(p, ":%d:%d:", &line, &col) == 2 && e)
		snprintf(dst, 256, "line %d, column %d: %.*s", line, col, (int)(len - (size_t)(e + 7 - buf)), e + 7);
	else
		snprintf(dst, 256, "%.*s", (int)len, buf);
	dst[strcspn(dst, "\n")] = '\0';
}

/* Parses text and lists the pairs of every mapping reached from the root through mappings. */
static int ydoc_parse(const char *text, struct ydoc *d, struct ae_error *err)
{
	memset(d, 0, sizeof(*d));
	d->text = text;
	d->len = strlen(text);
	int lines = 1;
	for (size_t i = 0; i < d->len; i++)
		lines += text[i] == '\n';
	d->line_start = malloc(sizeof(size_t) * ((size_t)lines + 1));
	if (!d->line_start)
		return ae_error_set(err, "out of memory"); /* d owns nothing yet */
	d->line_start[0] = 0;
	d->nlines = 0;
	for (size_t i = 0; i < d->len; i++)
		if (text[i] == '\n')
			d->line_start[++d->nlines] = i + 1;
	if (d->len == 0 || text[d->len - 1] != '\n')
		d->line_start[++d->nlines] = d->len;
	/* d->line_start[nlines] is the end of the text */
	if (d->len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) && d->nlines > 0 && d->line_start[1] > 3)
		d->line_start[0] = 3; /* a byte order mark stays where it is, whatever the first line becomes */

	char diag_msg[256] = "";
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = capture_diag;
	dcfg.user = diag_msg;
	dcfg.colorize = false;
	struct fy_diag *diag = fy_diag_create(&dcfg);
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET, .diag = diag };
	struct fy_parser *fyp = diag ? fy_parser_create(&cfg) : NULL;
	if (!fyp || fy_parser_set_string(fyp, text, d->len) != 0) {
		if (fyp)
			fy_parser_destroy(fyp);
		if (diag)
			fy_diag_destroy(diag);
		ydoc_free(d);
		return ae_error_set(err, "cannot start the YAML parser");
	}
	/* frame: a mapping (expecting a key or a value) or a sequence; `indexed` mappings have their
	 * pairs listed; `owner` is the pair whose value the mapping is (-1 for the root) */
	struct frame { bool map, want_key, indexed; int owner; } st[MAX_DEPTH];
	int depth = 0, rc = 0, current = -1;
	struct fy_event *e;
	while (rc == 0 && (e = fy_parser_parse(fyp))) {
		enum fy_event_type t = e->type;
		struct frame *top = depth ? &st[depth - 1] : NULL;
		bool in_key = top && top->map && top->want_key;
		bool in_value = top && top->map && !top->want_key;
		const struct fy_mark *sm = fy_event_start_mark(e), *em = fy_event_end_mark(e);
		switch (t) {
		case FYET_SCALAR:
		case FYET_ALIAS:
			if (in_key && top->indexed && t == FYET_SCALAR) {
				size_t klen;
				const char *k = fy_token_get_text(e->scalar.value, &klen);
				const char *parent = top->owner >= 0 ? d->pairs[top->owner].path : "";
				size_t plen = strlen(parent);
				char *path = k ? malloc(plen + klen + 2) : NULL;
				if (d->npairs == d->cap) {
					int cap = d->cap ? d->cap * 2 : 64;
					struct pair *np = realloc(d->pairs, sizeof(*np) * (size_t)cap);
					if (np) {
						d->pairs = np;
						d->cap = cap;
					}
				}
				if (!path || d->npairs == d->cap) {
					free(path);
					rc = ae_error_set(err, "out of memory");
					break;
				}
				memcpy(path, parent, plen);
				path[plen] = '/';
				memcpy(path + plen + 1, k, klen);
				path[plen + 1 + klen] = '\0';
				current = d->npairs;
				d->pairs[d->npairs++] = (struct pair){
					.path = path, .key_line = sm ? sm->line : 0, .indent = sm ? sm->column : 0,
				};
			} else if (in_value && top->indexed && t == FYET_SCALAR && sm && em &&
				   sm->line == d->pairs[current].key_line && em->line == sm->line) {
				struct pair *p = &d->pairs[current];
				size_t a = sm->input_pos, b = em->input_pos;
				enum fy_scalar_style style = fy_token_scalar_style(e->scalar.value);
				if ((style == FYSS_DOUBLE_QUOTED || style == FYSS_SINGLE_QUOTED) && a > 0 && b < d->len) {
					a--;
					b++;
				}
				p->single_line = true;
				p->vstart = a;
				p->vend = b;
			}
			if (top && top->map)
				top->want_key = !top->want_key;
			break;
		case FYET_MAPPING_START:
		case FYET_SEQUENCE_START: {
			bool map = t == FYET_MAPPING_START, indexed = false;
			int owner = -1;
			if (!top) {
				indexed = map;
			} else if (map && in_value && top->indexed && sm && sm->line > d->pairs[current].key_line) {
				indexed = true; /* a block mapping as a pair's value */
				owner = current;
				d->pairs[current].is_map = true;
			}
			if (top && top->map)
				top->want_key = !top->want_key;
			if (depth == MAX_DEPTH) {
				rc = ae_error_set(err, "values.yaml nests deeper than %d levels", MAX_DEPTH);
				break;
			}
			st[depth++] = (struct frame){ map, true, indexed, owner };
			break;
		}
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			depth--;
			break;
		default:
			break;
		}
		fy_parser_event_free(fyp, e);
	}
	if (rc == 0 && fy_parser_get_stream_error(fyp))
		rc = ae_error_set(err, "not valid YAML: %s", *diag_msg ? diag_msg : "parse error");
	fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	if (rc) {
		ydoc_free(d); /* nothing of a failed parse is handed out */
		return rc;
	}
	/* extents: a pair ends before the next content line indented at most as much as its key */
	for (int i = 0; i < d->npairs; i++) {
		struct pair *p = &d->pairs[i];
		int last = p->key_line;
		for (int l = p->key_line + 1; l < d->nlines; l++) {
			int ind;
			if (!content_line(d, l, &ind))
				continue;
			if (ind <= p->indent)
				break;
			last = l;
		}
		p->last_line = last;
	}
	return 0;
}

static const struct pair *find(const struct ydoc *d, const char *path)
{
	for (int i = 0; i < d->npairs; i++)
		if (!strcmp(d->pairs[i].path, path))
			return &d->pairs[i];
	return NULL;
}

static const char *parent_path(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (n >= size)
		n = size - 1;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return buf;
}

/* Appends lines [from, to] of d, shifted by delta columns. */
static void copy_lines(struct strbuf *out, const struct ydoc *d, int from, int to, int delta)
{
	if (to > d->nlines - 1) /* never past the text, whatever the caller's line numbers */
		to = d->nlines - 1;
	for (int l = from; l <= to; l++) {
		const char *p = d->text + d->line_start[l];
		size_t n = d->line_start[l + 1] - d->line_start[l];
		if (delta > 0 && n > 0 && *p != '\n')
			for (int i = 0; i < delta; i++)
				strbuf_putc(out, ' ');
		int strip = delta < 0 ? -delta : 0;
		while (strip-- > 0 && n > 0 && *p == ' ')
			p++, n--;
		strbuf_add(out, p, n);
		if (n == 0 || p[n - 1] != '\n')
			strbuf_putc(out, '\n');
	}
}

struct edit {
	size_t from, to;    /* byte range of the existing text replaced */
	struct strbuf with; /* owned */
	int order;          /* insertion order at the same position */
	int indent;         /* insertions: the column of the inserted key */
};

static int edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	bool xi = x->from == x->to, yi = y->from == y->to; /* insertions before a removal at the same place */
	if (xi != yi)
		return xi ? -1 : 1;
	if (xi && x->indent != y->indent) /* the inner block's end first, then the outer's */
		return y->indent - x->indent;
	return x->order - y->order;
}

static int edit_in_place(const char *existing, const char *generated, const char *previous, struct strbuf *out,
			 struct ae_error *err)
{
	struct ydoc e, g, p = {0};
	if (ydoc_parse(existing, &e, err) < 0)
		return -1;
	if (ydoc_parse(generated, &g, err) < 0) {
		ydoc_free(&e);
		return -1;
	}
	if (previous && ydoc_parse(previous, &p, err) < 0) {
		ydoc_free(&e);
		ydoc_free(&g);
		return -1;
	}
	struct edit *edits = calloc((size_t)(g.npairs + p.npairs) + 1, sizeof(*edits));
	const char **whole = NULL;
	int nedits = 0, rc = 0;
	if (!edits) {
		rc = ae_error_set(err, "out of memory");
		goto done;
	}
	whole = calloc((size_t)g.npairs + 1, sizeof(*whole)); /* pairs written as a whole */
	int nwhole = 0;
	if (!whole) {
		rc = ae_error_set(err, "out of memory");
		goto done;
	}
	for (int i = 0; i < g.npairs; i++) {
		const struct pair *gp = &g.pairs[i];
		const struct pair *ep = find(&e, gp->path);
		char parent[512];
		parent_path(gp->path, parent, sizeof(parent));
		/* skip pairs whose ancestor is being inserted or replaced as a whole (a duplicate otherwise) */
		bool covered = *parent && !find(&e, parent);
		for (int w = 0; !covered && w < nwhole; w++) {
			size_t wl = strlen(whole[w]);
			covered = !strncmp(gp->path, whole[w], wl) && gp->path[wl] == '/';
		}
		if (covered)
			continue;
		if (!(ep && gp->is_map && ep->is_map) && !(ep && gp->single_line && ep->single_line))
			whole[nwhole++] = gp->path;
		if (ep && gp->is_map && ep->is_map)
			continue; /* both mappings: their pairs are handled one by one */
		struct edit *ed = &edits[nedits];
		ed->order = i;
		if (ep && gp->single_line && ep->single_line) {
			size_t glen = gp->vend - gp->vstart, elen = ep->vend - ep->vstart;
			if (glen == elen && !memcmp(g.text + gp->vstart, e.text + ep->vstart, glen))
				continue;
			ed->from = ep->vstart;
			ed->to = ep->vend;
			strbuf_add(&ed->with, g.text + gp->vstart, glen);
		} else if (ep) {
			ed->from = e.line_start[ep->key_line];
			ed->to = e.line_start[ep->last_line + 1];
			copy_lines(&ed->with, &g, gp->key_line, gp->last_line, ep->indent - gp->indent);
			if (ed->with.len == ed->to - ed->from && !memcmp(ed->with.buf, e.text + ed->from, ed->with.len)) {
				strbuf_free(&ed->with);
				continue;
			}
		} else {
			/* new owned key: after the last line of its parent in the existing file */
			const struct pair *ea = *parent ? find(&e, parent) : NULL;
			int indent = 0, after;
			if (ea) {
				after = ea->last_line;
				indent = ea->indent + 2;
				for (int j = 0; j < e.npairs; j++) /* follow the file's own indentation */
					if (!strncmp(e.pairs[j].path, parent, strlen(parent)) &&
					    e.pairs[j].path[strlen(parent)] == '/' &&
					    !strchr(e.pairs[j].path + strlen(parent) + 1, '/')) {
						indent = e.pairs[j].indent;
						break;
					}
			} else {
				after = e.nlines - 1;
				while (after >= 0 && !content_line(&e, after, NULL))
					after--;
			}
			ed->from = ed->to = e.line_start[after + 1];
			ed->indent = indent;
			copy_lines(&ed->with, &g, gp->key_line, gp->last_line, indent - gp->indent);
			if (ed->from == e.len && e.len && e.text[e.len - 1] != '\n') {
				struct strbuf nl = {0};
				strbuf_putc(&nl, '\n');
				strbuf_add(&nl, ed->with.buf, ed->with.len);
				strbuf_free(&ed->with);
				ed->with = nl;
			}
		}
		nedits++;
	}
	/* owned keys the previous answers wrote and the new ones do not: removed. A mapping goes
	 * as a whole only when nothing of the user's is inside it; otherwise its owned pairs go one
	 * by one and the user's stay. */
	const char **gone = calloc((size_t)p.npairs + 1, sizeof(*gone));
	int ngone = 0;
	if (!gone) {
		rc = ae_error_set(err, "out of memory");
		goto done;
	}
	for (int i = 0; previous && i < p.npairs; i++) {
		const struct pair *pp = &p.pairs[i];
		if (find(&g, pp->path))
			continue;
		bool covered = false;
		for (int w = 0; !covered && w < ngone; w++) {
			size_t wl = strlen(gone[w]);
			covered = !strncmp(pp->path, gone[w], wl) && pp->path[wl] == '/';
		}
		const struct pair *ep = find(&e, pp->path);
		if (covered || !ep)
			continue;
		size_t pl = strlen(pp->path);
		bool users_inside = false;
		for (int j = 0; j < e.npairs && !users_inside; j++)
			if (!strncmp(e.pairs[j].path, pp->path, pl) && e.pairs[j].path[pl] == '/' &&
			    !find(&p, e.pairs[j].path) && !find(&g, e.pairs[j].path))
				users_inside = true;
		if (users_inside)
			continue; /* its owned pairs are removed one by one */
		gone[ngone++] = pp->path;
		struct edit *ed = &edits[nedits++];
		ed->from = e.line_start[ep->key_line];
		ed->to = e.line_start[ep->last_line + 1];
		ed->order = -1;
	}
	free(gone);
	qsort(edits, (size_t)nedits, sizeof(*edits), edit_cmp);
	bool crlf = strstr(existing, "\r\n") != NULL;
	size_t pos = 0;
	for (int i = 0; i < nedits; i++) {
		if (edits[i].from < pos) { /* overlapping edits: the file's shape is not one we can edit */
			rc = ae_error_set(err, "overlapping edits");
			goto done;
		}
		strbuf_add(out, e.text + pos, edits[i].from - pos);
		for (size_t k = 0; k < edits[i].with.len; k++) { /* the file's own line ends */
			char ch = edits[i].with.buf[k];
			if (ch == '\n' && crlf && (k == 0 || edits[i].with.buf[k - 1] != '\r'))
				strbuf_putc(out, '\r');
			strbuf_putc(out, ch);
		}
		pos = edits[i].to;
	}
	strbuf_add(out, e.text + pos, e.len - pos);
	if (strbuf_failed(out))
		rc = ae_error_set(err, "out of memory");
done:
	free(whole);
	for (int i = 0; edits && i < g.npairs + p.npairs; i++)
		strbuf_free(&edits[i].with);
	free(edits);
	ydoc_free(&e);
	ydoc_free(&g);
	ydoc_free(&p);
	return rc;
}

/* Every pair of `want` is in `have` with the same one-line value (or the same block text). */
int values_owned_match(const char *have, const char *want, struct ae_error *err)
{
	struct ydoc h, w;
	if (ydoc_parse(have, &h, err) < 0)
		return -1;
	if (ydoc_parse(want, &w, err) < 0) {
		ydoc_free(&h);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < w.npairs && !rc; i++) {
		const struct pair *wp = &w.pairs[i], *hp = find(&h, wp->path);
		if (!hp) {
			rc = ae_error_set(err, "%s is missing after the edit", wp->path);
		} else if (wp->single_line) {
			if (!hp->single_line || hp->vend - hp->vstart != wp->vend - wp->vstart ||
			    memcmp(h.text + hp->vstart, w.text + wp->vstart, wp->vend - wp->vstart))
				rc = ae_error_set(err, "%s has another value after the edit", wp->path);
		}
	}
	ydoc_free(&h);
	ydoc_free(&w);
	return rc;
}

/* --- the safety net: the edit is checked on the YAML it means, not on its lines ------------ */

struct keypath {
	const char *k[MAX_DEPTH];
	int n;
};

static void keypath_str(const struct keypath *kp, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < kp->n && o + 1 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "." : "", kp->k[i]);
}

static const struct ynode *at_path(const struct ynode *n, const struct keypath *kp, int upto)
{
	for (int i = 0; n && i < upto; i++)
		n = ynode_get(n, kp->k[i]);
	return n;
}

/* Is kp (or an ancestor of it) a value `owned` sets or `previous` set? Those are setup's. */
static bool is_owned(const struct ynode *gen, const struct ynode *prev, const struct keypath *kp)
{
	for (int i = 1; i <= kp->n; i++) {
		const struct ynode *g = at_path(gen, kp, i), *p = prev ? at_path(prev, kp, i) : NULL;
		if ((g && (g->kind != Y_MAP || i == kp->n)) || (p && (p->kind != Y_MAP || i == kp->n)))
			return true;
	}
	return false;
}

/* Every leaf of `want` (a mapping tree) has the same value in `have`; with `skip_owned`, leaves
 * setup owns are not compared (the user's values). Fills what with the first difference. */
static bool leaves_kept(const struct ynode *want, const struct ynode *have, const struct ynode *gen, const struct ynode *prev,
			bool skip_owned, struct keypath *kp, char *what, size_t size)
{
	if (want->kind != Y_MAP || (want->len == 0 && kp->n)) {
		if (skip_owned && is_owned(gen, prev, kp))
			return true;
		const struct ynode *h = at_path(have, kp, kp->n);
		if (h && ynode_equal(h, want))
			return true;
		keypath_str(kp, what, size);
		return false;
	}
	if (kp->n == MAX_DEPTH)
		return true;
	for (size_t i = 0; i < want->len; i++) {
		kp->k[kp->n++] = want->keys[i];
		bool ok = leaves_kept(want->items[i], have, gen, prev, skip_owned, kp, what, size);
		kp->n--;
		if (!ok)
			return false;
	}
	return true;
}

static int parse_quiet(struct ytree *t, const char *name, const char *text)
{
	struct diag_list d = {0};
	int rc = ytree_parse(t, name, text, strlen(text), &d);
	diag_list_free(&d);
	return rc;
}

/* A carriage return not followed by a line feed: YAML reads it as a line break, the line-based
 * editor does not. */
static bool lone_cr(const char *s)
{
	for (; s && *s; s++)
		if (s[0] == '\r' && s[1] != '\n')
			return true;
	return false;
}

int values_merge(const char *existing, const char *generated, const char *previous,
		 struct strbuf *out, struct ae_error *err)
{
	if (lone_cr(existing) || lone_cr(generated) || lone_cr(previous))
		return ae_error_set(err, "the existing values.yaml breaks lines with lone carriage returns, which are not edited in place");
	struct ytree te, tg, tp, to;
	bool have_p = previous != NULL;
	int rc = -1;
	if (parse_quiet(&te, "values.yaml", existing)) {
		ytree_free(&te);
		return ae_error_set(err, "the existing values.yaml is not one YAML mapping helm reads the same way (a syntax error, a repeated key or an unknown alias)");
	}
	if (parse_quiet(&tg, "generated", generated)) {
		ytree_free(&te);
		ytree_free(&tg);
		return ae_error_set(err, "the generated values do not parse");
	}
	if (have_p && parse_quiet(&tp, "previous", previous)) {
		ytree_free(&tp);
		have_p = false; /* nothing is known about the previous answers: nothing is removed */
	}
	if (te.root->kind != Y_MAP && te.root->kind != Y_NULL) {
		ae_error_set(err, "the existing values.yaml is not a mapping");
		goto out;
	}
	struct strbuf edited = {0};
	if (edit_in_place(existing, generated, have_p ? previous : NULL, &edited, err)) {
		strbuf_free(&edited);
		goto out;
	}
	if (parse_quiet(&to, "edited", strbuf_str(&edited))) {
		ytree_free(&to);
		strbuf_free(&edited);
		ae_error_set(err, "an in-place edit of this file's layout would not be valid YAML");
		goto out;
	}
	char what[512];
	struct ae_error why;
	struct keypath kp = { .n = 0 };
	const struct ynode *prev = have_p ? tp.root : NULL;
	if (!leaves_kept(tg.root, to.root, tg.root, prev, false, &kp, what, sizeof(what))) {
		ae_error_set(err, "an in-place edit of this file's layout would not set %s", what);
	} else if (te.root->kind == Y_MAP && !leaves_kept(te.root, to.root, tg.root, prev, true, &kp, what, sizeof(what))) {
		ae_error_set(err, "an in-place edit of this file's layout would change your %s", what);
	} else if (values_owned_match(strbuf_str(&edited), generated, &why) != 0) {
		/* the text-level view disagrees (a key spelt in a way the two readers see differently):
		 * refused, so setup rewrites the file with a backup */
		ae_error_set(err, "an in-place edit of this file's layout is unsure: %s", why.msg);
	} else {
		strbuf_add(out, edited.buf ? edited.buf : "", edited.len);
		rc = strbuf_failed(out) ? ae_error_set(err, "out of memory") : 0;
	}
	ytree_free(&to);
	strbuf_free(&edited);
out:
	ytree_free(&te);
	ytree_free(&tg);
	if (have_p)
		ytree_free(&tp);
	return rc;
}
