/* strbuf.h — a growable NUL-terminated string. The strbuf owns buf; strbuf_free releases it,
 * strbuf_detach hands it to the caller. On allocation failure the strbuf is marked failed,
 * further appends are ignored, and strbuf_failed() reports it once at the end. */
#ifndef AETERNA_STRBUF_H
#define AETERNA_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool failed;
};

void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a double-quoted string with \" \\ \b \t \n \f \r and \uXXXX escapes: valid
 * as a TOML basic string, a YAML double-quoted scalar and a JSON string alike. */
void strbuf_quote(struct strbuf *sb, const char *s);
bool strbuf_failed(const struct strbuf *sb);
const char *strbuf_str(const struct strbuf *sb); /* "" when empty */
char *strbuf_detach(struct strbuf *sb);         /* caller owns; strbuf is reset */
void strbuf_free(struct strbuf *sb);

#endif
