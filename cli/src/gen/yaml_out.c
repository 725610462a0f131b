#include "yaml_out.h"

#include <string.h>

void yaml_quote(struct strbuf *out, const char *s) { strbuf_quote(out, s); }

static void pad(struct strbuf *out, int indent)
{
	static const char spaces[] = "                                ";
	for (; indent > 0; indent -= (int)sizeof(spaces) - 1)
		strbuf_add(out, spaces, indent < (int)sizeof(spaces) - 1 ? (size_t)indent : sizeof(spaces) - 1);
}

/* "<indent>key:" */
static void key_colon(struct strbuf *out, int indent, const char *key)
{
	pad(out, indent);
	strbuf_puts(out, key);
	strbuf_putc(out, ':');
}

void yaml_kv(struct strbuf *out, int indent, const char *key, const char *value)
{
	key_colon(out, indent, key);
	strbuf_putc(out, ' ');
	yaml_quote(out, value ? value : "");
	strbuf_putc(out, '\n');
}

void yaml_kv_int(struct strbuf *out, int indent, const char *key, long value)
{
	pad(out, indent);
	strbuf_printf(out, "%s: %ld\n", key, value);
}

void yaml_kv_bool(struct strbuf *out, int indent, const char *key, bool value)
{
	key_colon(out, indent, key);
	strbuf_puts(out, value ? " true\n" : " false\n");
}

void yaml_key(struct strbuf *out, int indent, const char *key)
{
	key_colon(out, indent, key);
	strbuf_putc(out, '\n');
}

void yaml_block(struct strbuf *out, int indent, const char *key, const char *text)
{
	key_colon(out, indent, key);
	strbuf_puts(out, " |\n");
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n) {
			pad(out, indent + 2);
			strbuf_add(out, p, n);
		}
		strbuf_putc(out, '\n');
		p += n + (nl ? 1 : 0);
	}
}
