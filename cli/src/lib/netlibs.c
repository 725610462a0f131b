/* netlibs.c — run-time loading of libcurl and libpq (see netlibs.h). */
#include "netlibs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Looks every symbol up; false (and the first missing name in *missing) when one is absent. */
static bool bind_all(void *h, void **slots, const char *const *names, size_t n, const char **missing)
{
	for (size_t i = 0; i < n; i++) {
		slots[i] = dlsym(h, names[i]);
		if (!slots[i]) {
			*missing = names[i];
			return false;
		}
	}
	return true;
}

static struct curl_api curl_api;
static bool curl_ok;
static char curl_err[AE_ERROR_MAX];
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void load_curl(void)
{
	static const char *const sonames[] = { "libcurl.so.4", "libcurl-gnutls.so.4" };
	static const char *const names[] = { "curl_global_init", "curl_easy_init", "curl_easy_setopt", "curl_easy_perform",
					     "curl_easy_getinfo", "curl_easy_strerror", "curl_easy_cleanup", "curl_slist_append",
					     "curl_slist_free_all" };
	void *slots[sizeof(names) / sizeof(names[0])];
	void *h = NULL;
	for (size_t i = 0; !h && i < sizeof(sonames) / sizeof(sonames[0]); i++)
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(curl_err, sizeof(curl_err),
			 "the HTTP checks need libcurl (libcurl.so.4), which is not installed: install it (Debian/Ubuntu: apt install libcurl4)");
		return;
	}
	const char *missing = NULL;
	if (!bind_all(h, slots, names, sizeof(names) / sizeof(names[0]), &missing)) {
		snprintf(curl_err, sizeof(curl_err), "the installed libcurl.so.4 lacks %s: it is too old", missing);
		return;
	}
	memcpy(&curl_api.global_init, &slots[0], sizeof(void *));
	memcpy(&curl_api.easy_init, &slots[1], sizeof(void *));
	memcpy(&curl_api.easy_setopt, &slots[2], sizeof(void *));
	memcpy(&curl_api.easy_perform, &slots[3], sizeof(void *));
	memcpy(&curl_api.easy_getinfo, &slots[4], sizeof(void *));
	memcpy(&curl_api.easy_strerror, &slots[5], sizeof(void *));
	memcpy(&curl_api.easy_cleanup, &slots[6], sizeof(void *));
	memcpy(&curl_api.slist_append, &slots[7], sizeof(void *));
	memcpy(&curl_api.slist_free_all, &slots[8], sizeof(void *));
	if (curl_api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(curl_err, sizeof(curl_err), "libcurl failed to initialise");
		return;
	}
	curl_ok = true; /* the handle stays open for the life of the process */
}

const struct curl_api *netlib_curl(struct ae_error *err)
{
	pthread_once(&curl_once, load_curl);
	if (!curl_ok) {
		ae_error_set(err, "%s", curl_err);
		return NULL;
	}
	return &curl_api;
}

static struct pq_api pq_api;
static bool pq_ok;
static char pq_err[AE_ERROR_MAX];
static pthread_once_t pq_once = PTHREAD_ONCE_INIT;

static void load_pq(void)
{
	static const char *const names[] = { "PQconnectStartParams", "PQconnectPoll", "PQstatus", "PQsocket", "PQerrorMessage",
					     "PQfinish", "PQsetnonblocking", "PQsendQuery", "PQflush", "PQconsumeInput", "PQisBusy",
					     "PQgetResult", "PQresultStatus", "PQresultErrorMessage", "PQntuples", "PQnfields",
					     "PQgetvalue", "PQgetlength", "PQclear" };
	enum { N = sizeof(names) / sizeof(names[0]) };
	void *slots[N];
	void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(pq_err, sizeof(pq_err),
			 "the PostgreSQL check needs libpq (libpq.so.5), which is not installed: install it (Debian/Ubuntu: apt install libpq5)");
		return;
	}
	const char *missing = NULL;
	if (!bind_all(h, slots, names, N, &missing)) {
		snprintf(pq_err, sizeof(pq_err), "the installed libpq.so.5 lacks %s: it is too old", missing);
		return;
	}
	/* the table's members are in the order of names[] */
	_Static_assert(sizeof(pq_api) == N * sizeof(void *), "pq_api: one pointer per name");
	memcpy(&pq_api, slots, sizeof(pq_api));
	pq_ok = true;
}

const struct pq_api *netlib_pq(struct ae_error *err)
{
	pthread_once(&pq_once, load_pq);
	if (!pq_ok) {
		ae_error_set(err, "%s", pq_err);
		return NULL;
	}
	return &pq_api;
}
