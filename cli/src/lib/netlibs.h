/* netlibs.h — libcurl and libpq, loaded when a command first needs them (dlopen), so that
 * `setup` and `validate` start without loading them and everything they pull in (TLS, Kerberos,
 * LDAP...). Only `status` calls these. The libraries are looked up by soname:
 *   libcurl.so.4 (then libcurl-gnutls.so.4)  — Debian: libcurl4 (or libcurl3-gnutls)
 *   libpq.so.5                                — Debian: libpq5
 * Each loader runs once per process (thread-safe); a missing library is an error that names it.
 * The tables are static and live until the process ends (nothing to free).
 */
#ifndef AETERNA_NETLIBS_H
#define AETERNA_NETLIBS_H

#include <curl/curl.h>
#include <libpq-fe.h>

#include "error.h"

struct curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode rc);
	void (*easy_cleanup)(CURL *h);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
};

struct pq_api {
	PGconn *(*connectStartParams)(const char *const *keys, const char *const *values, int expand_dbname);
	PostgresPollingStatusType (*connectPoll)(PGconn *conn);
	ConnStatusType (*status)(const PGconn *conn);
	int (*socket)(const PGconn *conn);
	char *(*errorMessage)(const PGconn *conn);
	void (*finish)(PGconn *conn);
	int (*setnonblocking)(PGconn *conn, int arg);
	int (*sendQuery)(PGconn *conn, const char *query);
	int (*flush)(PGconn *conn);
	int (*consumeInput)(PGconn *conn);
	int (*isBusy)(PGconn *conn);
	PGresult *(*getResult)(PGconn *conn);
	ExecStatusType (*resultStatus)(const PGresult *res);
	char *(*resultErrorMessage)(const PGresult *res);
	int (*ntuples)(const PGresult *res);
	int (*nfields)(const PGresult *res);
	char *(*getvalue)(const PGresult *res, int row, int col);
	int (*getlength)(const PGresult *res, int row, int col);
	void (*clear)(PGresult *res);
};

/* The loaded API (curl_global_init already done), or NULL with err saying which library is
 * missing and which package provides it. */
const struct curl_api *netlib_curl(struct ae_error *err);
const struct pq_api *netlib_pq(struct ae_error *err);

#endif
