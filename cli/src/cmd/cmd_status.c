/* aeterna status — live checks of every configured component, concurrently, all under one
 * deadline that covers everything a check does: name resolution, connecting, TLS, authentication
 * and the query and its reply, whatever the other side does (stalls, trickles, floods). Replies
 * are read with size limits, so memory stays bounded; what servers say is cleaned before it is
 * printed; URLs are shown with their credentials masked. Results are printed as they arrive.
 * Reads .aeterna/config.toml (setup's answers); flags override endpoints. Credentials are used,
 * never printed. libcurl and libpq are loaded here only (netlibs.h); Redis is spoken directly. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "atomic_file.h"
#include "cli_doc.h"
#include "docs.h"
#include "commands.h"
#include "diag.h"
#include "generate.h"
#include "json_out.h"
#include "model.h"
#include "netlibs.h"
#include "objlist.h"
#include "status_proto.h"
#include "strbuf.h"

enum state { ST_UP, ST_DOWN, ST_TIMEOUT, ST_REFUSED, ST_PROTOCOL, ST_SKIPPED, ST_STALE };
static const char *const state_names[] = { "up", "down", "timeout", "refused", "protocol error", "not checked", "stale" };

enum kind { K_HTTP, K_POSTGRES, K_REDIS, K_TCP, K_BACKUP };

/* Pages of a bucket listing read at most (100 objects each for S3/Azure, 50 for GCS). */
enum { BACKUP_PAGES = 40 };

/* The most any reply may take: HTTP bodies, Redis replies, PostgreSQL's bytes in all. */
enum { REPLY_LIMIT = 64 * 1024, PG_REPLY_LIMIT = 1024 * 1024 };

struct component {
	const char *name;        /* static */
	enum kind kind;
	bool required;
	char endpoint[1024];     /* printed: credentials masked */
	char url[1024];          /* HTTP: the URL probed (may hold credentials: never printed) */
	char ready_url[1024];    /* server: /ready */
	char host[256];
	int port;
	char user[128], password[256], database[128]; /* password: used, never printed */
	/* K_BACKUP: the listing; url is the listing URL without its query. user/password: the S3
	 * access key pair; token: the S3 session token, GCS bearer token or Azure SAS (never printed). */
	int provider;            /* enum backup_provider */
	char bucket[256], prefix[512], region[64], token[2048];
	long long max_age_s;     /* older than this: stale */
	long long age_s;         /* result: the newest backup's age, -1 when unknown */
	/* results */
	enum state state;
	double latency_ms;
	char detail[512];        /* cleaned */
	bool done, printed;
};

/* One round's shared state. The waiting thread and every check hold a reference; the last one
 * out frees it, so a check that overran (it should not) never touches freed memory. */
struct run {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	int timeout_ms;
	size_t pending;
	int refs;
	size_t n;
	struct component cs[8];
};

struct job {
	struct run *run;
	struct component *c;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void print_help(FILE *out)
{
	struct strbuf sb = {0};
	cli_doc_usage(&status_doc, 92, &sb);
	fputs(strbuf_str(&sb), out);
	strbuf_free(&sb);
}

/* --- time ---------------------------------------------------------------------------------- */

static int remaining_ms(const struct run *r)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long ms = (r->deadline.tv_sec - ts.tv_sec) * 1000L + (r->deadline.tv_nsec - ts.tv_nsec) / 1000000L;
	return ms < 0 ? 0 : ms > r->timeout_ms ? r->timeout_ms : (int)ms;
}

static struct timespec add_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static void set_result(struct component *c, enum state st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_result(struct component *c, enum state st, const char *fmt, ...)
{
	char raw[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	c->state = st;
	text_clean(c->detail, sizeof(c->detail), raw, strlen(raw));
}

static void timeout_result(const struct run *r, struct component *c, const char *during)
{
	set_result(c, ST_TIMEOUT, "no answer within %d ms (%s)", r->timeout_ms, during);
}

/* --- name resolution with a deadline -------------------------------------------------------- *
 * getaddrinfo cannot be cancelled, so it runs in a detached thread; the caller waits only until
 * the deadline. The job is shared (reference counted): whoever finishes last frees it. */

struct resolve {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;
	bool done;
	int rc;
	char host[256], port[16];
	struct addrinfo *res;
};

static void resolve_unref(struct resolve *q)
{
	pthread_mutex_lock(&q->mu);
	bool last = --q->refs == 0;
	pthread_mutex_unlock(&q->mu);
	if (last) {
		if (q->res)
			freeaddrinfo(q->res);
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free(q);
	}
}

static void *resolve_thread(void *arg)
{
	struct resolve *q = arg;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(q->host, q->port, &hints, &res);
	pthread_mutex_lock(&q->mu);
	q->done = true;
	q->rc = rc;
	q->res = res;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	resolve_unref(q);
	return NULL;
}

enum resolved { RES_OK, RES_FAILED, RES_TIMEOUT };

/* Resolves host:port by the deadline; *out (caller frees with freeaddrinfo) on RES_OK. */
static enum resolved resolve_by(const struct run *r, const char *host, int port, struct addrinfo **out, char *why, size_t wlen)
{
	char portbuf[16];
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
	if (getaddrinfo(host, portbuf, &hints, out) == 0)
		return RES_OK; /* an address: nothing to look up */
	struct resolve *q = calloc(1, sizeof(*q));
	if (!q) {
		snprintf(why, wlen, "out of memory");
		return RES_FAILED;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(q->host, sizeof(q->host), "%s", host);
	snprintf(q->port, sizeof(q->port), "%s", portbuf);
	q->refs = 2;
	pthread_t t;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, resolve_thread, q)) {
		pthread_attr_destroy(&at);
		q->refs = 1;
		resolve_unref(q);
		snprintf(why, wlen, "cannot start the name lookup");
		return RES_FAILED;
	}
	pthread_attr_destroy(&at);
	enum resolved res = RES_TIMEOUT;
	pthread_mutex_lock(&q->mu);
	while (!q->done && pthread_cond_timedwait(&q->cv, &q->mu, &r->deadline) != ETIMEDOUT)
		;
	if (q->done) {
		if (q->rc == 0) {
			*out = q->res;
			q->res = NULL;
			res = RES_OK;
		} else {
			snprintf(why, wlen, "cannot resolve %s: %s", host, gai_strerror(q->rc));
			res = RES_FAILED;
		}
	}
	pthread_mutex_unlock(&q->mu);
	resolve_unref(q);
	return res;
}

/* --- TCP with a deadline -------------------------------------------------------------------- */

/* Connects to host:port by the deadline; returns a non-blocking socket, or -1 with the
 * component's result set. */
static int connect_by(struct run *r, struct component *c)
{
	struct addrinfo *ai = NULL;
	char why[300] = "";
	enum resolved rs = resolve_by(r, c->host, c->port, &ai, why, sizeof(why));
	if (rs == RES_TIMEOUT) {
		timeout_result(r, c, "resolving the host name");
		return -1;
	}
	if (rs == RES_FAILED) {
		set_result(c, ST_DOWN, "%s", why);
		return -1;
	}
	int fd = -1, last_err = 0;
	for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0) {
			last_err = errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			last_err = errno;
			close(fd);
			fd = -1;
			continue;
		}
		struct pollfd p = { fd, POLLOUT, 0 };
		int left = remaining_ms(r);
		int pr = left > 0 ? poll(&p, 1, left) : 0;
		if (pr == 0) {
			close(fd);
			freeaddrinfo(ai);
			timeout_result(r, c, "connecting");
			return -1;
		}
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (pr < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr) {
			last_err = pr < 0 ? errno : soerr;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0)
		set_result(c, last_err == ECONNREFUSED ? ST_REFUSED : ST_DOWN, "cannot connect to %s:%d: %s", c->host, c->port,
			   strerror(last_err ? last_err : EHOSTUNREACH));
	return fd;
}

/* Writes all of buf by the deadline; 0, or -1 with the result set. */
static int send_by(struct run *r, struct component *c, int fd, const char *buf, size_t len, const char *during)
{
	while (len) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w > 0) {
			buf += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			set_result(c, ST_DOWN, "connection lost while %s: %s", during, strerror(errno));
			return -1;
		}
		struct pollfd p = { fd, POLLOUT, 0 };
		int left = remaining_ms(r);
		if (left <= 0 || poll(&p, 1, left) == 0) {
			timeout_result(r, c, during);
			return -1;
		}
	}
	return 0;
}

/* --- Redis: RESP spoken directly over the socket, each reply limited --------------------------- */

struct resp_conn {
	int fd;
	char buf[REPLY_LIMIT + 1];
	size_t len;
};

/* Sends a command and reads its whole reply (at most REPLY_LIMIT bytes) by the deadline. Returns
 * 0 with *rep pointing into rc->buf (valid until the next call), or -1 with the result set. */
static int redis_call(struct run *r, struct component *c, struct resp_conn *rc, const char *const *argv, size_t argc,
		      const char *during, struct resp_reply *rep)
{
	char cmd[600];
	size_t n = resp_command(cmd, sizeof(cmd), argv, argc);
	if (!n) {
		set_result(c, ST_DOWN, "the %s command is too long", during);
		return -1;
	}
	int s = send_by(r, c, rc->fd, cmd, n, during);
	memset(cmd, 0, sizeof(cmd)); /* may hold the password */
	if (s)
		return -1;
	rc->len = 0;
	for (;;) {
		char why[200] = "";
		size_t used = 0;
		enum resp_result pr = resp_parse(rc->buf, rc->len, REPLY_LIMIT, rep, &used, why, sizeof(why));
		if (pr == RESP_DONE)
			return 0;
		if (pr == RESP_BAD || pr == RESP_TOO_BIG) {
			set_result(c, ST_PROTOCOL, "reply to %s: %s", during, why);
			return -1;
		}
		struct pollfd p = { rc->fd, POLLIN, 0 };
		int left = remaining_ms(r);
		if (left <= 0 || poll(&p, 1, left) == 0) {
			if (rc->len)
				set_result(c, ST_TIMEOUT, "no whole reply to %s within %d ms (%zu bytes arrived)", during, r->timeout_ms, rc->len);
			else
				timeout_result(r, c, during);
			return -1;
		}
		ssize_t got = recv(rc->fd, rc->buf + rc->len, REPLY_LIMIT - rc->len, 0);
		if (got == 0) {
			set_result(c, rc->len ? ST_PROTOCOL : ST_DOWN, "the server closed the connection %s %s",
				   rc->len ? "in the middle of its reply to" : "instead of answering", during);
			return -1;
		}
		if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			set_result(c, ST_DOWN, "connection lost while %s: %s", during, strerror(errno));
			return -1;
		}
		if (got > 0)
			rc->len += (size_t)got;
	}
}

static void probe_redis(struct run *r, struct component *c)
{
	struct resp_conn *rc = malloc(sizeof(*rc));
	if (!rc) {
		set_result(c, ST_DOWN, "out of memory");
		return;
	}
	rc->fd = connect_by(r, c);
	if (rc->fd < 0) {
		free(rc);
		return;
	}
	struct resp_reply rep;
	if (*c->password) {
		const char *argv[] = { "AUTH", c->password };
		if (redis_call(r, c, rc, argv, 2, "AUTH", &rep))
			goto out;
		if (rep.type == '-') {
			set_result(c, ST_DOWN, "AUTH failed: %.*s", (int)rep.len, rep.str);
			goto out;
		}
	}
	const char *ping[] = { "PING" };
	if (redis_call(r, c, rc, ping, 1, "PING", &rep))
		goto out;
	if (rep.type == '-') {
		set_result(c, ST_DOWN, "PING: %.*s", (int)rep.len, rep.str);
		goto out;
	}
	if ((rep.type != '+' && rep.type != '$') || !rep.str || rep.len != 4 || memcmp(rep.str, "PONG", 4)) {
		set_result(c, ST_PROTOCOL, "PING was not answered with PONG (a '%c' reply)", rep.type);
		goto out;
	}
	set_result(c, ST_UP, "PONG");
	const char *info[] = { "INFO", "server" };
	struct component probe = *c; /* INFO is extra: its failure does not make the cache down */
	if (redis_call(r, &probe, rc, info, 2, "INFO", &rep) == 0 && rep.type == '$' && rep.str) {
		char product[128];
		if (redis_info_product(rep.str, rep.len, product, sizeof(product)))
			set_result(c, ST_UP, "PONG, %s", product);
	} else if (probe.state != ST_UP) {
		set_result(c, ST_UP, "PONG (INFO: %s)", probe.detail);
	}
	memset(probe.password, 0, sizeof(probe.password));
out:
	close(rc->fd);
	free(rc);
}

static void probe_tcp(struct run *r, struct component *c)
{
	/* reachability only: a TCP connection within the deadline */
	int fd = connect_by(r, c);
	if (fd >= 0) {
		set_result(c, ST_UP, "TCP connection accepted");
		close(fd);
	}
}

/* --- HTTP: libcurl, deadline and size limits --------------------------------------------------- */

struct body {
	char buf[REPLY_LIMIT];
	size_t len;
	bool too_big;
};

static size_t collect(char *ptr, size_t size, size_t n, void *user)
{
	struct body *b = user;
	size_t len = size * n;
	if (len > sizeof(b->buf) - b->len) {
		b->too_big = true;
		return 0; /* aborts the transfer */
	}
	memcpy(b->buf + b->len, ptr, len);
	b->len += len;
	return len;
}

/* The host and port of an http(s) URL; false when it has none. An IPv6 literal keeps no brackets. */
static bool url_host_port(const char *url, char *host, size_t hlen, int *port)
{
	const char *p = strstr(url, "://");
	if (!p)
		return false;
	bool tls = !strncmp(url, "https", 5);
	p += 3;
	size_t alen = strcspn(p, "/?#");
	const char *at = NULL;
	for (const char *q = p; q < p + alen; q++)
		if (*q == '@')
			at = q;
	if (at) {
		alen -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	const char *colon;
	if (*p == '[') {
		const char *close = memchr(p, ']', alen);
		if (!close)
			return false;
		snprintf(host, hlen, "%.*s", (int)(close - p - 1), p + 1);
		colon = close + 1 < p + alen && close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = memchr(p, ':', alen);
		snprintf(host, hlen, "%.*s", (int)((colon ? colon : p + alen) - p), p);
	}
	*port = colon ? atoi(colon + 1) : tls ? 443 : 80;
	return *host && *port > 0 && *port < 65536;
}

/* GET url by the deadline; returns the HTTP status, or 0 with the result set. The host name is
 * resolved here, by the deadline, and handed to libcurl (whose own lookup can outlive it). */
/* Extra request settings of a listing: headers, and the S3 signature (CURLOPT_AWS_SIGV4). */
struct http_extra {
	const char *headers[3];  /* "Name: value" or NULL (may hold a credential: never printed) */
	const char *sigv4;       /* "aws:amz:<region>:s3", or NULL */
	const char *user, *pass; /* the key pair SigV4 signs with */
};

static long http_get(struct run *r, struct component *c, const char *url, struct body *body, const struct http_extra *x)
{
	struct ae_error err;
	const struct curl_api *api = netlib_curl(&err);
	if (!api) {
		set_result(c, ST_DOWN, "%s", err.msg);
		return 0;
	}
	int left = remaining_ms(r);
	if (left <= 0) {
		timeout_result(r, c, "before the request");
		return 0;
	}
	struct curl_slist *pinned = NULL;
	char host[256];
	int port;
	unsigned char bin[sizeof(struct in6_addr)];
	if (url_host_port(url, host, sizeof(host), &port) && inet_pton(AF_INET, host, bin) != 1 && inet_pton(AF_INET6, host, bin) != 1) {
		struct addrinfo *ai = NULL;
		char why[300] = "";
		enum resolved rs = resolve_by(r, host, port, &ai, why, sizeof(why));
		if (rs == RES_TIMEOUT) {
			timeout_result(r, c, "resolving the host name");
			return 0;
		}
		if (rs == RES_FAILED) {
			set_result(c, ST_DOWN, "%s", why);
			return 0;
		}
		char addr[INET6_ADDRSTRLEN + 1] = "", entry[600];
		getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST);
		freeaddrinfo(ai);
		bool v6 = strchr(addr, ':') != NULL;
		snprintf(entry, sizeof(entry), "%s:%d:%s%s%s", host, port, v6 ? "[" : "", addr, v6 ? "]" : "");
		pinned = api->slist_append(NULL, entry);
		left = remaining_ms(r);
		if (left <= 0) {
			api->slist_free_all(pinned);
			timeout_result(r, c, "resolving the host name");
			return 0;
		}
	}
	CURL *h = api->easy_init();
	if (!h) {
		api->slist_free_all(pinned);
		set_result(c, ST_DOWN, "cannot start an HTTP client");
		return 0;
	}
	if (pinned)
		api->easy_setopt(h, CURLOPT_RESOLVE, pinned);
	struct curl_slist *headers = NULL;
	for (size_t i = 0; x && i < sizeof(x->headers) / sizeof(x->headers[0]); i++) {
		struct curl_slist *grown = x->headers[i] ? api->slist_append(headers, x->headers[i]) : headers;
		if (grown)
			headers = grown;
	}
	if (headers)
		api->easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (x && x->sigv4) {
		api->easy_setopt(h, CURLOPT_AWS_SIGV4, x->sigv4);
		api->easy_setopt(h, CURLOPT_USERNAME, x->user);
		api->easy_setopt(h, CURLOPT_PASSWORD, x->pass);
	}
	body->len = 0;
	body->too_big = false;
	char ebuf[CURL_ERROR_SIZE] = "";
	api->easy_setopt(h, CURLOPT_URL, url);
	api->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	api->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	api->easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left);        /* everything: DNS, connect, TLS, reply */
	api->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)left);
	api->easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)REPLY_LIMIT);
	api->easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	api->easy_setopt(h, CURLOPT_WRITEDATA, body);
	api->easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	api->easy_setopt(h, CURLOPT_USERAGENT, "aeterna-status/" AETERNA_VERSION);
	CURLcode rc = api->easy_perform(h);
	long code = 0;
	if (rc == CURLE_OK) {
		api->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	} else {
		const char *m = *ebuf ? ebuf : api->easy_strerror(rc);
		switch (rc) {
		case CURLE_OPERATION_TIMEDOUT:
			set_result(c, ST_TIMEOUT, "no whole answer within %d ms (%s)", r->timeout_ms, m);
			break;
		case CURLE_COULDNT_CONNECT:
			set_result(c, strstr(m, "refused") || strstr(m, "Couldn't connect") ? ST_REFUSED : ST_DOWN, "%s", m);
			break;
		case CURLE_FILESIZE_EXCEEDED:
		case CURLE_WRITE_ERROR:
			set_result(c, ST_PROTOCOL, "the reply is larger than %d bytes", REPLY_LIMIT);
			break;
		case CURLE_WEIRD_SERVER_REPLY:
		case CURLE_GOT_NOTHING:
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_HTTP2:
		case CURLE_BAD_CONTENT_ENCODING:
		case CURLE_PARTIAL_FILE:
			set_result(c, ST_PROTOCOL, "not a valid HTTP answer: %s", m);
			break;
		default:
			set_result(c, ST_DOWN, "%s", m);
		}
	}
	api->easy_cleanup(h);
	api->slist_free_all(pinned);
	api->slist_free_all(headers);
	return code;
}

static void probe_http(struct run *r, struct component *c)
{
	struct body *body = malloc(sizeof(*body));
	if (!body) {
		set_result(c, ST_DOWN, "out of memory");
		return;
	}
	long code = http_get(r, c, c->url, body, NULL);
	if (!code) {
		/* the result is set */
	} else if (code < 200 || code > 299) {
		set_result(c, ST_DOWN, "HTTP %ld", code);
	} else {
		set_result(c, ST_UP, "HTTP %ld", code);
		/* the server's /health names its version; /ready says whether it can serve */
		char ver[128];
		if (http_json_version(body->buf, body->len, ver, sizeof(ver)))
			set_result(c, ST_UP, "version %s", ver);
		if (*c->ready_url) {
			struct component probe = *c;
			long rcode = http_get(r, &probe, c->ready_url, body, NULL);
			char was[512];
			snprintf(was, sizeof(was), "%s", c->detail);
			if (rcode == 200) {
				set_result(c, ST_UP, "%s, ready", was);
			} else if (!rcode) {
				set_result(c, probe.state, "%s, not ready (%s)", was, probe.detail);
			} else {
				/* the server lists its failing checks: shown compact, cleaned, cut to fit */
				json_t *rj = body->len ? json_loadb(body->buf, body->len, 0, NULL) : NULL;
				char *checks = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
				set_result(c, ST_DOWN, "%s, not ready (HTTP %ld%s%.300s)", was, rcode, checks ? " " : "", checks ? checks : "");
				free(checks);
				json_decref(rj);
			}
			memset(probe.password, 0, sizeof(probe.password));
		}
	}
	free(body);
}

/* --- backups: the newest object under <bucket>/<prefix>/ ------------------------------------ */

/* "3 h", "2 d"…: an age in the unit that reads best. */
static void age_text(char *out, size_t size, long long s)
{
	if (s < 120)
		snprintf(out, size, "%lld s", s < 0 ? 0 : s);
	else if (s < 120 * 60)
		snprintf(out, size, "%lld min", s / 60);
	else if (s < 48 * 3600)
		snprintf(out, size, "%lld h", s / 3600);
	else
		snprintf(out, size, "%lld d", s / 86400);
}

/* The listing URL of one page: base + the query (names in SigV4's sorted order, values escaped). */
static bool backup_page_url(const struct component *c, const char *next, char *url, size_t size)
{
	char prefix[600];
	snprintf(prefix, sizeof(prefix), "%s%s", c->prefix, *c->prefix ? "/" : "");
	snprintf(url, size, "%s?", c->url);
	int bad = 0;
	switch (c->provider) {
	case BACKUP_S3:
		if (*next) {
			strncat(url, "continuation-token=", size - strlen(url) - 1);
			bad |= objlist_query_escape(url, size, next);
			strncat(url, "&", size - strlen(url) - 1);
		}
		strncat(url, "list-type=2&max-keys=100&prefix=", size - strlen(url) - 1);
		bad |= objlist_query_escape(url, size, prefix);
		break;
	case BACKUP_GCS:
		strncat(url, "maxResults=50&prefix=", size - strlen(url) - 1);
		bad |= objlist_query_escape(url, size, prefix);
		if (*next) {
			strncat(url, "&pageToken=", size - strlen(url) - 1);
			bad |= objlist_query_escape(url, size, next);
		}
		break;
	default:
		strncat(url, "restype=container&comp=list&maxresults=100&prefix=", size - strlen(url) - 1);
		bad |= objlist_query_escape(url, size, prefix);
		if (*next) {
			strncat(url, "&marker=", size - strlen(url) - 1);
			bad |= objlist_query_escape(url, size, next);
		}
		if (*c->token) {
			strncat(url, "&", size - strlen(url) - 1);
			strncat(url, c->token[0] == '?' ? c->token + 1 : c->token, size - strlen(url) - 1);
		}
	}
	return !bad && strlen(url) + 1 < size;
}

static void probe_backup(struct run *r, struct component *c)
{
	struct body *body = malloc(sizeof(*body));
	char *url = malloc(4096);
	struct objlist_page *page = malloc(sizeof(*page));
	if (!body || !url || !page) {
		set_result(c, ST_DOWN, "out of memory");
		goto out;
	}
	char sigv4[128], auth[2200], session[2200];
	struct http_extra x = {0};
	switch (c->provider) {
	case BACKUP_S3:
		snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", c->region);
		x.sigv4 = sigv4;
		x.user = c->user;
		x.pass = c->password;
		/* S3 requires the payload's hash; a GET has none */
		x.headers[0] = "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
		if (*c->token) {
			snprintf(session, sizeof(session), "x-amz-security-token: %s", c->token);
			x.headers[1] = session;
		}
		break;
	case BACKUP_GCS:
		if (*c->token) {
			snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
			x.headers[0] = auth;
		}
		break;
	default:
		x.headers[0] = "x-ms-version: 2021-08-06";
	}
	enum objlist_format fmt = c->provider == BACKUP_S3 ? OBJLIST_S3 : c->provider == BACKUP_GCS ? OBJLIST_GCS : OBJLIST_AZURE;
	long long newest = -1;
	size_t count = 0;
	int pages = 0;
	char newest_key[512] = "", next[1024] = "";
	do {
		if (!backup_page_url(c, next, url, 4096)) {
			set_result(c, ST_PROTOCOL, "the listing's continuation token is too long");
			goto out;
		}
		long code = http_get(r, c, url, body, &x);
		if (!code)
			goto out; /* the result is set */
		int parsed = objlist_parse(fmt, body->buf, body->len, page); /* an error reply fills its code */
		if (code < 200 || code > 299) {
			char why[600] = "";
			if (*page->error_code || *page->error_message)
				snprintf(why, sizeof(why), ": %s%s%s", page->error_code, *page->error_code && *page->error_message ? ": " : "",
					 page->error_message);
			const char *hint = code == 401 || code == 403
				? c->provider == BACKUP_S3 ? " (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the region)"
				: c->provider == BACKUP_GCS ? " (check GOOGLE_OAUTH_ACCESS_TOKEN)" : " (check AZURE_STORAGE_SAS_TOKEN)"
				: code == 404 ? " (no such bucket or container)" : "";
			set_result(c, code == 401 || code == 403 || code == 404 ? ST_DOWN : ST_PROTOCOL, "cannot list the bucket: HTTP %ld%.500s%s",
				   code, why, hint);
			goto out;
		}
		if (parsed < 0) {
			set_result(c, ST_PROTOCOL, "HTTP %ld but not a bucket listing", code);
			goto out;
		}
		count += page->count;
		if (page->newest > newest) {
			newest = page->newest;
			snprintf(newest_key, sizeof(newest_key), "%s", page->newest_key);
		}
		snprintf(next, sizeof(next), "%s", page->next);
	} while (*next && ++pages < BACKUP_PAGES);
	if (newest < 0) {
		set_result(c, ST_DOWN, "no backup found under %s/%s%s", c->bucket, c->prefix, *c->prefix ? "/" : "");
		goto out;
	}
	long long age = (long long)time(NULL) - newest;
	c->age_s = age < 0 ? 0 : age;
	/* the name below the prefix: postgresql/20260504-030000/aeterna.dump */
	size_t pl = strlen(c->prefix);
	const char *shown = pl && !strncmp(newest_key, c->prefix, pl) && newest_key[pl] == '/' ? newest_key + pl + 1 : newest_key;
	char ago[32], limit[32];
	age_text(ago, sizeof(ago), c->age_s);
	age_text(limit, sizeof(limit), c->max_age_s);
	const char *more = *next ? "+" : "";
	if (c->age_s > c->max_age_s)
		set_result(c, ST_STALE, "newest %s ago, older than %s (%.300s; %zu%s objects)", ago, limit, shown, count, more);
	else
		set_result(c, ST_UP, "newest %s ago (%.300s; %zu%s objects)", ago, shown, count, more);
out:
	free(body);
	free(url);
	free(page);
}

/* --- PostgreSQL: non-blocking libpq, every step polled against the deadline ------------------- */

/* libpq talks to the server through a relay of ours on a loopback port: the relay counts what
 * the server sends and cuts the connection once it passes the budget, before libpq (which reads
 * a long message greedily into one buffer) can hold more. TLS passes through it untouched. */
struct relay {
	struct run *r;
	int listen_fd, server_fd;
	int port;               /* the loopback port libpq connects to */
	atomic_bool over;       /* the server passed the budget; the relay closed the connection */
};

/* The relay outlives the deadline by a second: the check itself ends at the deadline and closes
 * libpq's side, which ends the relay; the relay must not cut the line first. */
static int relay_left(const struct run *r)
{
	return remaining_ms(r) + 1000;
}

/* Sends all of buf to a non-blocking socket within the relay's time; false when it cannot. */
static bool relay_send(struct run *r, int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w > 0) {
			buf += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return false;
		struct pollfd p = { fd, POLLOUT, 0 };
		int left = relay_left(r);
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return false;
	}
	return true;
}

static void *relay_thread(void *arg)
{
	struct relay *x = arg;
	struct pollfd lp = { x->listen_fd, POLLIN, 0 };
	int left = relay_left(x->r);
	int client = -1;
	if (left > 0 && poll(&lp, 1, left) > 0)
		client = accept(x->listen_fd, NULL, NULL);
	if (client >= 0)
		fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK);
	size_t from_server = 0;
	char buf[16384];
	while (client >= 0) {
		struct pollfd ps[2] = { { client, POLLIN, 0 }, { x->server_fd, POLLIN, 0 } };
		left = relay_left(x->r);
		if (left <= 0 || poll(ps, 2, left) <= 0)
			break;
		if (ps[0].revents) {
			ssize_t n = recv(client, buf, sizeof(buf), 0);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
			    (n > 0 && !relay_send(x->r, x->server_fd, buf, (size_t)n)))
				break;
		}
		if (ps[1].revents) {
			size_t room = PG_REPLY_LIMIT + 1 - from_server;
			ssize_t n = recv(x->server_fd, buf, room < sizeof(buf) ? room : sizeof(buf), 0);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (n > 0 && (from_server += (size_t)n) > PG_REPLY_LIMIT) {
				atomic_store(&x->over, true);
				break;
			}
			if (n > 0 && !relay_send(x->r, client, buf, (size_t)n))
				break;
		}
	}
	if (client >= 0)
		close(client); /* libpq sees the connection end */
	shutdown(x->server_fd, SHUT_RDWR);
	return NULL;
}

/* Opens the loopback listener; 0, or -1 with the result set. */
static int relay_open(struct relay *x, struct component *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0 };
	socklen_t al = sizeof(a);
	x->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (x->listen_fd < 0 || bind(x->listen_fd, (struct sockaddr *)&a, sizeof(a)) || listen(x->listen_fd, 1) ||
	    getsockname(x->listen_fd, (struct sockaddr *)&a, &al)) {
		set_result(c, ST_DOWN, "cannot open a loopback port for the PostgreSQL check: %s", strerror(errno));
		if (x->listen_fd >= 0)
			close(x->listen_fd);
		return -1;
	}
	x->port = ntohs(a.sin_port);
	return 0;
}

/* libpq's first line, naming the server rather than the relay. */
static void pg_message(char *out, size_t size, const char *m, const struct relay *x, const struct component *c)
{
	char relay_at[64];
	snprintf(relay_at, sizeof(relay_at), "\"127.0.0.1\", port %d", x->port);
	size_t n = strcspn(m, "\n");
	const char *hit = strstr(m, relay_at);
	if (hit && (size_t)(hit - m) < n) {
		const char *rest = hit + strlen(relay_at);
		snprintf(out, size, "%.*s\"%s\", port %d%.*s", (int)(hit - m), m, c->host, c->port, (int)strcspn(rest, "\n"), rest);
	} else {
		snprintf(out, size, "%.*s", (int)n, m);
	}
}

/* Waits for libpq's socket by the deadline: true when it is ready. */
static bool pg_wait(struct run *r, int fd, bool write)
{
	struct pollfd p = { fd, write ? POLLOUT : POLLIN, 0 };
	int left = remaining_ms(r);
	return fd >= 0 && left > 0 && poll(&p, 1, left) > 0;
}

static const char *pg_phase(ConnStatusType s)
{
	switch (s) {
	case CONNECTION_STARTED: return "connecting";
	case CONNECTION_SSL_STARTUP: return "the TLS handshake";
	case CONNECTION_MADE:
	case CONNECTION_AWAITING_RESPONSE:
	case CONNECTION_AUTH_OK: return "authentication";
	default: return "starting the session";
	}
}

/* What libpq said, as a state: a server that does not speak the protocol is a protocol error. */
static enum state pg_state(const char *m)
{
	if (strstr(m, "Connection refused"))
		return ST_REFUSED;
	if (strstr(m, "expected authentication request") || strstr(m, "invalid response to SSL") ||
	    strstr(m, "unexpected message") || strstr(m, "invalid message") || strstr(m, "lost synchronization") ||
	    strstr(m, "received invalid") || strstr(m, "unsupported frontend protocol") || strstr(m, "server closed the connection unexpectedly"))
		return ST_PROTOCOL;
	return ST_DOWN;
}

static void probe_postgres(struct run *r, struct component *c)
{
	struct ae_error err;
	const struct pq_api *pq = netlib_pq(&err);
	if (!pq) {
		set_result(c, ST_DOWN, "%s", err.msg);
		return;
	}
	/* resolved and connected here, by the deadline (libpq's own lookup would block), then
	 * relayed with a byte budget */
	struct relay x = { .r = r };
	atomic_init(&x.over, false);
	x.server_fd = connect_by(r, c);
	if (x.server_fd < 0)
		return;
	if (relay_open(&x, c)) {
		close(x.server_fd);
		return;
	}
	pthread_t relay_tid;
	if (pthread_create(&relay_tid, NULL, relay_thread, &x)) {
		set_result(c, ST_DOWN, "cannot start the PostgreSQL relay");
		close(x.listen_fd);
		close(x.server_fd);
		return;
	}
	char port[16], msg[600];
	snprintf(port, sizeof(port), "%d", x.port);
	/* gssencmode=disable: no Kerberos lookups (they block); the TLS choice stays libpq's default
	 * and is negotiated with the server itself, through the relay */
	const char *keys[] = { "host", "hostaddr", "port", "dbname", "user", "password", "application_name", "gssencmode", NULL };
	const char *vals[] = { c->host, "127.0.0.1", port, c->database, c->user, c->password, "aeterna-status", "disable", NULL };
	PGconn *conn = pq->connectStartParams(keys, vals, 0);
	if (!conn || pq->status(conn) == CONNECTION_BAD) {
		pg_message(msg, sizeof(msg), conn ? pq->errorMessage(conn) : "out of memory", &x, c);
		set_result(c, ST_DOWN, "%s", msg);
		goto out;
	}
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	while (ps != PGRES_POLLING_OK && ps != PGRES_POLLING_FAILED) {
		if (!pg_wait(r, pq->socket(conn), ps == PGRES_POLLING_WRITING)) {
			timeout_result(r, c, pg_phase(pq->status(conn)));
			goto out;
		}
		ps = pq->connectPoll(conn);
	}
	if (ps == PGRES_POLLING_FAILED) {
		if (atomic_load(&x.over)) {
			set_result(c, ST_PROTOCOL, "the server sent more than %d bytes while %s", PG_REPLY_LIMIT, pg_phase(pq->status(conn)));
			goto out;
		}
		pg_message(msg, sizeof(msg), pq->errorMessage(conn), &x, c);
		set_result(c, pg_state(msg), "%s", msg);
		goto out;
	}
	/* the query, sent and read without blocking; a statement timeout inside the remaining time
	 * keeps the server from working on after we give up */
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SET statement_timeout = %d; SELECT 1, current_setting('server_version'), "
		 "coalesce((SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'), '')",
		 remaining_ms(r) > 0 ? remaining_ms(r) : 1);
	if (pq->setnonblocking(conn, 1) || !pq->sendQuery(conn, sql)) {
		pg_message(msg, sizeof(msg), pq->errorMessage(conn), &x, c);
		set_result(c, pg_state(msg), "cannot send SELECT 1: %s", msg);
		goto out;
	}
	int fl;
	while ((fl = pq->flush(conn)) == 1) {
		if (!pg_wait(r, pq->socket(conn), true)) {
			timeout_result(r, c, "sending the query");
			goto out;
		}
	}
	PGresult *last = NULL;
	bool failed = fl < 0;
	char error[300] = "";
	for (;;) {
		while (!failed && pq->isBusy(conn)) {
			if (!pg_wait(r, pq->socket(conn), false)) {
				pq->clear(last);
				timeout_result(r, c, "waiting for the query's answer");
				goto out;
			}
			if (!pq->consumeInput(conn))
				failed = true;
		}
		if (failed)
			break;
		PGresult *res = pq->getResult(conn);
		if (!res)
			break;
		ExecStatusType st = pq->resultStatus(res);
		if (st == PGRES_TUPLES_OK) {
			pq->clear(last);
			last = res;
			continue;
		}
		if (st != PGRES_COMMAND_OK && !*error) {
			const char *m = pq->resultErrorMessage(res);
			snprintf(error, sizeof(error), "%.*s", (int)strcspn(m, "\n"), m);
		}
		pq->clear(res);
	}
	if (failed && atomic_load(&x.over)) {
		set_result(c, ST_PROTOCOL, "the answer to SELECT 1 is larger than %d bytes", PG_REPLY_LIMIT);
	} else if (failed) {
		pg_message(msg, sizeof(msg), pq->errorMessage(conn), &x, c);
		set_result(c, pg_state(msg), "SELECT 1 failed: %s", msg);
	} else if (*error || !last) {
		set_result(c, ST_DOWN, "SELECT 1 failed: %s", *error ? error : "no rows");
	} else if (pq->ntuples(last) != 1 || pq->nfields(last) != 3) {
		set_result(c, ST_PROTOCOL, "SELECT 1 answered with %d rows of %d columns", pq->ntuples(last), pq->nfields(last));
	} else {
		const char *ext = pq->getvalue(last, 0, 2);
		set_result(c, ST_UP, "PostgreSQL %.*s, SELECT 1 ok, extensions: %.*s", pq->getlength(last, 0, 1) < 64 ? pq->getlength(last, 0, 1) : 64,
			   pq->getvalue(last, 0, 1), 300, *ext ? ext : "none");
	}
	pq->clear(last);
out:
	if (conn)
		pq->finish(conn); /* the relay sees libpq go and ends */
	shutdown(x.server_fd, SHUT_RDWR);
	pthread_join(relay_tid, NULL);
	close(x.listen_fd);
	close(x.server_fd);
}

static void run_unref(struct run *r)
{
	pthread_mutex_lock(&r->mu);
	bool last = --r->refs == 0;
	pthread_mutex_unlock(&r->mu);
	if (last) {
		for (size_t i = 0; i < r->n; i++) {
			memset(r->cs[i].password, 0, sizeof(r->cs[i].password));
			memset(r->cs[i].token, 0, sizeof(r->cs[i].token));
		}
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		free(r);
	}
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct run *r = j->run;
	struct component *c = j->c;
	free(j);
	double t0 = now_ms();
	switch (c->kind) {
	case K_HTTP: probe_http(r, c); break;
	case K_POSTGRES: probe_postgres(r, c); break;
	case K_REDIS: probe_redis(r, c); break;
	case K_TCP: probe_tcp(r, c); break;
	case K_BACKUP: probe_backup(r, c); break;
	}
	pthread_mutex_lock(&r->mu);
	c->latency_ms = now_ms() - t0;
	c->done = true;
	r->pending--;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	run_unref(r);
	return NULL;
}

/* --- configuration -> components -------------------------------------------------------- */

struct overrides {
	const char *server_url, *pg_host, *cache_host, *vector_url, *opal_url;
	int pg_port, cache_port;
	long long backup_max_age; /* seconds; 0: from the schedule */
};

static void split_host_port(const char *url, char *host, size_t hlen, int *port, int dflt)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *at = strchr(p, '@'); /* user:password@ is skipped, never kept */
	const char *slash = strchr(p, '/');
	if (at && (!slash || at < slash))
		p = at + 1;
	size_t n = strcspn(p, ":/?,");
	snprintf(host, hlen, "%.*s", (int)n, p);
	*port = p[n] == ':' ? atoi(p + n + 1) : dflt;
}

/* base + path, the path going before any query or fragment of base ("http://h/?k=v" + "/health"
 * is "http://h/health?k=v"). */
static void join_url(char *out, size_t size, const char *base, const char *path)
{
	size_t n = strcspn(base, "?#");
	size_t stem = n;
	const char *scheme = strstr(base, "://");
	size_t min = scheme && (size_t)(scheme - base) < n ? (size_t)(scheme - base) + 3 : 0;
	while (stem > min && base[stem - 1] == '/')
		stem--;
	snprintf(out, size, "%.*s%s%s", (int)stem, base, path, base + n);
}

/* The backup listing: where, with which credentials (from the environment), and how old the
 * newest object may be. Without credentials for S3 (or, for GCS and Azure, without a token and
 * without an endpoint override) the bucket is not listed: reported as not checked. */
static void build_backup(const struct deployment *d, const struct overrides *o, struct component *c)
{
	*c = (struct component){ .name = "backup", .kind = K_BACKUP, .required = true, .age_s = -1 };
	c->provider = d->backup_provider;
	snprintf(c->bucket, sizeof(c->bucket), "%s", d->backup_bucket ? d->backup_bucket : "");
	snprintf(c->prefix, sizeof(c->prefix), "%s", d->backup_prefix ? d->backup_prefix : "");
	while (*c->prefix && c->prefix[strlen(c->prefix) - 1] == '/')
		c->prefix[strlen(c->prefix) - 1] = '\0';
	long interval = model_cron_interval(d->backup_schedule);
	c->max_age_s = o->backup_max_age ? o->backup_max_age : interval ? interval * 3 / 2 : 36 * 3600;
	const char *env_endpoint = getenv("AETERNA_BACKUP_ENDPOINT");
	if (env_endpoint && !*env_endpoint)
		env_endpoint = NULL;
	const char *skip = NULL;
	char base[900];
	switch (c->provider) {
	case BACKUP_S3: {
		const char *id = getenv("AWS_ACCESS_KEY_ID"), *key = getenv("AWS_SECRET_ACCESS_KEY"), *tok = getenv("AWS_SESSION_TOKEN");
		const char *region = d->backup_s3_region && *d->backup_s3_region ? d->backup_s3_region : getenv("AWS_REGION");
		snprintf(c->region, sizeof(c->region), "%s", region && *region ? region : "us-east-1");
		snprintf(c->user, sizeof(c->user), "%s", id ? id : "");
		snprintf(c->password, sizeof(c->password), "%s", key ? key : "");
		snprintf(c->token, sizeof(c->token), "%s", tok ? tok : "");
		const char *ep = env_endpoint ? env_endpoint : d->backup_s3_endpoint && *d->backup_s3_endpoint ? d->backup_s3_endpoint : NULL;
		if (ep) { /* S3-compatible: path-style */
			snprintf(base, sizeof(base), "%.*s", (int)(strlen(ep) - (ep[strlen(ep) - 1] == '/')), ep);
			snprintf(c->url, sizeof(c->url), "%.700s/%.250s", base, c->bucket);
		} else if (!strchr(c->bucket, '.')) { /* AWS: virtual-hosted style */
			snprintf(base, sizeof(base), "https://s3.%s.amazonaws.com", c->region);
			snprintf(c->url, sizeof(c->url), "https://%.250s.s3.%.63s.amazonaws.com/", c->bucket, c->region);
		} else { /* a dotted name does not match the wildcard certificate: path-style */
			snprintf(base, sizeof(base), "https://s3.%s.amazonaws.com", c->region);
			snprintf(c->url, sizeof(c->url), "%.700s/%.250s", base, c->bucket);
		}
		if (!*c->user || !*c->password)
			skip = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to list the bucket";
		break;
	}
	case BACKUP_GCS: {
		const char *tok = getenv("GOOGLE_OAUTH_ACCESS_TOKEN");
		snprintf(c->token, sizeof(c->token), "%s", tok ? tok : "");
		const char *ep = env_endpoint ? env_endpoint : "https://storage.googleapis.com";
		snprintf(base, sizeof(base), "%.*s", (int)(strlen(ep) - (ep[strlen(ep) - 1] == '/')), ep);
		snprintf(c->url, sizeof(c->url), "%.700s/storage/v1/b/%.250s/o", base, c->bucket);
		if (!*c->token && !env_endpoint)
			skip = "set GOOGLE_OAUTH_ACCESS_TOKEN (e.g. from gcloud auth print-access-token) to list the bucket";
		break;
	}
	default: {
		const char *tok = getenv("AZURE_STORAGE_SAS_TOKEN");
		snprintf(c->token, sizeof(c->token), "%s", tok ? tok : "");
		if (env_endpoint)
			snprintf(base, sizeof(base), "%.*s", (int)(strlen(env_endpoint) - (env_endpoint[strlen(env_endpoint) - 1] == '/')),
				 env_endpoint);
		else
			snprintf(base, sizeof(base), "https://%s.blob.core.windows.net", d->backup_azure_account ? d->backup_azure_account : "");
		snprintf(c->url, sizeof(c->url), "%.700s/%.250s", base, c->bucket);
		if (!*c->token && !env_endpoint)
			skip = "set AZURE_STORAGE_SAS_TOKEN (a SAS with list permission) to list the container";
	}
	}
	char masked[900];
	url_mask(masked, sizeof(masked), base);
	snprintf(c->endpoint, sizeof(c->endpoint), "%.8s %.500s/%.250s/%.200s", model_choice(d, FLD_BACKUP_PROVIDER), masked, c->bucket, c->prefix);
	if (skip) {
		c->state = ST_SKIPPED;
		c->required = false;
		c->done = true;
		snprintf(c->detail, sizeof(c->detail), "%s", skip);
		memset(c->password, 0, sizeof(c->password));
		memset(c->token, 0, sizeof(c->token));
	}
}

static size_t build(const struct deployment *d, const struct overrides *o, struct component *cs)
{
	size_t n = 0;
	struct component *c;
	const char *server = o->server_url ? o->server_url : "http://localhost:8080";
	if (d->target != TARGET_OPENCODE_ONLY || o->server_url) {
		c = &cs[n++];
		*c = (struct component){ .name = "aeterna", .kind = K_HTTP, .required = true };
		join_url(c->url, sizeof(c->url), server, "/health");
		join_url(c->ready_url, sizeof(c->ready_url), server, "/ready");
		url_mask(c->endpoint, sizeof(c->endpoint), server);
	}
	if (d->mode != MODE_LOCAL && d->central_url) {
		c = &cs[n++];
		*c = (struct component){ .name = "central", .kind = K_HTTP, .required = true };
		join_url(c->url, sizeof(c->url), d->central_url, "/health");
		url_mask(c->endpoint, sizeof(c->endpoint), d->central_url);
	}
	if (d->target != TARGET_OPENCODE_ONLY) {
		c = &cs[n++];
		*c = (struct component){ .name = "postgresql", .kind = K_POSTGRES, .required = true };
		bool bundled = d->postgres == PG_CLOUDNATIVEPG;
		snprintf(c->host, sizeof(c->host), "%s", o->pg_host ? o->pg_host : bundled || !d->pg_host ? "localhost" : d->pg_host);
		c->port = o->pg_port ? o->pg_port : d->pg_port > 0 && !bundled ? d->pg_port : 5432;
		snprintf(c->database, sizeof(c->database), "%s", d->pg_database && !bundled ? d->pg_database : "aeterna");
		snprintf(c->user, sizeof(c->user), "%s", d->pg_user && !bundled ? d->pg_user : "aeterna");
		const char *pw = getenv("PGPASSWORD");
		snprintf(c->password, sizeof(c->password), "%s", pw ? pw : d->pg_password ? d->pg_password : "");
		snprintf(c->endpoint, sizeof(c->endpoint), "%s@%s:%d/%s", c->user, c->host, c->port, c->database);

		c = &cs[n++];
		*c = (struct component){ .name = "cache", .kind = K_REDIS, .required = true };
		bool cb = d->cache != CACHE_EXTERNAL;
		snprintf(c->host, sizeof(c->host), "%s", o->cache_host ? o->cache_host : cb || !d->cache_host ? "localhost" : d->cache_host);
		c->port = o->cache_port ? o->cache_port : d->cache_port > 0 ? d->cache_port : 6379;
		const char *cpw = getenv("AETERNA_CACHE_PASSWORD");
		snprintf(c->password, sizeof(c->password), "%s", cpw ? cpw : d->cache_password ? d->cache_password : "");
		snprintf(c->endpoint, sizeof(c->endpoint), "%s:%d", c->host, c->port);
	}
	if (d->mode != MODE_REMOTE && d->target != TARGET_OPENCODE_ONLY) {
		const char *url = NULL;
		c = &cs[n++];
		*c = (struct component){ .name = "vector", .kind = K_HTTP, .required = true };
		switch (d->vector) {
		case VB_QDRANT:
			url = o->vector_url ? o->vector_url : model_vector_bundled(d) ? "http://localhost:6333" : d->qdrant_url;
			char host[256];
			int port;
			split_host_port(url ? url : "", host, sizeof(host), &port, 6333);
			/* the server talks gRPC (6334); readiness is on the REST port (6333) */
			snprintf(c->url, sizeof(c->url), "%s://%s:%d/readyz", strncmp(url ? url : "", "https", 5) ? "http" : "https",
				 host, port == 6334 ? 6333 : port);
			snprintf(c->endpoint, sizeof(c->endpoint), "qdrant %s:%d", host, port == 6334 ? 6333 : port);
			break;
		case VB_WEAVIATE:
			url = o->vector_url ? o->vector_url : model_vector_bundled(d) ? "http://localhost:8081" : d->weaviate_url;
			join_url(c->url, sizeof(c->url), url ? url : "", "/v1/.well-known/ready");
			char masked[900];
			url_mask(masked, sizeof(masked), url ? url : "");
			snprintf(c->endpoint, sizeof(c->endpoint), "weaviate %s", masked);
			break;
		case VB_MONGODB:
			url = o->vector_url ? o->vector_url : model_vector_bundled(d) ? "mongodb://localhost:27017" : d->mongodb_uri;
			c->kind = K_TCP;
			split_host_port(url ? url : "", c->host, sizeof(c->host), &c->port, 27017);
			snprintf(c->endpoint, sizeof(c->endpoint), "mongodb %s:%d", c->host, c->port);
			break;
		default: /* managed services: nothing local to reach */
			c->state = ST_SKIPPED;
			c->required = false;
			c->done = true;
			snprintf(c->endpoint, sizeof(c->endpoint), "%s", vector_server_name(d->vector));
			snprintf(c->detail, sizeof(c->detail), "managed service");
		}
	}
	if (d->opal == 1 || o->opal_url) {
		c = &cs[n++];
		*c = (struct component){ .name = "opal", .kind = K_HTTP, .required = true };
		const char *url = o->opal_url ? o->opal_url : "http://localhost:7002";
		join_url(c->url, sizeof(c->url), url, "/healthcheck");
		url_mask(c->endpoint, sizeof(c->endpoint), url);
	}
	if (model_backup_on(d))
		build_backup(d, o, &cs[n++]);
	return n;
}

/* --- output ------------------------------------------------------------------------------ */

static void print_header(void)
{
	printf("%-11s %-40s %-14s %9s  %s\n", "COMPONENT", "ENDPOINT", "STATE", "LATENCY", "DETAIL");
}

static void print_row(const struct component *c, bool color)
{
	const char *col = !color ? "" : c->state == ST_UP ? "\033[32m" : c->state == ST_SKIPPED ? "\033[2m" : "\033[31m";
	char lat[32] = "-";
	if (c->state != ST_SKIPPED)
		snprintf(lat, sizeof(lat), "%.0f ms", c->latency_ms);
	printf("%-11s %-40.40s %s%-14s%s %9s  %s\n", c->name, c->endpoint, col, state_names[c->state], color ? "\033[0m" : "", lat,
	       c->detail);
}

static json_t *component_json(const struct component *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s}", "component", c->name, "endpoint", c->endpoint, "state",
			      state_names[c->state], "required", c->required, "detail", c->detail);
	if (o && c->state != ST_SKIPPED) /* whole milliseconds: no 17-digit noise */
		json_object_set_new(o, "latency_ms", json_integer((json_int_t)(c->latency_ms + 0.5)));
	return o;
}

/* A component's JSON with what its kind adds (the backup's age in seconds, when known). */
static json_t *result_json(const struct component *c)
{
	json_t *o = component_json(c);
	if (o && c->kind == K_BACKUP && c->age_s >= 0)
		json_object_set_new(o, "backup_age_seconds", json_integer((json_int_t)c->age_s));
	return o;
}

static void print_json(const struct component *cs, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, result_json(&cs[i]));
	json_print_release(stdout, arr, false);
}

/* One result as it arrives: a table row, or (--json --watch) one JSON object on its own line. */
static void emit(const struct component *c, bool json, bool color, unsigned round)
{
	if (json) {
		json_t *o = result_json(c);
		if (o)
			json_object_set_new(o, "round", json_integer(round));
		json_print_release(stdout, o, true);
	} else {
		print_row(c, color);
	}
	fflush(stdout);
}

/* One round: probes everything concurrently, prints each result as it arrives (all at the end
 * for a single --json document); returns the exit code. */
static int round_once(const struct deployment *d, const struct overrides *o, int timeout_ms, bool json, int watch, unsigned round)
{
	struct run *r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "aeterna status: out of memory\n");
		return EXIT_FAILURE_;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	r->timeout_ms = timeout_ms;
	r->refs = 1;
	r->n = build(d, o, r->cs);
	clock_gettime(CLOCK_MONOTONIC, &r->deadline);
	r->deadline = add_ms(r->deadline, timeout_ms);
	bool color = !json && diag_use_color(STDOUT_FILENO);
	bool stream = !json || watch; /* a single --json document waits for every result */
	if (!json && watch) {
		char when[64];
		time_t now = time(NULL);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
		printf("%s — every %d s, Ctrl-C stops\n", when, watch);
	}
	if (!json)
		print_header();
	pthread_t tids[8];
	bool started[8] = { false };
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->n; i++) {
		if (r->cs[i].done)
			continue;
		struct job *j = malloc(sizeof(*j));
		if (j) {
			*j = (struct job){ r, &r->cs[i] };
			r->refs++;
			r->pending++;
		}
		if (j && pthread_create(&tids[i], NULL, worker, j) == 0) {
			started[i] = true;
		} else {
			if (j) {
				r->refs--;
				r->pending--;
				free(j);
			}
			r->cs[i].done = true;
			set_result(&r->cs[i], ST_DOWN, "cannot start the check");
		}
	}
	/* every check ends by the deadline; a short grace covers the last poll's wake-up. Anything
	 * still running then is reported as a timeout and left to finish on its own. */
	struct timespec give_up = add_ms(r->deadline, 250);
	struct component snap[8];
	for (;;) {
		for (size_t i = 0; i < r->n; i++) {
			struct component *c = &r->cs[i];
			if (c->done && !c->printed) {
				c->printed = true;
				if (stream) {
					snap[i] = *c;
					pthread_mutex_unlock(&r->mu);
					emit(&snap[i], json, color, round);
					pthread_mutex_lock(&r->mu);
				}
			}
		}
		if (!r->pending)
			break;
		if (pthread_cond_timedwait(&r->cv, &r->mu, &give_up) == ETIMEDOUT) {
			for (size_t i = 0; i < r->n; i++) {
				struct component *c = &r->cs[i];
				if (!c->done) {
					/* reported from a copy: the check still owns its component */
					snap[i] = *c;
					snap[i].latency_ms = timeout_ms;
					set_result(&snap[i], ST_TIMEOUT, "no answer within %d ms (the check did not stop in time)", timeout_ms);
					c->printed = true;
					if (stream)
						emit(&snap[i], json, color, round);
				}
			}
			break;
		}
	}
	struct component all[8];
	bool finished[8];
	size_t n = r->n;
	for (size_t i = 0; i < n; i++) {
		finished[i] = r->cs[i].done;
		all[i] = finished[i] ? r->cs[i] : snap[i];
		memset(all[i].password, 0, sizeof(all[i].password));
		memset(all[i].token, 0, sizeof(all[i].token));
	}
	pthread_mutex_unlock(&r->mu);
	/* finished checks are joined (their thread-local state is released before we go on); one
	 * that overran is left to end on its own */
	for (size_t i = 0; i < n; i++)
		if (started[i])
			finished[i] ? pthread_join(tids[i], NULL) : pthread_detach(tids[i]);
	run_unref(r);
	if (json && !watch)
		print_json(all, n);
	bool ok = true, none_reached = true;
	for (size_t i = 0; i < n; i++) {
		ok = ok && (!all[i].required || all[i].state == ST_UP);
		none_reached = none_reached && (all[i].state == ST_REFUSED || all[i].state == ST_SKIPPED);
	}
	if (none_reached && d->target == TARGET_KUBERNETES && !json)
		fprintf(stderr, "hint: nothing answered on localhost. For a Kubernetes release, forward the ports first, e.g.\n"
				"  kubectl -n aeterna port-forward svc/aeterna 8080:8080\n"
				"or point the checks at the cluster's endpoints (--server-url, --postgres-host, --cache-host, ...).\n");
	return ok ? EXIT_OK : EXIT_FAILURE_;
}

static int parse_int_arg(const char *flag, const char *v, int min, int max, int *out)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (!*v || *end || x < min || x > max) {
		fprintf(stderr, "aeterna status: %s must be a number from %d to %d, got '%s'\n", flag, min, max, v);
		return -1;
	}
	*out = (int)x;
	return 0;
}

int cmd_status(int argc, char **argv)
{
	enum { MAX_OPTS = 32 }; /* status_doc.c has 14 */
	struct option opts[MAX_OPTS + 1];
	char shorts[3 + 2 * MAX_OPTS];
	if (status_doc.nopts > MAX_OPTS) {
		fprintf(stderr, "aeterna status: internal error: too many options\n");
		return EXIT_USAGE;
	}
	cli_doc_getopt(&status_doc, opts, shorts, sizeof(shorts));
	const char *config = ".aeterna/config.toml";
	bool config_given = false, json = false;
	int timeout_ms = 2000, watch = 0;
	struct overrides o = {0};
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; config_given = true; break;
		case 't': if (parse_int_arg("--timeout", optarg, 1, 600000, &timeout_ms)) return EXIT_USAGE; break;
		case 'j': json = true; break;
		case 'w': if (parse_int_arg("--watch", optarg, 1, 86400, &watch)) return EXIT_USAGE; break;
		case 1: o.server_url = optarg; break;
		case 2: o.pg_host = optarg; break;
		case 3: if (parse_int_arg("--postgres-port", optarg, 1, 65535, &o.pg_port)) return EXIT_USAGE; break;
		case 4: o.cache_host = optarg; break;
		case 5: if (parse_int_arg("--cache-port", optarg, 1, 65535, &o.cache_port)) return EXIT_USAGE; break;
		case 6: o.vector_url = optarg; break;
		case 7: o.opal_url = optarg; break;
		case 8: {
			int v;
			if (parse_int_arg("--backup-max-age", optarg, 1, 100000000, &v))
				return EXIT_USAGE;
			o.backup_max_age = v;
			break;
		}
		case 'h': print_help(stdout); return EXIT_OK;
		default:
			fprintf(stderr, "aeterna status: unknown option or missing value: '%s'\nRun 'aeterna status --help' for the options.\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "aeterna status: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}

	struct deployment d;
	model_init(&d);
	char *text = NULL;
	int e = 0;
	struct ae_error err;
	if (read_file(config, &text, NULL, &e, &err) < 0) {
		if (config_given || e != ENOENT) {
			fprintf(stderr, "aeterna status: %s: %s\n", config, strerror(e));
			return EXIT_USAGE;
		}
		fprintf(stderr, "aeterna status: no %s here; checking the local defaults (run 'aeterna setup' or pass --config)\n", config);
	} else {
		struct diag_list diags = {0};
		size_t bad = model_load_toml(&d, text, config, &diags);
		diag_print_all(stderr, &diags, false);
		diag_list_free(&diags);
		free(text);
		if (bad) {
			model_free(&d);
			return EXIT_USAGE;
		}
	}
	if (model_apply_defaults(&d, &err)) {
		fprintf(stderr, "aeterna status: %s\n", err.msg);
		model_free(&d);
		return EXIT_USAGE;
	}
	int rc;
	for (unsigned round = 1;; round++) {
		rc = round_once(&d, &o, timeout_ms, json, watch, round);
		if (!watch)
			break;
		fflush(stdout);
		sleep((unsigned)watch);
		if (!json)
			printf("\n");
	}
	model_free(&d);
	return rc;
}
