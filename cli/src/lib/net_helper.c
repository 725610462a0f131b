/* net_helper.c — finding and running aeterna-net (see net_helper.h). */
#include "net_helper.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"

int (*net_reach_in_process)(const char *url);

#define HELPER "aeterna-net"

static bool runnable(const char *path) { return access(path, X_OK) == 0; }

char *net_helper_path(struct ae_error *err)
{
	struct strbuf tried = {0}, p = {0};
	const char *env = getenv("AETERNA_EXEC_PATH");
	if (env && *env) {
		strbuf_printf(&p, "%s/" HELPER, env);
		if (!strbuf_failed(&p) && runnable(strbuf_str(&p)))
			return strbuf_detach(&p);
		strbuf_printf(&tried, "%s", strbuf_str(&p));
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		static const char *const where[] = { "/" HELPER, "/../libexec/aeterna/" HELPER };
		for (size_t i = 0; i < 2; i++) {
			p.len = 0;
			strbuf_puts(&p, exe);
			strbuf_puts(&p, where[i]);
			if (!strbuf_failed(&p) && runnable(strbuf_str(&p))) {
				strbuf_free(&tried);
				return strbuf_detach(&p);
			}
			strbuf_printf(&tried, "%s%s", tried.len ? ", " : "", strbuf_str(&p));
		}
	}
	ae_error_set(err, "its network helper " HELPER " is missing (looked for %s): reinstall aeterna, or set "
		     "AETERNA_EXEC_PATH to the folder that holds it", tried.len ? strbuf_str(&tried) : "it");
	strbuf_free(&tried);
	strbuf_free(&p);
	return NULL;
}

int net_helper_exec(int argc, char **argv, struct ae_error *err)
{
	char *path = net_helper_path(err);
	if (!path)
		return -1;
	char **args = calloc((size_t)argc + 2, sizeof(*args));
	if (!args) {
		free(path);
		return ae_error_set(err, "out of memory");
	}
	args[0] = "aeterna"; /* its messages name the command the user typed */
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	execv(path, args);
	ae_error_errno(err, errno, "cannot run %s", path);
	free(args);
	free(path);
	return -1;
}
