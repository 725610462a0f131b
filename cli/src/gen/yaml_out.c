#include "yaml_out.h"

#include <string.h>

void yaml_quote(struct strbuf *out, const char *s) { strbuf_quote(out, s); }

static void pad(struct strbuf *out, int indent)
{
	for (int i = 0; i < indent; i++)
		strbuf_putc(out, ' ');
}

void yaml_kv(struct strbuf *out, int indent, const char *key, const char *value)
{
	pad(out, indent);
	strbuf_printf(out, "%s: ", key);
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
	pad(out, indent);
	strbuf_printf(out, "%s: %s\n", key, value ? "true" : "false");
}

void yaml_key(struct strbuf *out, int indent, const char *key)
{
	pad(out, indent);
	strbuf_printf(out, "%s:\n", key);
}

void yaml_block(struct strbuf *out, int indent, const char *key, const char *text)
{
	pad(out, indent);
	strbuf_printf(out, "%s: |\n", key);
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
