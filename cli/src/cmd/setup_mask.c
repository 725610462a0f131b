/* setup_mask.c — secrets masked in what --dry-run prints (see setup.h). Masking is by key first
 * (it needs no knowledge of the values, so a missing or corrupt config.toml changes nothing),
 * then by value for the secrets this run knows. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "setup.h"

#define MASK "********"

static void add(struct secret_set *s, const char *v)
{
	if (!v || !*v)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **items = realloc(s->items, cap * sizeof(*items));
		if (!items)
			return;
		s->items = items;
		s->cap = cap;
	}
	char *c = strdup(v);
	if (c)
		s->items[s->n++] = c;
}

/* A value as it may appear in a file: as it is, escaped in a double-quoted string, and with
 * "$" doubled (docker-compose). */
static void add_forms(struct secret_set *s, const char *v)
{
	add(s, v);
	struct strbuf q = {0}, dollar = {0};
	strbuf_quote(&q, v);
	if (q.len > 2) {
		char *inner = strndup(q.buf + 1, q.len - 2);
		if (inner && strcmp(inner, v))
			add(s, inner);
		free(inner);
	}
	for (const char *p = v; *p; p++) {
		if (*p == '$')
			strbuf_putc(&dollar, '$');
		strbuf_putc(&dollar, *p);
	}
	if (strcmp(strbuf_str(&dollar), v))
		add(s, strbuf_str(&dollar));
	strbuf_free(&q);
	strbuf_free(&dollar);
}

void secret_set_add_model(struct secret_set *s, const struct deployment *d)
{
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (f->secret && model_is_set(d, f))
			add_forms(s, *model_str((struct deployment *)d, f));
	}
}

void secret_set_free(struct secret_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i]);
	free(s->items);
	*s = (struct secret_set){0};
}

/* A key that names a secret in any file: a secret answer's config.toml key, flag or
 * environment variable, or a name with password, token, credential, api key or private key
 * in it. References to secrets (existingSecret..., secretKey, ${VAR}, {env:VAR}) are not secrets. */
static bool secret_key(const char *key, size_t n)
{
	char k[128];
	size_t m = 0;
	for (size_t i = 0; i < n && m + 1 < sizeof(k); i++)
		if (isalnum((unsigned char)key[i]))
			k[m++] = (char)tolower((unsigned char)key[i]);
	k[m] = '\0';
	if (!m || !strncmp(k, "existingsecret", 14) || !strcmp(k, "secretkey") || !strcmp(k, "secretname"))
		return false;
	static const char *const words[] = { "password", "passwd", "token", "credential", "apikey", "privatekey",
					     "secret", "kmskey", "mongodburi", "databaseurl" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(k, words[i]))
			return true;
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (!f->secret)
			continue;
		const char *names[] = { f->key, f->flag, f->env };
		for (size_t j = 0; j < 3; j++) {
			char c[128];
			size_t l = 0;
			for (const char *p = names[j]; p && *p && l + 1 < sizeof(c); p++)
				if (isalnum((unsigned char)*p))
					c[l++] = (char)tolower((unsigned char)*p);
			c[l] = '\0';
			if (l && !strcmp(c, k))
				return true;
		}
	}
	return false;
}

/* A value that only refers to a secret kept elsewhere. */
static bool reference(const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '"' || *v == '\'')) {
		v++;
		n--;
	}
	return n == 0 || !strncmp(v, "${", 2) || !strncmp(v, "{env:", 5) || !strncmp(v, "Bearer {env:", 12) ||
	       !strncmp(v, MASK, strlen(MASK));
}

enum kind { K_ENV, K_SECRET_YAML, K_TOML, K_OTHER };

static enum kind kind_of(const char *name)
{
	size_t n = strlen(name);
	if (!strcmp(name, ".env"))
		return K_ENV;
	if (!strcmp(name, "secrets.yaml"))
		return K_SECRET_YAML;
	if (n >= 5 && !strcmp(name + n - 5, ".toml"))
		return K_TOML;
	return K_OTHER;
}

/* One line; returns where its value starts (its key in *key, *klen), or NULL when it has none. */
static const char *split(const char *line, size_t len, enum kind kind, const char **key, size_t *klen)
{
	const char *p = line, *end = line + len;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '-'))
		p++;
	if (p < end && (*p == '#' || *p == '/'))
		return NULL;
	if (kind == K_ENV && end - p > 7 && !strncmp(p, "export ", 7))
		p += 7;
	bool quoted = p < end && *p == '"';
	const char *k = quoted ? p + 1 : p;
	const char *q = k;
	while (q < end && (quoted ? *q != '"' : (*q != ':' && *q != '=' && *q != ' ')))
		q++;
	if (q >= end)
		return NULL;
	*key = k;
	*klen = (size_t)(q - k);
	if (quoted)
		q++;
	while (q < end && *q == ' ')
		q++;
	if (q >= end || (*q != ':' && *q != '='))
		return NULL;
	q++;
	while (q < end && *q == ' ')
		q++;
	return q;
}

void mask_file_text(const char *name, const char *text, const struct secret_set *s, struct strbuf *out)
{
	enum kind kind = kind_of(name);
	struct strbuf keyed = {0};
	const char *section = "";
	char section_buf[64] = "";
	int data_indent = -1; /* secrets.yaml: inside stringData/data */
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		size_t indent = strspn(line, " ");
		const char *key = NULL, *value = NULL;
		size_t klen = 0;
		bool mask = false;
		if (kind == K_TOML && line[indent] == '[') {
			const char *close = memchr(line, ']', len);
			size_t sl = close ? (size_t)(close - line - indent - 1) : 0;
			if (sl >= sizeof(section_buf))
				sl = sizeof(section_buf) - 1;
			memcpy(section_buf, line + indent + 1, sl);
			section_buf[sl] = '\0';
			section = section_buf;
		} else if ((value = split(line, len, kind, &key, &klen))) {
			size_t vlen = len - (size_t)(value - line);
			if (kind == K_ENV) {
				mask = vlen > 0;
			} else if (kind == K_SECRET_YAML && data_indent >= 0 && (int)indent > data_indent) {
				mask = vlen > 0;
			} else if (kind == K_TOML) {
				char k[64];
				size_t l = klen < sizeof(k) - 1 ? klen : sizeof(k) - 1;
				memcpy(k, key, l);
				k[l] = '\0';
				const struct field *f = model_field_by_key(section, k);
				mask = f ? f->secret : secret_key(key, klen);
				mask = mask && vlen > 0;
			} else {
				mask = secret_key(key, klen) && !reference(value, vlen) && vlen > 0 &&
				       strncmp(value, "{", 1) && strncmp(value, "[", 1);
			}
			if (kind == K_SECRET_YAML && (int)indent <= data_indent)
				data_indent = -1;
			if (kind == K_SECRET_YAML && vlen == 0 && klen && (!strncmp(key, "stringData", klen) || !strncmp(key, "data", klen)))
				data_indent = (int)indent;
		} else if (kind == K_SECRET_YAML && len > indent && (int)indent <= data_indent) {
			data_indent = -1;
		}
		if (mask) {
			strbuf_add(&keyed, line, (size_t)(value - line));
			/* keep a trailing comma (JSON) so the shape stays readable */
			strbuf_puts(&keyed, len && line[len - 1] == ',' ? MASK "," : MASK);
		} else {
			strbuf_add(&keyed, line, len);
		}
		if (nl)
			strbuf_putc(&keyed, '\n');
		line = nl ? nl + 1 : line + len;
	}
	/* the second net: known secret values anywhere (short ones only where they stand alone) */
	const char *p = strbuf_str(&keyed);
	while (*p) {
		size_t best = 0;
		for (size_t i = 0; i < s->n; i++) {
			size_t n = strlen(s->items[i]);
			if (n <= best || strncmp(p, s->items[i], n))
				continue;
			bool alone = n >= 6 || ((p == strbuf_str(&keyed) || !isalnum((unsigned char)p[-1])) &&
						!isalnum((unsigned char)p[n]));
			if (alone)
				best = n;
		}
		if (best) {
			strbuf_puts(out, MASK);
			p += best;
		} else {
			strbuf_putc(out, *p++);
		}
	}
	strbuf_free(&keyed);
}
