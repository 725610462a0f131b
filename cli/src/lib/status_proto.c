/* status_proto.c — bounded parsing and cleaning of what probed servers send (see the header). */
#include "status_proto.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

/* --- RESP ---------------------------------------------------------------------------------- */

enum { RESP_MAX_DEPTH = 8 };

static const char *find_crlf(const char *p, const char *end)
{
	for (; p + 1 < end; p++) {
		const char *cr = memchr(p, '\r', (size_t)(end - p - 1));
		if (!cr)
			return NULL;
		if (cr[1] == '\n')
			return cr;
		p = cr;
	}
	return NULL;
}

static void say(char *detail, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *detail, size_t size, const char *fmt, ...)
{
	if (!detail || !size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, size, fmt, ap);
	va_end(ap);
}

/* A number line: optional '-', 1 to 18 digits. */
static bool parse_number(const char *p, const char *end, long long *out)
{
	bool neg = p < end && *p == '-';
	if (neg)
		p++;
	if (p == end || end - p > 18)
		return false;
	long long v = 0;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* While a number line is still arriving: false once a byte cannot belong to it. */
static bool number_prefix_ok(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (end - p > 19)
		return false;
	for (; p < end; p++)
		if ((*p < '0' || *p > '9') && *p != '\r')
			return false;
	return true;
}

static enum resp_result parse_at(const char *buf, size_t len, size_t pos, size_t limit, int depth, struct resp_reply *r,
				 size_t *end, char *detail, size_t size)
{
	if (pos >= limit) {
		say(detail, size, "the reply is larger than %zu bytes", limit);
		return RESP_TOO_BIG;
	}
	if (pos >= len)
		return RESP_INCOMPLETE;
	char type = buf[pos];
	if (!strchr("+-:$*", type) || type == '\0') {
		char shown[16];
		unsigned char c = (unsigned char)type;
		if (c >= 0x21 && c < 0x7f)
			snprintf(shown, sizeof(shown), "'%c'", c);
		else
			snprintf(shown, sizeof(shown), "byte 0x%02X", c);
		say(detail, size, "not a Redis (RESP) reply: it starts with %s", shown);
		return RESP_BAD;
	}
	const char *line = buf + pos + 1, *stop = buf + (len < limit ? len : limit);
	const char *cr = find_crlf(line, stop);
	if (!cr) {
		if (len >= limit) {
			say(detail, size, "the reply is larger than %zu bytes", limit);
			return RESP_TOO_BIG;
		}
		if (type != '+' && type != '-' && !number_prefix_ok(line, stop)) {
			say(detail, size, "not a Redis (RESP) reply: a '%c' line that is not a number", type);
			return RESP_BAD;
		}
		return RESP_INCOMPLETE;
	}
	size_t after = (size_t)(cr - buf) + 2;
	r->type = type;
	r->str = NULL;
	r->len = 0;
	r->integer = 0;
	if (type == '+' || type == '-') {
		if (memchr(line, '\n', (size_t)(cr - line))) {
			say(detail, size, "not a Redis (RESP) reply: a line break inside a %s line", type == '+' ? "status" : "error");
			return RESP_BAD;
		}
		r->str = line;
		r->len = (size_t)(cr - line);
		*end = after;
		return RESP_DONE;
	}
	long long n;
	if (!parse_number(line, cr, &n)) {
		say(detail, size, "not a Redis (RESP) reply: a '%c' line that is not a number", type);
		return RESP_BAD;
	}
	if (type == ':') {
		r->integer = n;
		*end = after;
		return RESP_DONE;
	}
	if (type == '$') {
		if (n == -1) {
			*end = after;
			return RESP_DONE;
		}
		if (n < 0) {
			say(detail, size, "not a Redis (RESP) reply: a bulk string of length %lld", n);
			return RESP_BAD;
		}
		if ((unsigned long long)n + 2 > limit - after) {
			say(detail, size, "the reply announces %lld bytes, over the %zu-byte limit", n, limit);
			return RESP_TOO_BIG;
		}
		size_t need = after + (size_t)n + 2;
		if (len < need)
			return RESP_INCOMPLETE;
		if (buf[need - 2] != '\r' || buf[need - 1] != '\n') {
			say(detail, size, "not a Redis (RESP) reply: a bulk string of %lld bytes without its line end", n);
			return RESP_BAD;
		}
		r->str = buf + after;
		r->len = (size_t)n;
		*end = need;
		return RESP_DONE;
	}
	/* '*': an array; its elements are checked and skipped */
	r->integer = n;
	if (n < -1) {
		say(detail, size, "not a Redis (RESP) reply: an array of %lld elements", n);
		return RESP_BAD;
	}
	if (n > 0 && (unsigned long long)n > (limit - after) / 3) {
		say(detail, size, "the reply announces %lld elements, over the %zu-byte limit", n, limit);
		return RESP_TOO_BIG;
	}
	if (depth >= RESP_MAX_DEPTH) {
		say(detail, size, "not a Redis (RESP) reply: arrays nested more than %d deep", RESP_MAX_DEPTH);
		return RESP_BAD;
	}
	size_t at = after;
	for (long long i = 0; i < n; i++) {
		struct resp_reply sub;
		enum resp_result rr = parse_at(buf, len, at, limit, depth + 1, &sub, &at, detail, size);
		if (rr != RESP_DONE)
			return rr;
	}
	*end = at;
	return RESP_DONE;
}

enum resp_result resp_parse(const char *buf, size_t len, size_t limit, struct resp_reply *r, size_t *used, char *detail,
			    size_t size)
{
	size_t end = 0;
	enum resp_result rr = parse_at(buf, len, 0, limit, 0, r, &end, detail, size);
	if (rr == RESP_DONE && used)
		*used = end;
	return rr;
}

size_t resp_command(char *out, size_t size, const char *const *argv, size_t n)
{
	size_t at = 0;
	int w = snprintf(out, size, "*%zu\r\n", n);
	if (w < 0 || (size_t)w >= size)
		return 0;
	at = (size_t)w;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(argv[i]);
		w = snprintf(out + at, size - at, "$%zu\r\n", l);
		if (w < 0 || (size_t)w >= size - at || l + 2 >= size - at - (size_t)w)
			return 0;
		at += (size_t)w;
		memcpy(out + at, argv[i], l);
		at += l;
		out[at++] = '\r';
		out[at++] = '\n';
	}
	if (at < size)
		out[at] = '\0';
	return at;
}

/* --- INFO and /health ---------------------------------------------------------------------- */

static const char *find(const char *s, size_t len, const char *what)
{
	size_t n = strlen(what);
	for (size_t i = 0; i + n <= len; i++) {
		const char *p = memchr(s + i, what[0], len - i - n + 1);
		if (!p)
			return NULL;
		i = (size_t)(p - s);
		if (!memcmp(p, what, n) && (i == 0 || s[i - 1] == '\n'))
			return p;
	}
	return NULL;
}

bool redis_info_product(const char *info, size_t len, char *out, size_t size)
{
	/* Dragonfly and Valkey name themselves; Redis reports redis_version only */
	static const struct { const char *key, *name; } products[] = {
		{ "dragonfly_version:", "Dragonfly" }, { "valkey_version:", "Valkey" }, { "redis_version:", "Redis" },
	};
	for (size_t i = 0; i < sizeof(products) / sizeof(products[0]); i++) {
		const char *p = find(info, len, products[i].key);
		if (!p)
			continue;
		p += strlen(products[i].key);
		size_t n = 0, rest = len - (size_t)(p - info);
		while (n < rest && n < 64 && p[n] != '\r' && p[n] != '\n')
			n++;
		char version[80];
		text_clean(version, sizeof(version), p, n);
		snprintf(out, size, "%s %s", products[i].name, version);
		return true;
	}
	return false;
}

bool http_json_version(const char *body, size_t len, char *out, size_t size)
{
	json_t *j = len ? json_loadb(body, len, 0, NULL) : NULL;
	const char *v = j ? json_string_value(json_object_get(j, "version")) : NULL;
	if (v)
		text_clean(out, size, v, json_string_length(json_object_get(j, "version")));
	json_decref(j);
	return v != NULL;
}

/* --- cleaning -------------------------------------------------------------------------------- */

/* Decodes one UTF-8 character at s (n bytes available): its code point and length, or a
 * length of 0 when the bytes are not UTF-8. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t l = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (!l || l > n)
		return 0;
	unsigned v = l == 1 ? c : l == 2 ? c & 0x1F : l == 3 ? c & 0x0F : c & 0x07;
	for (size_t k = 1; k < l; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3F);
	}
	if ((l == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (l == 4 && (v < 0x10000 || v > 0x10FFFF)))
		return 0;
	*cp = v;
	return l;
}

void text_clean(char *out, size_t size, const char *src, size_t n)
{
	if (!size)
		return;
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;
	bool space = true; /* drops leading spaces and runs of them */
	while (i < n) {
		unsigned cp = 0;
		size_t l = utf8_next(s + i, n - i, &cp);
		const char *put = NULL;
		size_t plen = 0;
		if (!l) {
			put = "?", plen = 1, l = 1;
		} else if (cp == '\n' || cp == '\r' || cp == '\t' || cp == ' ') {
			if (!space)
				put = " ", plen = 1;
			space = true;
		} else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
			   (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C) {
			put = "?", plen = 1;
			space = false;
		} else {
			put = (const char *)s + i, plen = l;
			space = false;
		}
		if (plen && o + plen >= size)
			break;
		if (plen) {
			memcpy(out + o, put, plen);
			o += plen;
		}
		i += l;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static bool secret_name(const char *name, size_t n)
{
	static const char *const words[] = { "pass", "pwd", "token", "secret", "key", "auth", "credential", "sig", NULL };
	char low[64];
	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	for (const char *const *w = words; *w; w++)
		if (strstr(low, *w))
			return true;
	return false;
}

void url_mask(char *out, size_t size, const char *url)
{
	char tmp[2048];
	size_t o = 0, n = strlen(url);
	const char *p = url, *end = url + n;
#define PUT(s, l) do { size_t l_ = (l); if (o + l_ < sizeof(tmp)) { memcpy(tmp + o, (s), l_); o += l_; } } while (0)
	const char *scheme = strstr(url, "://");
	if (scheme) {
		const char *auth = scheme + 3;
		const char *aend = auth + strcspn(auth, "/?#");
		const char *at = NULL;
		for (const char *q = auth; q < aend; q++)
			if (*q == '@')
				at = q;
		PUT(url, (size_t)(auth - url));
		if (at) {
			const char *colon = memchr(auth, ':', (size_t)(at - auth));
			if (colon) {
				PUT(auth, (size_t)(colon - auth) + 1);
				PUT("***", 3);
			} else {
				PUT("***", 3); /* a bare token as the user name */
			}
			p = at;
		} else {
			p = auth;
		}
	}
	const char *q = memchr(p, '?', (size_t)(end - p));
	PUT(p, (size_t)((q ? q : end) - p));
	if (q) {
		const char *frag = memchr(q, '#', (size_t)(end - q));
		const char *qend = frag ? frag : end;
		PUT("?", 1);
		for (const char *f = q + 1; f < qend;) {
			const char *amp = memchr(f, '&', (size_t)(qend - f));
			const char *fend = amp ? amp : qend;
			const char *eq = memchr(f, '=', (size_t)(fend - f));
			if (eq && secret_name(f, (size_t)(eq - f))) {
				PUT(f, (size_t)(eq - f) + 1);
				PUT("***", 3);
			} else {
				PUT(f, (size_t)(fend - f));
			}
			if (amp)
				PUT("&", 1);
			f = amp ? amp + 1 : qend;
		}
		if (frag)
			PUT(frag, (size_t)(end - frag));
	}
#undef PUT
	text_clean(out, size, tmp, o);
}
