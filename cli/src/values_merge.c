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
#include <stdlib.h>
#include <string.h>

#include "values_merge.h"

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
};

static int edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->order - y->order;
}

int values_merge(const char *existing, const char *generated, const char *previous,
		 struct strbuf *out, struct ae_error *err)
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
	int nedits = 0, rc = 0;
	if (!edits) {
		rc = ae_error_set(err, "out of memory");
		goto done;
	}
	char pbuf[512];
	for (int i = 0; i < g.npairs; i++) {
		const struct pair *gp = &g.pairs[i];
		const struct pair *ep = find(&e, gp->path);
		char parent[512];
		parent_path(gp->path, parent, sizeof(parent));
		/* skip pairs whose ancestor is being inserted as a whole */
		if (*parent && !find(&e, parent))
			continue;
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
	/* owned keys the previous answers wrote and the new ones do not: removed */
	for (int i = 0; previous && i < p.npairs; i++) {
		const struct pair *pp = &p.pairs[i];
		if (find(&g, pp->path))
			continue;
		if (*parent_path(pp->path, pbuf, sizeof(pbuf)) && !find(&g, pbuf) && find(&p, pbuf))
			continue; /* its parent goes as a whole */
		const struct pair *ep = find(&e, pp->path);
		if (!ep)
			continue;
		struct edit *ed = &edits[nedits++];
		ed->from = e.line_start[ep->key_line];
		ed->to = e.line_start[ep->last_line + 1];
		ed->order = -1;
	}
	qsort(edits, (size_t)nedits, sizeof(*edits), edit_cmp);
	size_t pos = 0;
	for (int i = 0; i < nedits; i++) {
		if (edits[i].from < pos) { /* overlapping edits: the file's shape is not one we can edit */
			rc = ae_error_set(err, "overlapping edits");
			goto done;
		}
		strbuf_add(out, e.text + pos, edits[i].from - pos);
		strbuf_add(out, strbuf_str(&edits[i].with), edits[i].with.len);
		pos = edits[i].to;
	}
	strbuf_add(out, e.text + pos, e.len - pos);
	if (strbuf_failed(out))
		rc = ae_error_set(err, "out of memory");
done:
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
