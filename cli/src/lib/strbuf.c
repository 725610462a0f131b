#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(struct strbuf *sb, size_t extra)
{
	if (sb->failed)
		return false;
	if (sb->len + extra + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	char *b = realloc(sb->buf, cap);
	if (!b) {
		sb->failed = true;
		return false;
	}
	sb->buf = b;
	sb->cap = cap;
	return true;
}

void strbuf_add(struct strbuf *sb, const char *data, size_t len)
{
	if (!grow(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s) { strbuf_add(sb, s, strlen(s)); }
void strbuf_putc(struct strbuf *sb, char c) { strbuf_add(sb, &c, 1); }

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	if (sb->failed)
		return;
	/* one pass when the text fits the room left (the usual case); a second one after growing */
	size_t room = sb->cap > sb->len ? sb->cap - sb->len : 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = true;
		if (room)
			sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n < room) {
		sb->len += (size_t)n;
		return;
	}
	if (room)
		sb->buf[sb->len] = '\0'; /* the truncated attempt is not kept */
	if (!grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void strbuf_quote(struct strbuf *sb, const char *s)
{
	strbuf_putc(sb, '"');
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			strbuf_add(sb, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': strbuf_puts(sb, "\\\""); break;
		case '\\': strbuf_puts(sb, "\\\\"); break;
		case '\n': strbuf_puts(sb, "\\n"); break;
		case '\t': strbuf_puts(sb, "\\t"); break;
		case '\r': strbuf_puts(sb, "\\r"); break;
		case '\b': strbuf_puts(sb, "\\b"); break;
		case '\f': strbuf_puts(sb, "\\f"); break;
		default: strbuf_printf(sb, "\\u%04X", *p); break;
		}
		p++;
	}
	strbuf_putc(sb, '"');
}

bool strbuf_failed(const struct strbuf *sb) { return sb->failed; }
const char *strbuf_str(const struct strbuf *sb) { return sb->buf ? sb->buf : ""; }

char *strbuf_detach(struct strbuf *sb)
{
	char *b = sb->buf;
	if (!b)
		b = calloc(1, 1);
	*sb = (struct strbuf){0};
	return b;
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	*sb = (struct strbuf){0};
}
