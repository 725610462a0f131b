/* objlist.c — see objlist.h. */
#include "objlist.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

/* The first occurrence of needle in [p, end), or NULL. */
static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (; p && (size_t)(end - p) >= n; p++)
		if (*p == *needle && !memcmp(p, needle, n))
			return p;
	return NULL;
}

/* The text of <tag>…</tag> within [p, end) into out (entities &amp; &lt; &gt; &quot; &apos;
 * decoded), cut to fit; false when the element is absent. An empty element (<tag/>) is "". */
static bool element(const char *p, const char *end, const char *tag, char *out, size_t size)
{
	char open[96], close[96], empty[96];
	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	snprintf(empty, sizeof(empty), "<%s/>", tag);
	const char *a = find(p, end, open);
	const char *e = find(p, end, empty);
	if (!a || (e && e < a)) {
		if (e && size)
			out[0] = '\0';
		return e != NULL;
	}
	a += strlen(open);
	const char *b = find(a, end, close);
	if (!b)
		return false;
	size_t o = 0;
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	while (a < b && o + 1 < size) {
		char c = *a++;
		if (c == '&') {
			for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
				size_t n = strlen(ents[i].ent) - 1;
				if ((size_t)(b - a) >= n && !memcmp(a, ents[i].ent + 1, n)) {
					c = ents[i].c;
					a += n;
					break;
				}
			}
		}
		out[o++] = c;
	}
	if (size)
		out[o] = '\0';
	return true;
}

static void consider(struct objlist_page *page, const char *name, const char *when)
{
	size_t n = strlen(name);
	if (!n || name[n - 1] == '/')
		return;
	page->count++;
	long long t = objlist_time(when);
	if (t > page->newest) {
		page->newest = t;
		snprintf(page->newest_key, sizeof(page->newest_key), "%s", name);
	}
}

static void error_of_xml(const char *buf, const char *end, struct objlist_page *page)
{
	const char *e = find(buf, end, "<Error>");
	if (!e)
		return;
	element(e, end, "Code", page->error_code, sizeof(page->error_code));
	element(e, end, "Message", page->error_message, sizeof(page->error_message));
}

static int parse_xml(const char *buf, size_t len, struct objlist_page *page, bool azure)
{
	const char *end = buf + len;
	const char *root = find(buf, end, azure ? "<EnumerationResults" : "<ListBucketResult");
	if (!root) {
		error_of_xml(buf, end, page);
		return -1;
	}
	const char *item = azure ? "<Blob>" : "<Contents>", *item_end = azure ? "</Blob>" : "</Contents>";
	const char *p = root;
	char name[1024], when[64];
	while ((p = find(p, end, item))) {
		const char *q = find(p, end, item_end);
		if (!q)
			break;
		if (element(p, q, azure ? "Name" : "Key", name, sizeof(name)) &&
		    element(p, q, azure ? "Last-Modified" : "LastModified", when, sizeof(when)))
			consider(page, name, when);
		p = q;
	}
	/* the token elements come after the items: look for them past the last one */
	char tok[sizeof(page->next) + 1] = "";
	if (azure) {
		element(root, end, "NextMarker", tok, sizeof(tok));
	} else {
		char trunc[16] = "";
		element(root, end, "IsTruncated", trunc, sizeof(trunc));
		if (!strcmp(trunc, "true"))
			element(root, end, "NextContinuationToken", tok, sizeof(tok));
	}
	size_t tl = strlen(tok);
	if (tl < sizeof(page->next)) {
		memcpy(page->next, tok, tl);
		page->next[tl] = '\0';
	}
	return 0;
}

static int parse_gcs(const char *buf, size_t len, struct objlist_page *page)
{
	json_t *root = json_loadb(buf, len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return -1;
	}
	json_t *err = json_object_get(root, "error");
	if (err) {
		json_t *code = json_object_get(err, "code"), *msg = json_object_get(err, "message");
		json_t *errs = json_object_get(err, "errors");
		json_t *reason = json_object_get(json_array_get(errs, 0), "reason");
		if (json_is_string(reason))
			snprintf(page->error_code, sizeof(page->error_code), "%s", json_string_value(reason));
		else if (json_is_integer(code))
			snprintf(page->error_code, sizeof(page->error_code), "%lld", (long long)json_integer_value(code));
		if (json_is_string(msg))
			snprintf(page->error_message, sizeof(page->error_message), "%s", json_string_value(msg));
		json_decref(root);
		return -1;
	}
	json_t *items = json_object_get(root, "items");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *name = json_object_get(it, "name"), *upd = json_object_get(it, "updated");
		if (json_is_string(name) && json_is_string(upd))
			consider(page, json_string_value(name), json_string_value(upd));
	}
	json_t *tok = json_object_get(root, "nextPageToken");
	if (json_is_string(tok) && strlen(json_string_value(tok)) < sizeof(page->next))
		snprintf(page->next, sizeof(page->next), "%s", json_string_value(tok));
	json_decref(root);
	return 0;
}

int objlist_parse(enum objlist_format f, const char *buf, size_t len, struct objlist_page *page)
{
	memset(page, 0, sizeof(*page));
	page->newest = -1;
	switch (f) {
	case OBJLIST_S3: return parse_xml(buf, len, page, false);
	case OBJLIST_AZURE: return parse_xml(buf, len, page, true);
	case OBJLIST_GCS: return parse_gcs(buf, len, page);
	}
	return -1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), without the TZ that timegm would need. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static long long civil(int y, int mo, int d, int h, int mi, int s)
{
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return -1;
	return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

long long objlist_time(const char *text)
{
	int y, mo, d, h, mi, s, n = 0;
	if (sscanf(text, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) == 6 && n) {
		long long t = civil(y, mo, d, h, mi, s);
		const char *p = text + n;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if (*p == 'Z' || *p == 'z')
			return p[1] ? -1 : t;
		int oh, om;
		if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2)
			return t < 0 ? -1 : t - (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
		return -1;
	}
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4] = "";
	n = 0;
	if (sscanf(text, "%*3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", &d, mon, &y, &h, &mi, &s, &n) == 6 && n &&
	    !text[n]) {
		const char *m = strlen(mon) == 3 ? strstr(months, mon) : NULL;
		if (!m || (m - months) % 3)
			return -1;
		return civil(y, (int)(m - months) / 3 + 1, d, h, mi, s);
	}
	return -1;
}

int objlist_query_escape(char *out, size_t size, const char *s)
{
	size_t start = strlen(out), o = start;
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
		if (o + (plain ? 1 : 3) >= size) {
			out[start] = '\0';
			return -1;
		}
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return 0;
}
