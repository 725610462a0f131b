#include "toml.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writer ---- */

void toml_quote(struct strbuf *out, const char *value) { strbuf_quote(out, value); }

void toml_comment(struct strbuf *out, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		strbuf_puts(out, n ? "# " : "#");
		strbuf_add(out, p, n);
		strbuf_putc(out, '\n');
		p += n + (nl ? 1 : 0);
	}
}

void toml_table(struct strbuf *out, const char *name)
{
	if (out->len)
		strbuf_putc(out, '\n');
	strbuf_putc(out, '[');
	strbuf_puts(out, name);
	strbuf_puts(out, "]\n");
}

void toml_string(struct strbuf *out, const char *key, const char *value)
{
	strbuf_puts(out, key);
	strbuf_puts(out, " = ");
	toml_quote(out, value ? value : "");
	strbuf_putc(out, '\n');
}

void toml_int(struct strbuf *out, const char *key, int64_t value)
{
	strbuf_printf(out, "%s = %lld\n", key, (long long)value);
}

void toml_bool(struct strbuf *out, const char *key, bool value)
{
	strbuf_puts(out, key);
	strbuf_puts(out, value ? " = true\n" : " = false\n");
}

/* ---- reader ---- */

struct parser {
	const char *p;
	unsigned line;
	const char *line_start;
	char *err;
	size_t err_size;
};

static unsigned col_of(const struct parser *ps) { return (unsigned)(ps->p - ps->line_start) + 1; }

static int perr(struct parser *ps, const char *msg)
{
	snprintf(ps->err, ps->err_size, "%s", msg);
	return -1;
}

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

/* After a value or header: optional comment, then end of line. */
static int end_of_line(struct parser *ps)
{
	skip_ws(ps);
	if (*ps->p == '#')
		while (*ps->p && *ps->p != '\n')
			ps->p++;
	if (*ps->p == '\r' && ps->p[1] == '\n')
		ps->p++;
	if (*ps->p && *ps->p != '\n')
		return perr(ps, "unexpected text after the value");
	return 0;
}

static bool bare_key_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

static int parse_bare(struct parser *ps, char *out, size_t size, const char *what)
{
	size_t n = 0;
	while (bare_key_char(*ps->p)) {
		if (n + 1 >= size)
			return perr(ps, "name too long");
		out[n++] = *ps->p++;
	}
	out[n] = '\0';
	if (n == 0) {
		char m[64];
		snprintf(m, sizeof(m), "expected a %s", what);
		return perr(ps, m);
	}
	return 0;
}

static int put_utf8(struct strbuf *sb, unsigned long cp)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	if (cp < 0x80) {
		strbuf_putc(sb, (char)cp);
	} else if (cp < 0x800) {
		strbuf_putc(sb, (char)(0xC0 | (cp >> 6)));
		strbuf_putc(sb, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		strbuf_putc(sb, (char)(0xE0 | (cp >> 12)));
		strbuf_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_putc(sb, (char)(0x80 | (cp & 0x3F)));
	} else {
		strbuf_putc(sb, (char)(0xF0 | (cp >> 18)));
		strbuf_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
		strbuf_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_putc(sb, (char)(0x80 | (cp & 0x3F)));
	}
	return 0;
}

static int parse_string(struct parser *ps, struct strbuf *sb)
{
	ps->p++; /* opening quote */
	for (;;) {
		char c = *ps->p;
		if (c == '\0' || c == '\n')
			return perr(ps, "unterminated string");
		ps->p++;
		if (c == '"')
			return 0;
		if (c != '\\') {
			if ((unsigned char)c < 0x20 && c != '\t')
				return perr(ps, "control character in string");
			strbuf_putc(sb, c);
			continue;
		}
		char e = *ps->p++;
		switch (e) {
		case '"': strbuf_putc(sb, '"'); break;
		case '\\': strbuf_putc(sb, '\\'); break;
		case 'n': strbuf_putc(sb, '\n'); break;
		case 't': strbuf_putc(sb, '\t'); break;
		case 'r': strbuf_putc(sb, '\r'); break;
		case 'b': strbuf_putc(sb, '\b'); break;
		case 'f': strbuf_putc(sb, '\f'); break;
		case 'u':
		case 'U': {
			int digits = e == 'u' ? 4 : 8;
			unsigned long cp = 0;
			for (int i = 0; i < digits; i++) {
				char h = *ps->p++;
				if (!isxdigit((unsigned char)h))
					return perr(ps, "bad unicode escape");
				cp = cp * 16 + (unsigned long)(isdigit((unsigned char)h) ? h - '0'
							      : (tolower((unsigned char)h) - 'a' + 10));
			}
			if (put_utf8(sb, cp) < 0)
				return perr(ps, "bad unicode escape");
			break;
		}
		default:
			ps->p--;
			return perr(ps, "unknown escape in string");
		}
	}
}

int toml_parse(const char *text, toml_key_fn fn, void *ctx, unsigned *err_line,
	       unsigned *err_col, char *err_msg, size_t err_size)
{
	struct parser ps = { .p = text, .line = 1, .line_start = text, .err = err_msg,
			     .err_size = err_size };
	char table[128] = "";
	char key[128];
	struct strbuf sb = {0};
	int rc = 0;

	while (*ps.p) {
		skip_ws(&ps);
		if (*ps.p == '#' || *ps.p == '\n' || *ps.p == '\r') {
			if (end_of_line(&ps) < 0)
				goto fail;
		} else if (*ps.p == '[') {
			ps.p++;
			skip_ws(&ps);
			if (parse_bare(&ps, table, sizeof(table), "table name") < 0)
				goto fail;
			skip_ws(&ps);
			if (*ps.p != ']') {
				perr(&ps, "expected ']'");
				goto fail;
			}
			ps.p++;
			if (end_of_line(&ps) < 0)
				goto fail;
		} else {
			unsigned kline = ps.line, kcol = col_of(&ps);
			if (parse_bare(&ps, key, sizeof(key), "key") < 0)
				goto fail;
			skip_ws(&ps);
			if (*ps.p != '=') {
				perr(&ps, "expected '=' after the key");
				goto fail;
			}
			ps.p++;
			skip_ws(&ps);
			struct toml_value v = {0};
			sb.len = 0;
			if (*ps.p == '"') {
				strbuf_puts(&sb, "");
				if (parse_string(&ps, &sb) < 0)
					goto fail;
				v.type = TOML_STRING;
				v.str = strbuf_str(&sb);
			} else if (strncmp(ps.p, "true", 4) == 0 && !bare_key_char(ps.p[4])) {
				v.type = TOML_BOOL;
				v.b = true;
				ps.p += 4;
			} else if (strncmp(ps.p, "false", 5) == 0 && !bare_key_char(ps.p[5])) {
				v.type = TOML_BOOL;
				ps.p += 5;
			} else if (*ps.p == '-' || *ps.p == '+' || isdigit((unsigned char)*ps.p)) {
				char *end;
				errno = 0;
				long long n = strtoll(ps.p, &end, 10);
				if (errno || end == ps.p) {
					perr(&ps, "bad integer");
					goto fail;
				}
				v.type = TOML_INT;
				v.i = n;
				ps.p = end;
			} else {
				perr(&ps, "expected a string, integer or boolean value");
				goto fail;
			}
			if (strbuf_failed(&sb)) {
				perr(&ps, "out of memory");
				goto fail;
			}
			if (end_of_line(&ps) < 0)
				goto fail;
			rc = fn(ctx, table, key, &v, kline, kcol);
			if (rc)
				goto done;
		}
		if (*ps.p == '\n') {
			ps.p++;
			ps.line++;
			ps.line_start = ps.p;
		}
	}
done:
	strbuf_free(&sb);
	return rc;
fail:
	*err_line = ps.line;
	*err_col = col_of(&ps);
	strbuf_free(&sb);
	return -1;
}
