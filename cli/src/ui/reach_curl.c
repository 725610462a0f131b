/* reach_curl.c — the wizard's check that a URL answers, with libcurl loaded by dlopen: in the
 * dynamically linked executables (aeterna-net, and aeterna in sanitizer builds), and as
 * `aeterna-net __reach URL` for the static executable's wizard (net_helper.h). Not linked into
 * the static executable: a static program cannot load libcurl. */
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_helper.h"
#include "prompt.h"
#include "setup.h"
#include "strbuf.h"

/* libcurl is loaded only here, when the wizard checks a URL: linking it would add ~30 shared
 * libraries to every start of the tool (and ~9 ms to `aeterna setup --non-interactive`). */
struct curl_api {
	CURL *(*init)(void);
	CURLcode (*setopt)(CURL *, CURLoption, ...);
	CURLcode (*perform)(CURL *);
	const char *(*strerror)(CURLcode);
	void (*cleanup)(CURL *);
};

static void *load_curl(struct curl_api *api)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return NULL;
	*(void **)&api->init = dlsym(h, "curl_easy_init");
	*(void **)&api->setopt = dlsym(h, "curl_easy_setopt");
	*(void **)&api->perform = dlsym(h, "curl_easy_perform");
	*(void **)&api->strerror = dlsym(h, "curl_easy_strerror");
	*(void **)&api->cleanup = dlsym(h, "curl_easy_cleanup");
	if (!api->init || !api->setopt || !api->perform || !api->strerror || !api->cleanup) {
		dlclose(h);
		return NULL;
	}
	return h;
}

/* The reachability check runs in a thread while the wizard shows a spinner; Esc cancels it
 * (curl's progress callback sees the flag within a second). */
struct reach {
	struct curl_api api;
	CURL *c;
	atomic_int done, cancel;
	CURLcode rc;
};

static int reach_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	return atomic_load(&((struct reach *)p)->cancel);
}

static void *reach_run(void *p)
{
	struct reach *r = p;
	r->rc = r->api.perform(r->c);
	atomic_store(&r->done, 1);
	return NULL;
}

static bool reach_done(void *p) { return atomic_load(&((struct reach *)p)->done) != 0; }

/* Sets up a HEAD request of url with the wizard's time limits. */
static void reach_setopt(struct curl_api *api, CURL *c, const char *url)
{
	api->setopt(c, CURLOPT_URL, url);
	api->setopt(c, CURLOPT_NOBODY, 1L);
	api->setopt(c, CURLOPT_CONNECTTIMEOUT, 3L);
	api->setopt(c, CURLOPT_TIMEOUT, 5L);
	api->setopt(c, CURLOPT_NOSIGNAL, 1L);
}

int wizard_reach_main(int argc, char **argv)
{
	if (argc != 2)
		return EXIT_REACH_USAGE;
	struct curl_api api;
	void *h = load_curl(&api);
	if (!h)
		return EXIT_REACH_NO_CURL;
	CURL *c = api.init();
	int rc = EXIT_REACH_NO_CURL;
	if (c) {
		reach_setopt(&api, c, argv[1]);
		CURLcode r = api.perform(c);
		if (r != CURLE_OK)
			printf("%s\n", api.strerror(r));
		rc = r == CURLE_OK ? 0 : EXIT_REACH_FAILED;
		api.cleanup(c);
	}
	dlclose(h);
	return rc;
}

/* The wizard's URL check in this process (net_helper.h). */
int reach_curl(const char *url)
{
	struct reach r;
	memset(&r, 0, sizeof(r));
	void *h = load_curl(&r.api);
	if (!h) {
		prompt_note("(libcurl is not available: the reachability check is skipped)");
		return 0;
	}
	int rc = 0;
	r.c = r.api.init();
	pthread_t t;
	if (r.c) {
		reach_setopt(&r.api, r.c, url);
		r.api.setopt(r.c, CURLOPT_NOPROGRESS, 0L);
		r.api.setopt(r.c, CURLOPT_XFERINFOFUNCTION, reach_progress);
		r.api.setopt(r.c, CURLOPT_XFERINFODATA, &r);
		if (pthread_create(&t, NULL, reach_run, &r) == 0) {
			struct strbuf msg = {0};
			strbuf_printf(&msg, "Checking that %s answers", url);
			int w = prompt_wait(strbuf_str(&msg), reach_done, &r);
			strbuf_free(&msg);
			atomic_store(&r.cancel, 1);
			pthread_join(t, NULL);
			if (w == PROMPT_INTERRUPTED)
				rc = w;
			else if (w == PROMPT_BACK)
				prompt_note("Reachability check cancelled.");
			else if (r.rc != CURLE_OK) {
				char text[512];
				snprintf(text, sizeof(text), "%s is not reachable from here (%s); continuing.", url,
					 r.api.strerror(r.rc));
				prompt_warning(text);
			}
		}
		r.api.cleanup(r.c);
	}
	dlclose(h);
	return rc;
}

