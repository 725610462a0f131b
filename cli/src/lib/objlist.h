/* objlist.h — one page of an object-store listing, reduced to what `aeterna status` reports:
 * the newest object (name and time), how many objects, the token of the next page, and the
 * code and message of an error reply. Formats: S3 ListObjectsV2 (XML), Azure List Blobs (XML),
 * GCS JSON API objects.list. Pure functions without I/O; they read only buf[0, len) and are
 * tolerant of elements they do not know (a listing is read, not validated).
 *
 * Ownership: nothing here allocates (jansson's parse of a GCS page is freed before returning);
 * every output goes to the caller's struct objlist_page.
 */
#ifndef AETERNA_OBJLIST_H
#define AETERNA_OBJLIST_H

#include <stddef.h>

enum objlist_format { OBJLIST_S3, OBJLIST_AZURE, OBJLIST_GCS };

struct objlist_page {
	long long newest;          /* Unix time of the newest object on the page; -1 when none */
	char newest_key[512];      /* its name (XML entities decoded), cut to fit; raw: clean before printing */
	size_t count;              /* objects on the page (folder markers, names ending in '/', excluded) */
	char next[1024];           /* continuation token / marker / page token; "" on the last page */
	char error_code[128];      /* an error reply's code ("AccessDenied"…), raw; "" when none */
	char error_message[256];   /* and its message, raw */
};

/* Parses one page. Returns 0 for a listing, -1 when the body is not one (an error reply fills
 * error_code/error_message when it says what went wrong). A token that does not fit in next
 * is treated as the last page (the caller then reports the objects seen). */
int objlist_parse(enum objlist_format f, const char *buf, size_t len, struct objlist_page *page);

/* An object time as the stores write it: RFC 3339 ("2026-05-04T03:00:01.000Z", offsets allowed)
 * or RFC 1123 ("Mon, 04 May 2026 03:00:01 GMT"). Unix time, or -1 when it is neither. */
long long objlist_time(const char *text);

/* Appends s to out (size, NUL-terminated) percent-encoded as SigV4 wants query values: every
 * byte but A-Z a-z 0-9 - _ . ~ as %XX. Returns -1 (out unchanged past its old end) when it does
 * not fit. */
int objlist_query_escape(char *out, size_t size, const char *s);

#endif
