/* status_proto.h — what `aeterna status` does with the bytes a probed server sends: a bounded
 * parser for Redis replies (RESP), the product and version in a Redis INFO reply, the version in
 * the Aeterna server's /health JSON, and the text cleaning applied before anything a server (or
 * a URL) says is printed. Pure functions without I/O, so the fuzz targets can drive them.
 *
 * Ownership: nothing here allocates; outputs go to caller-provided buffers, and a parsed
 * reply's text points into the caller's input buffer.
 */
#ifndef AETERNA_STATUS_PROTO_H
#define AETERNA_STATUS_PROTO_H

#include <stdbool.h>
#include <stddef.h>

/* --- RESP (Redis serialization protocol, version 2) -------------------------------------- */

enum resp_result {
	RESP_INCOMPLETE, /* a valid start: read more bytes */
	RESP_DONE,       /* one whole reply in buf[0, *used) */
	RESP_BAD,        /* not RESP: a protocol error (detail says what) */
	RESP_TOO_BIG,    /* the reply is (or announces it will be) larger than the limit */
};

struct resp_reply {
	char type;          /* '+' status, '-' error, ':' integer, '$' bulk string, '*' array */
	const char *str;    /* '+', '-', '$': the text (not NUL-terminated), NULL for a null bulk */
	size_t len;
	long long integer;  /* ':': the value; '*': the number of elements (-1 for a null array) */
};

/* Parses one reply from buf[0, len). A reply (with every nested element) may not exceed limit
 * bytes; announced sizes are checked before the bytes arrive, so nothing larger is ever
 * buffered. On RESP_BAD / RESP_TOO_BIG, detail (size) receives one sentence. */
enum resp_result resp_parse(const char *buf, size_t len, size_t limit, struct resp_reply *r, size_t *used,
			    char *detail, size_t size);

/* Encodes a command (argv of n strings) as a RESP array into out (size). Returns the length, or
 * 0 when it does not fit. */
size_t resp_command(char *out, size_t size, const char *const *argv, size_t n);

/* From an INFO reply: "Dragonfly 1.2", "Valkey 8.0.1" or "Redis 7.0.15" (cleaned) into out;
 * false when no version line is found. */
bool redis_info_product(const char *info, size_t len, char *out, size_t size);

/* The "version" string of a JSON object (the Aeterna server's /health), cleaned, into out;
 * false when the body is not such an object. */
bool http_json_version(const char *body, size_t len, char *out, size_t size);

/* --- text shown to the user ---------------------------------------------------------------- */

/* Copies src[0, n) into out (size, always NUL-terminated) for printing on one line: line
 * breaks and tabs become one space, other control characters (C0, DEL, C1), bidirectional
 * overrides and bytes that are not UTF-8 become '?', surrounding spaces are trimmed. Cut at a
 * character boundary when out is too small. */
void text_clean(char *out, size_t size, const char *src, size_t n);

/* Copies a URL into out with its credentials masked: the password of user:password@ and the
 * values of query parameters whose names say secret (password, token, key, secret, auth...)
 * become "***". The result is also cleaned like text_clean. */
void url_mask(char *out, size_t size, const char *url);

#endif
