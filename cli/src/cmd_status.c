/* aeterna status — live checks of every configured component, concurrently, each with its own
 * timeout, all under one deadline. Reads .aeterna/config.toml (setup's answers); flags override
 * endpoints. Credentials are used, never printed. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "atomic_file.h"
#include "commands.h"
#include "diag.h"
#include "generate.h"
#include "json_out.h"
#include "model.h"
#include "strbuf.h"

enum state { ST_UP, ST_DOWN, ST_TIMEOUT, ST_REFUSED, ST_SKIPPED };
static const char *const state_names[] = { "up", "down", "timeout", "refused", "not checked" };

enum kind { K_HTTP, K_POSTGRES, K_REDIS, K_TCP };

struct component {
	const char *name;        /* static */
	enum kind kind;
	bool required;
	char endpoint[1024];     /* printed: never holds a password */
	char url[1024];          /* HTTP: the URL probed */
	char ready_url[1024];    /* server: /ready */
	char host[256];
	int port;
	char user[128], password[256], database[128]; /* password: used, never printed */
	/* results */
	enum state state;
	double latency_ms;
	char detail[512];
	bool done;
};

struct run {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct timespec deadline;
	int timeout_ms;
	size_t pending;
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
	fprintf(out,
		"Usage: aeterna status [--config FILE] [--timeout MS] [--json] [--watch SECONDS] [overrides]\n"
		"\n"
		"Checks every component the configuration names, all at once: the Aeterna server (/health,\n"
		"/ready), PostgreSQL (SELECT 1, version, extensions), the Redis-compatible cache (PING,\n"
		"AUTH when a password is set, INFO server), the vector store (Qdrant /readyz, Weaviate\n"
		"ready, MongoDB reachability), the OPAL server (/healthcheck) and the central server.\n"
		"\n"
		"  --config FILE        setup's answers (default: .aeterna/config.toml)\n"
		"  --timeout MS         time allowed to each check, and to the whole run (default 2000)\n"
		"  --json               print the results as JSON\n"
		"  --watch SECONDS      repeat every SECONDS until interrupted (with --json: one array per line)\n"
		"  --server-url URL     the Aeterna server (default http://localhost:8080)\n"
		"  --postgres-host H    --postgres-port P   PostgreSQL (default: from the configuration)\n"
		"  --cache-host H       --cache-port P      the cache (default: from the configuration)\n"
		"  --vector-url URL     the vector store\n"
		"  --opal-url URL       the OPAL server (default http://localhost:7002 when OPAL is on)\n"
		"  -h, --help\n"
		"\n"
		"Environment: PGPASSWORD and AETERNA_CACHE_PASSWORD override the stored passwords.\n"
		"Exit status: 0 all required components up, 1 otherwise, 2 usage error.\n");
}

/* --- probes ------------------------------------------------------------------------------ */

static int remaining_ms(const struct run *r)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long ms = (r->deadline.tv_sec - ts.tv_sec) * 1000L + (r->deadline.tv_nsec - ts.tv_nsec) / 1000000L;
	return ms < 0 ? 0 : ms > r->timeout_ms ? r->timeout_ms : (int)ms;
}

static size_t collect(char *ptr, size_t size, size_t n, void *user)
{
	struct strbuf *b = user;
	if (b->len < 65536)
		strbuf_add(b, ptr, size * n);
	return size * n;
}

/* GET url; returns the HTTP status (0 on transport failure, with *st set). */
static long http_get(const char *url, int timeout_ms, struct strbuf *body, enum state *st, char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	if (!h) {
		*st = ST_DOWN;
		snprintf(err, errlen, "cannot start an HTTP client");
		return 0;
	}
	char ebuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 1));
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 1));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "aeterna-status/" AETERNA_VERSION);
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	} else {
		*st = rc == CURLE_OPERATION_TIMEDOUT ? ST_TIMEOUT : rc == CURLE_COULDNT_CONNECT ? ST_REFUSED : ST_DOWN;
		snprintf(err, errlen, "%s", *ebuf ? ebuf : curl_easy_strerror(rc));
	}
	curl_easy_cleanup(h);
	return code;
}

static void probe_http(struct run *r, struct component *c)
{
	struct strbuf body = {0};
	enum state st = ST_DOWN;
	char err[256] = "";
	long code = http_get(c->url, remaining_ms(r), &body, &st, err, sizeof(err));
	if (!code) {
		c->state = st;
		snprintf(c->detail, sizeof(c->detail), "%s", err);
	} else if (code < 200 || code > 299) {
		c->state = ST_DOWN;
		snprintf(c->detail, sizeof(c->detail), "HTTP %ld", code);
	} else {
		c->state = ST_UP;
		snprintf(c->detail, sizeof(c->detail), "HTTP %ld", code);
		/* the server's /health names its version; /ready says whether it can serve */
		json_t *j = body.len ? json_loadb(body.buf, body.len, 0, NULL) : NULL;
		const char *ver = j ? json_string_value(json_object_get(j, "version")) : NULL;
		if (ver)
			snprintf(c->detail, sizeof(c->detail), "version %s", ver);
		json_decref(j);
		if (*c->ready_url) {
			struct strbuf rb = {0};
			long rcode = http_get(c->ready_url, remaining_ms(r), &rb, &st, err, sizeof(err));
			size_t l = strlen(c->detail);
			if (rcode == 200) {
				snprintf(c->detail + l, sizeof(c->detail) - l, ", ready");
			} else {
				c->state = ST_DOWN;
				json_t *rj = rb.len ? json_loadb(rb.buf, rb.len, 0, NULL) : NULL;
				char *checks = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
				snprintf(c->detail + l, sizeof(c->detail) - l, ", not ready (%s%s%s)",
					 rcode ? "HTTP " : err, rcode ? "" : "", checks ? checks : "");
				if (rcode) {
					l = strlen(c->detail);
					snprintf(c->detail + l, sizeof(c->detail) - l, " %ld", rcode);
				}
				free(checks);
				json_decref(rj);
			}
			strbuf_free(&rb);
		}
	}
	strbuf_free(&body);
}

static void probe_postgres(struct run *r, struct component *c)
{
	char port[16];
	snprintf(port, sizeof(port), "%d", c->port);
	const char *keys[] = { "host", "port", "dbname", "user", "password", "application_name", NULL };
	const char *vals[] = { c->host, port, c->database, c->user, c->password, "aeterna-status", NULL };
	PGconn *conn = PQconnectStartParams(keys, vals, 0);
	if (!conn || PQstatus(conn) == CONNECTION_BAD) {
		c->state = ST_DOWN;
		snprintf(c->detail, sizeof(c->detail), "%s", conn ? PQerrorMessage(conn) : "out of memory");
		goto out;
	}
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	while (ps != PGRES_POLLING_OK && ps != PGRES_POLLING_FAILED) {
		int left = remaining_ms(r);
		if (left <= 0) {
			c->state = ST_TIMEOUT;
			snprintf(c->detail, sizeof(c->detail), "no answer within %d ms", r->timeout_ms);
			goto out;
		}
		struct pollfd pfd = { PQsocket(conn), ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0 };
		if (pfd.fd >= 0 && poll(&pfd, 1, left) == 0)
			continue; /* re-check the deadline */
		ps = PQconnectPoll(conn);
	}
	if (ps == PGRES_POLLING_FAILED) {
		const char *m = PQerrorMessage(conn);
		c->state = strstr(m, "Connection refused") ? ST_REFUSED : ST_DOWN;
		snprintf(c->detail, sizeof(c->detail), "%.*s", (int)strcspn(m, "\n"), m);
		goto out;
	}
	/* the query runs with a statement timeout inside the remaining time */
	char sql[256];
	snprintf(sql, sizeof(sql), "SET statement_timeout = %d", remaining_ms(r) > 0 ? remaining_ms(r) : 1);
	PQclear(PQexec(conn, sql));
	PGresult *res = PQexec(conn, "SELECT 1, current_setting('server_version'), "
				     "coalesce((SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'), '')");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		c->state = ST_DOWN;
		snprintf(c->detail, sizeof(c->detail), "SELECT 1 failed: %.*s", (int)strcspn(PQerrorMessage(conn), "\n"), PQerrorMessage(conn));
	} else {
		c->state = ST_UP;
		const char *ext = PQgetvalue(res, 0, 2);
		snprintf(c->detail, sizeof(c->detail), "PostgreSQL %s, SELECT 1 ok, extensions: %s", PQgetvalue(res, 0, 1),
			 *ext ? ext : "none");
	}
	PQclear(res);
out:
	PQfinish(conn);
}

static void probe_redis(struct run *r, struct component *c)
{
	int left = remaining_ms(r);
	struct timeval tv = { left / 1000, (left % 1000) * 1000 };
	redisContext *ctx = redisConnectWithTimeout(c->host, c->port, tv);
	if (!ctx || ctx->err) {
		const char *m = ctx ? ctx->errstr : "out of memory";
		c->state = ctx && (ctx->err == REDIS_ERR_IO && errno == ECONNREFUSED) ? ST_REFUSED
			   : strstr(m, "refused") ? ST_REFUSED
			   : strstr(m, "timed out") || strstr(m, "Timeout") ? ST_TIMEOUT : ST_DOWN;
		snprintf(c->detail, sizeof(c->detail), "%s", m);
		if (ctx)
			redisFree(ctx);
		return;
	}
	left = remaining_ms(r);
	tv = (struct timeval){ left / 1000, (left % 1000) * 1000 };
	redisSetTimeout(ctx, tv);
	redisReply *rep;
	if (*c->password) {
		rep = redisCommand(ctx, "AUTH %s", c->password);
		if (!rep || rep->type == REDIS_REPLY_ERROR) {
			c->state = rep ? ST_DOWN : ST_TIMEOUT;
			snprintf(c->detail, sizeof(c->detail), "AUTH failed: %s", rep ? rep->str : ctx->errstr);
			freeReplyObject(rep);
			redisFree(ctx);
			return;
		}
		freeReplyObject(rep);
	}
	rep = redisCommand(ctx, "PING");
	if (!rep || rep->type == REDIS_REPLY_ERROR || !rep->str || strcmp(rep->str, "PONG")) {
		c->state = rep ? ST_DOWN : ST_TIMEOUT;
		snprintf(c->detail, sizeof(c->detail), "PING: %s", rep && rep->str ? rep->str : ctx->errstr);
		freeReplyObject(rep);
		redisFree(ctx);
		return;
	}
	freeReplyObject(rep);
	c->state = ST_UP;
	snprintf(c->detail, sizeof(c->detail), "PONG");
	rep = redisCommand(ctx, "INFO server");
	if (rep && rep->type == REDIS_REPLY_STRING) {
		/* Dragonfly and Valkey name themselves; Redis reports redis_version only */
		static const struct { const char *key, *name; } products[] = {
			{ "dragonfly_version:", "Dragonfly" }, { "valkey_version:", "Valkey" }, { "redis_version:", "Redis" },
		};
		for (size_t i = 0; i < 3; i++) {
			const char *p = strstr(rep->str, products[i].key);
			if (p) {
				p += strlen(products[i].key);
				snprintf(c->detail, sizeof(c->detail), "PONG, %s %.*s", products[i].name, (int)strcspn(p, "\r\n"), p);
				break;
			}
		}
	}
	freeReplyObject(rep);
	redisFree(ctx);
}

static void probe_tcp(struct run *r, struct component *c)
{
	/* reachability only: a TCP connection within the deadline (hiredis' connect does this) */
	int left = remaining_ms(r);
	struct timeval tv = { left / 1000, (left % 1000) * 1000 };
	redisContext *ctx = redisConnectWithTimeout(c->host, c->port, tv);
	if (!ctx || ctx->err) {
		const char *m = ctx ? ctx->errstr : "out of memory";
		c->state = strstr(m, "refused") ? ST_REFUSED : strstr(m, "timed out") || strstr(m, "Timeout") ? ST_TIMEOUT : ST_DOWN;
		snprintf(c->detail, sizeof(c->detail), "%s", m);
	} else {
		c->state = ST_UP;
		snprintf(c->detail, sizeof(c->detail), "TCP connection accepted");
	}
	if (ctx)
		redisFree(ctx);
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct component *c = j->c;
	double t0 = now_ms();
	switch (c->kind) {
	case K_HTTP: probe_http(j->run, c); break;
	case K_POSTGRES: probe_postgres(j->run, c); break;
	case K_REDIS: probe_redis(j->run, c); break;
	case K_TCP: probe_tcp(j->run, c); break;
	}
	c->latency_ms = now_ms() - t0;
	pthread_mutex_lock(&j->run->mu);
	c->done = true;
	j->run->pending--;
	pthread_cond_signal(&j->run->cv);
	pthread_mutex_unlock(&j->run->mu);
	return NULL;
}

/* --- configuration -> components -------------------------------------------------------- */

struct overrides {
	const char *server_url, *pg_host, *cache_host, *vector_url, *opal_url;
	int pg_port, cache_port;
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

static size_t build(const struct deployment *d, const struct overrides *o, struct component *cs)
{
	size_t n = 0;
	struct component *c;
	const char *server = o->server_url ? o->server_url : "http://localhost:8080";
	if (d->target != TARGET_OPENCODE_ONLY || o->server_url) {
		c = &cs[n++];
		*c = (struct component){ .name = "aeterna", .kind = K_HTTP, .required = true };
		snprintf(c->url, sizeof(c->url), "%s/health", server);
		snprintf(c->ready_url, sizeof(c->ready_url), "%s/ready", server);
		snprintf(c->endpoint, sizeof(c->endpoint), "%s", server);
	}
	if (d->mode != MODE_LOCAL && d->central_url) {
		c = &cs[n++];
		*c = (struct component){ .name = "central", .kind = K_HTTP, .required = true };
		snprintf(c->url, sizeof(c->url), "%s/health", d->central_url);
		snprintf(c->endpoint, sizeof(c->endpoint), "%s", d->central_url);
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
			snprintf(c->url, sizeof(c->url), "%s/v1/.well-known/ready", url ? url : "");
			snprintf(c->endpoint, sizeof(c->endpoint), "weaviate %s", url ? url : "");
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
		snprintf(c->url, sizeof(c->url), "%s/healthcheck", url);
		snprintf(c->endpoint, sizeof(c->endpoint), "%s", url);
	}
	return n;
}

/* --- output ------------------------------------------------------------------------------ */

static void print_table(const struct component *cs, size_t n, bool color)
{
	printf("%-11s %-40s %-12s %9s  %s\n", "COMPONENT", "ENDPOINT", "STATE", "LATENCY", "DETAIL");
	for (size_t i = 0; i < n; i++) {
		const struct component *c = &cs[i];
		const char *col = !color ? "" : c->state == ST_UP ? "\033[32m" : c->state == ST_SKIPPED ? "\033[2m" : "\033[31m";
		char lat[32] = "-";
		if (c->state != ST_SKIPPED)
			snprintf(lat, sizeof(lat), "%.0f ms", c->latency_ms);
		printf("%-11s %-40.40s %s%-12s%s %9s  %s\n", c->name, c->endpoint, col, state_names[c->state], color ? "\033[0m" : "",
		       lat, c->detail);
	}
}

static void print_json(const struct component *cs, size_t n, bool one_line)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		const struct component *c = &cs[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s}", "component", c->name, "endpoint", c->endpoint, "state",
				      state_names[c->state], "required", c->required, "detail", c->detail);
		if (o && c->state != ST_SKIPPED)
			json_object_set_new(o, "latency_ms", json_real(c->latency_ms));
		json_array_append_new(arr, o);
	}
	json_print_release(stdout, arr, one_line);
}

/* One round: probes everything concurrently; returns the exit code. */
static int round_once(const struct deployment *d, const struct overrides *o, int timeout_ms, bool json, int watch)
{
	struct component cs[8];
	size_t n = build(d, o, cs);
	struct run r = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { 0, 0 }, timeout_ms, 0 };
	clock_gettime(CLOCK_MONOTONIC, &r.deadline);
	r.deadline.tv_sec += timeout_ms / 1000;
	r.deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (r.deadline.tv_nsec >= 1000000000L) {
		r.deadline.tv_sec++;
		r.deadline.tv_nsec -= 1000000000L;
	}
	struct job jobs[8];
	pthread_t tids[8];
	bool started[8] = { false };
	for (size_t i = 0; i < n; i++) {
		if (cs[i].done)
			continue;
		jobs[i] = (struct job){ &r, &cs[i] };
		pthread_mutex_lock(&r.mu);
		r.pending++;
		pthread_mutex_unlock(&r.mu);
		if (pthread_create(&tids[i], NULL, worker, &jobs[i]) == 0) {
			started[i] = true;
		} else {
			pthread_mutex_lock(&r.mu);
			r.pending--;
			pthread_mutex_unlock(&r.mu);
			cs[i].state = ST_DOWN;
			snprintf(cs[i].detail, sizeof(cs[i].detail), "cannot start the check");
		}
	}
	/* every probe bounds itself by the deadline; joining therefore ends in time */
	for (size_t i = 0; i < n; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
	if (json) {
		print_json(cs, n, watch > 0); /* --watch: one document per line */
	} else {
		if (watch) {
			char when[64];
			time_t now = time(NULL);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
			printf("%s — every %d s, Ctrl-C stops\n", when, watch);
		}
		print_table(cs, n, diag_use_color(STDOUT_FILENO));
	}
	bool ok = true, none_reached = true;
	for (size_t i = 0; i < n; i++) {
		ok = ok && (!cs[i].required || cs[i].state == ST_UP);
		none_reached = none_reached && (cs[i].state == ST_REFUSED || cs[i].state == ST_SKIPPED);
		memset(cs[i].password, 0, sizeof(cs[i].password));
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
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' }, { "watch", required_argument, NULL, 'w' },
		{ "server-url", required_argument, NULL, 1 }, { "postgres-host", required_argument, NULL, 2 },
		{ "postgres-port", required_argument, NULL, 3 }, { "cache-host", required_argument, NULL, 4 },
		{ "cache-port", required_argument, NULL, 5 }, { "vector-url", required_argument, NULL, 6 },
		{ "opal-url", required_argument, NULL, 7 }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
	};
	const char *config = ".aeterna/config.toml";
	bool config_given = false, json = false;
	int timeout_ms = 2000, watch = 0;
	struct overrides o = {0};
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
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
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc;
	for (;;) {
		rc = round_once(&d, &o, timeout_ms, json, watch);
		if (!watch)
			break;
		fflush(stdout);
		sleep((unsigned)watch);
		if (!json)
			printf("\n");
	}
	curl_global_cleanup();
	model_free(&d);
	return rc;
}
