/* toml.h — a small TOML writer and a reader for the subset it writes.
 *
 * Writer: tables ([name]) holding string, integer and boolean keys; strings are basic strings
 * with every control character escaped, so any input round-trips through a TOML 1.0 parser.
 * Reader: the same subset plus comments and blank lines; anything else is an error with its
 * line and column. The reader calls a callback per key; it owns nothing it hands out beyond
 * the call (values are valid during the callback only).
 */
#ifndef AETERNA_TOML_H
#define AETERNA_TOML_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

void toml_comment(struct strbuf *out, const char *text); /* "# text" lines, multi-line ok */
void toml_table(struct strbuf *out, const char *name);   /* blank line + [name] */
void toml_string(struct strbuf *out, const char *key, const char *value);
void toml_int(struct strbuf *out, const char *key, int64_t value);
void toml_bool(struct strbuf *out, const char *key, bool value);
/* Appends value as a TOML basic string (with quotes). */
void toml_quote(struct strbuf *out, const char *value);

enum toml_type { TOML_STRING, TOML_INT, TOML_BOOL };

struct toml_value {
	enum toml_type type;
	const char *str;  /* TOML_STRING (NUL-terminated, unescaped) */
	int64_t i;        /* TOML_INT */
	bool b;           /* TOML_BOOL */
};

/* Callback for each key: table ("" for the root), key, value, and the key's position.
 * Return 0 to go on; non-zero stops parsing and toml_parse returns it. */
typedef int (*toml_key_fn)(void *ctx, const char *table, const char *key,
			   const struct toml_value *value, unsigned line, unsigned col);

/* Parses text; on a syntax error returns -1 and sets *err_line, *err_col and err_msg. */
int toml_parse(const char *text, toml_key_fn fn, void *ctx, unsigned *err_line,
	       unsigned *err_col, char *err_msg, size_t err_size);

#endif
