/* ytree_fast.c — the fast path of ytree_parse for the YAML our own writers produce (see
 * ytree_internal.h). It reads only a narrow, unambiguous subset and declines everything else,
 * which then goes to libfyaml; where it accepts, it builds the tree libfyaml's path would build,
 * node for node and position for position (test_ytree and the ytree_fast fuzz target compare
 * the two on generated files and on random input).
 *
 * The subset, line by line (every line ends in '\n'; no tab, no '\r' anywhere):
 *   - empty lines, and comment lines (spaces, then '#');
 *   - a block mapping entry  KEY: VALUE  or  KEY:  followed by a more indented block mapping or
 *     block sequence; KEY is plain ([A-Za-z_][A-Za-z0-9_./-]*) or double-quoted;
 *   - a block sequence entry  - VALUE  or  - KEY: ...  (a mapping that starts on the dash line);
 *   - VALUE is a double-quoted string on one line (JSON escapes only), a plain decimal integer,
 *     true or false, a flow sequence of double-quoted strings, {} or [], or a literal block
 *     scalar (|) whose first line is not blank.
 * No anchors, aliases, tags, documents markers, trailing comments or duplicate keys: any of them
 * declines, and libfyaml reports what needs reporting. */
#include "ytree_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define FAST_MAX_DEPTH 32
#define FAST_MAX_KEY 1024

enum { DECLINE = 0, OK = 1, NOMEM = -1, END = 2 /* internal: the collection ended */ };

struct fp {
	const char *file;
	const char *s, *end;
	const char *p;      /* the start of the current line */
	unsigned line;      /* its number, 1-based */
};

/* Columns count characters, as libfyaml's marks do (the text is valid UTF-8: ytree checked it). */
static unsigned col_of(const struct fp *f, const char *at) { return 1 + ytree_chars_(f->p, at); }

static const char *eol(const struct fp *f, const char *at)
{
	const char *nl = memchr(at, '\n', (size_t)(f->end - at));
	return nl ? nl : f->end;
}

static void next_line(struct fp *f)
{
	const char *nl = eol(f, f->p);
	f->p = nl < f->end ? nl + 1 : f->end;
	f->line++;
}

/* Skips empty, blank and comment lines. Returns the indentation of the next content line, or
 * -1 at the end of the text. */
static int next_content(struct fp *f)
{
	while (f->p < f->end) {
		const char *q = f->p;
		while (q < f->end && *q == ' ')
			q++;
		if (q < f->end && *q != '\n' && *q != '#')
			return (int)(q - f->p);
		next_line(f);
	}
	return -1;
}

static bool plain_key_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
static bool plain_key_char(char c)
{
	return plain_key_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '/';
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A double-quoted scalar at *at (the opening quote) on one line. On OK *out is the decoded
 * string (caller owns) and *at points past the closing quote. */
static int dq_string(const struct fp *f, const char **at, char **out)
{
	const char *q = *at + 1, *stop = eol(f, q);
	size_t n = 0;
	/* the decoded text is never longer than the quoted one */
	char *buf = malloc((size_t)(stop - q) + 1);
	if (!buf)
		return NOMEM;
	while (q < stop && *q != '"') {
		unsigned char c = (unsigned char)*q;
		if (c < 0x20 || c == 0x7f) /* raw control characters: left to libfyaml */
			goto decline;
		if (c != '\\') {
			buf[n++] = (char)c;
			q++;
			continue;
		}
		if (q + 1 >= stop)
			goto decline;
		char e = q[1];
		q += 2;
		switch (e) {
		case '"': buf[n++] = '"'; break;
		case '\\': buf[n++] = '\\'; break;
		case '/': buf[n++] = '/'; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u': {
			unsigned v = 0;
			for (int k = 0; k < 4; k++) {
				int h = q + k < stop ? hexval(q[k]) : -1;
				if (h < 0)
					goto decline;
				v = v << 4 | (unsigned)h;
			}
			q += 4;
			if (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) /* NUL and surrogate halves: libfyaml decides */
				goto decline;
			if (v < 0x80) {
				buf[n++] = (char)v;
			} else if (v < 0x800) { /* \uXXXX is 6 bytes of input: room for any UTF-8 form */
				buf[n++] = (char)(0xC0 | v >> 6);
				buf[n++] = (char)(0x80 | (v & 0x3F));
			} else {
				buf[n++] = (char)(0xE0 | v >> 12);
				buf[n++] = (char)(0x80 | (v >> 6 & 0x3F));
				buf[n++] = (char)(0x80 | (v & 0x3F));
			}
			break;
		}
		default:
			goto decline;
		}
	}
	if (q >= stop)
		goto decline;
	buf[n] = '\0';
	*out = buf;
	*at = q + 1;
	return OK;
decline:
	free(buf);
	return DECLINE;
}

static struct ynode *new_node(const struct fp *f, enum ynode_kind kind, const char *at)
{
	struct ynode *n = ynode_new(kind);
	if (n) {
		n->file = f->file;
		n->line = f->line;
		n->col = col_of(f, at);
	}
	return n;
}

/* A plain scalar that is a decimal integer, true or false; anything else declines. */
static int plain_scalar(const struct fp *f, const char *at, const char *stop, struct ynode **out)
{
	size_t len = (size_t)(stop - at);
	struct ynode *n = NULL;
	if ((len == 4 && !memcmp(at, "true", 4)) || (len == 5 && !memcmp(at, "false", 5))) {
		if (!(n = new_node(f, Y_BOOL, at)))
			return NOMEM;
		n->boolean = len == 4;
	} else {
		const char *d = at + (len && *at == '-');
		size_t digits = (size_t)(stop - d);
		if (digits == 0 || digits > 18 || (*d == '0' && digits > 1))
			return DECLINE;
		long long v = 0;
		for (const char *q = d; q < stop; q++) {
			if (*q < '0' || *q > '9')
				return DECLINE;
			v = v * 10 + (*q - '0');
		}
		if (!(n = new_node(f, Y_INT, at)))
			return NOMEM;
		n->integer = d == at ? v : -v;
		n->number = (double)n->integer;
	}
	if (!(n->text = malloc(len + 1))) {
		ynode_free(n);
		return NOMEM;
	}
	memcpy(n->text, at, len);
	n->text[len] = '\0';
	*out = n;
	return OK;
}

/* A flow sequence of double-quoted strings, "[]" included, ending its line. */
static int flow_seq(const struct fp *f, const char *at, struct ynode **out)
{
	struct ynode *seq = new_node(f, Y_SEQ, at);
	if (!seq)
		return NOMEM;
	const char *q = at + 1;
	int rc = OK;
	if (*q == ']') {
		q++;
	} else {
		for (;;) {
			if (*q != '"') {
				rc = DECLINE;
				break;
			}
			struct ynode *item = new_node(f, Y_STRING, q + 1); /* libfyaml marks a quoted scalar after its quote */
			if (!item) {
				rc = NOMEM;
				break;
			}
			if ((rc = dq_string(f, &q, &item->text)) != OK || ytree_append_(seq, NULL, 0, 0, item) < 0) {
				ynode_free(item);
				rc = rc == OK ? NOMEM : rc;
				break;
			}
			if (q[0] == ',' && q[1] == ' ') {
				q += 2;
			} else if (*q == ']') {
				q++;
				break;
			} else {
				rc = DECLINE;
				break;
			}
		}
	}
	if (rc == OK && (q >= f->end || *q != '\n'))
		rc = DECLINE;
	if (rc != OK) {
		ynode_free(seq);
		return rc;
	}
	*out = seq;
	return OK;
}

/* A literal block scalar: '|' at `at` ends its line; the content is the following lines indented
 * more than `parent`, by the first one's indentation, with the final line break kept (clip). */
static int literal_block(struct fp *f, int parent, const char *at, struct ynode **out)
{
	struct ynode *n = new_node(f, Y_STRING, at);
	if (!n)
		return NOMEM;
	next_line(f);
	n->line = f->line; /* libfyaml marks a block scalar at the start of its first line */
	n->col = 1;
	struct strbuf text = {0};
	int indent = -1, rc = OK;
	size_t pending = 0; /* blank lines not yet known to be inside the content */
	while (f->p < f->end) {
		const char *stop = eol(f, f->p), *q = f->p;
		while (q < stop && *q == ' ')
			q++;
		int ind = (int)(q - f->p);
		if (q == stop) {
			if (q != f->p || indent < 0) { /* a line of spaces, or a blank first line: libfyaml decides */
				rc = DECLINE;
				break;
			}
			pending++;
			next_line(f);
			continue;
		}
		if (ind <= parent)
			break;
		if (indent < 0)
			indent = ind;
		if (ind < indent) {
			rc = DECLINE;
			break;
		}
		for (; pending; pending--)
			strbuf_putc(&text, '\n');
		strbuf_add(&text, f->p + indent, (size_t)(stop - f->p - indent));
		strbuf_putc(&text, '\n');
		next_line(f);
	}
	if (rc == OK && indent < 0)
		rc = DECLINE;
	if (rc == OK && strbuf_failed(&text))
		rc = NOMEM;
	if (rc != OK) {
		strbuf_free(&text);
		ynode_free(n);
		return rc;
	}
	n->text = strbuf_detach(&text);
	*out = n;
	return OK;
}

static int block_node(struct fp *f, int indent, int depth, struct ynode **out);

/* After an entry of a block collection at `indent`: OK when the next content line is another
 * entry (at the same indentation), END when the collection ends there (less indented, or the
 * end of the text), DECLINE when it is indented deeper. */
static int next_entry(struct fp *f, int indent)
{
	int next = next_content(f);
	return next < indent ? END : next > indent ? DECLINE : OK;
}

/* The value after "KEY: " or "- " at `at` on the current line; the cursor moves past it. */
static int inline_value(struct fp *f, int parent, const char *at, struct ynode **out)
{
	const char *stop = eol(f, at);
	int rc;
	if (*at == '"') {
		struct ynode *n = new_node(f, Y_STRING, at + 1); /* libfyaml marks a quoted scalar after its quote */
		if (!n)
			return NOMEM;
		const char *q = at;
		if ((rc = dq_string(f, &q, &n->text)) != OK || q != stop) {
			ynode_free(n);
			return rc == OK ? DECLINE : rc;
		}
		*out = n;
	} else if (*at == '[') {
		if ((rc = flow_seq(f, at, out)) != OK)
			return rc;
	} else if (*at == '{') {
		if (stop - at != 2 || at[1] != '}')
			return DECLINE;
		if (!(*out = new_node(f, Y_MAP, at)))
			return NOMEM;
	} else if (*at == '|') {
		return stop - at == 1 ? literal_block(f, parent, at, out) : DECLINE;
	} else if ((rc = plain_scalar(f, at, stop, out)) != OK) {
		return rc;
	}
	next_line(f);
	return OK;
}

/* A key at `at`, followed by ':' and then a space or the end of the line. */
static int read_key(const struct fp *f, const char **at, char **key)
{
	const char *q = *at;
	int rc;
	if (*q == '"') {
		if ((rc = dq_string(f, &q, key)) != OK)
			return rc;
	} else {
		if (!plain_key_start(*q))
			return DECLINE;
		while (q < f->end && plain_key_char(*q))
			q++;
		if (!(*key = malloc((size_t)(q - *at) + 1)))
			return NOMEM;
		memcpy(*key, *at, (size_t)(q - *at));
		(*key)[q - *at] = '\0';
	}
	if (strlen(*key) > FAST_MAX_KEY || q + 1 >= f->end || q[0] != ':' || (q[1] != ' ' && q[1] != '\n')) {
		free(*key);
		*key = NULL;
		return DECLINE;
	}
	*at = q + 1;
	return OK;
}

/* A block mapping at `indent`; its first key is at `first` on the current line (which may follow
 * a "- "). */
static int block_map(struct fp *f, int indent, const char *first, int depth, struct ynode **out)
{
	struct ynode *map = new_node(f, Y_MAP, first);
	if (!map)
		return NOMEM;
	int rc = OK;
	const char *at = first;
	for (;;) {
		char *key = NULL;
		unsigned kline = f->line, kcol = col_of(f, at) + (*at == '"'); /* after a quote, as libfyaml marks it */
		if ((rc = read_key(f, &at, &key)) != OK)
			break;
		struct ynode *value = NULL;
		if (ynode_get(map, key)) {
			rc = DECLINE; /* a duplicate: libfyaml's path reports it */
		} else if (*at == ' ') {
			rc = inline_value(f, indent, at + 1, &value);
		} else {
			next_line(f);
			int child = next_content(f);
			if (child > indent)
				rc = block_node(f, child, depth + 1, &value);
			else
				rc = DECLINE; /* an empty value, or a sequence at the key's indentation */
		}
		if (rc == OK && ytree_append_owned_(map, key, kline, kcol, value) < 0) {
			ynode_free(value);
			rc = NOMEM;
		} else if (rc == OK) {
			key = NULL; /* the mapping's now */
		}
		free(key);
		if (rc != OK)
			break;
		if ((rc = next_entry(f, indent)) != OK)
			break;
		at = f->p + indent;
		if (*at == '-' && (at[1] == ' ' || at[1] == '\n')) {
			rc = DECLINE; /* a sequence where a key belongs */
			break;
		}
	}
	if (rc == END)
		rc = OK;
	if (rc != OK) {
		ynode_free(map);
		return rc;
	}
	*out = map;
	return OK;
}

static int block_seq(struct fp *f, int indent, int depth, struct ynode **out)
{
	struct ynode *seq = new_node(f, Y_SEQ, f->p + indent);
	if (!seq)
		return NOMEM;
	int rc = OK;
	for (;;) {
		const char *dash = f->p + indent;
		if (dash[0] != '-' || dash[1] != ' ') {
			rc = DECLINE;
			break;
		}
		const char *at = dash + 2;
		struct ynode *item = NULL;
		const char *k = at;
		bool is_map = plain_key_start(*k) || *k == '"';
		if (is_map && *k != '"') {
			while (k < f->end && plain_key_char(*k))
				k++;
			is_map = *k == ':';
		} else if (is_map) { /* "- "a": ..." or "- "a"" */
			char *tmp = NULL;
			is_map = dq_string(f, &k, &tmp) == OK && *k == ':';
			free(tmp);
		}
		if (is_map)
			rc = depth + 1 > FAST_MAX_DEPTH ? DECLINE : block_map(f, indent + 2, at, depth + 1, &item);
		else
			rc = inline_value(f, indent, at, &item);
		if (rc == OK && ytree_append_(seq, NULL, 0, 0, item) < 0) {
			ynode_free(item);
			rc = NOMEM;
		}
		if (rc != OK || (rc = next_entry(f, indent)) != OK)
			break;
	}
	if (rc == END)
		rc = OK;
	if (rc != OK) {
		ynode_free(seq);
		return rc;
	}
	*out = seq;
	return OK;
}

/* A block collection whose first line (a content line) is indented by `indent`. */
static int block_node(struct fp *f, int indent, int depth, struct ynode **out)
{
	if (depth > FAST_MAX_DEPTH)
		return DECLINE;
	const char *at = f->p + indent;
	if (at[0] == '-' && at[1] == ' ')
		return block_seq(f, indent, depth, out);
	return block_map(f, indent, at, depth, out);
}

int ytree_fast_parse(const char *file, const char *text, size_t len, struct ynode **root)
{
	*root = NULL;
	if (!len || text[len - 1] != '\n' || memchr(text, '\t', len) || memchr(text, '\r', len) ||
	    memchr(text, '\0', len))
		return DECLINE;
	struct fp f = { file, text, text + len, text, 1 };
	if (next_content(&f) != 0)
		return DECLINE; /* the root is a mapping at the left margin */
	const char *at = f.p;
	if (at[0] == '-' || at[0] == '.' || at[0] == '%')
		return DECLINE;
	struct ynode *map = NULL;
	int rc = block_map(&f, 0, at, 0, &map);
	if (rc == OK && next_content(&f) >= 0) /* something left over */
		rc = DECLINE;
	if (rc != OK) {
		ynode_free(map);
		return rc;
	}
	*root = map;
	return OK;
}
