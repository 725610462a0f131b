/* --validate: the generated files parse, and values.yaml renders with the chart via helm. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic_file.h"
#include "setup.h"
#include "ytree.h"
#include "strbuf.h"

extern char **environ;

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* charts/aeterna: $AETERNA_CHART, else the nearest ancestor of the working directory or of the
 * executable that holds charts/aeterna/Chart.yaml. */
static char *find_chart(void)
{
	const char *env = getenv("AETERNA_CHART");
	if (env && *env)
		return strdup(env);
	char starts[2][PATH_MAX];
	if (!getcwd(starts[0], sizeof(starts[0])))
		starts[0][0] = '\0';
	ssize_t n = readlink("/proc/self/exe", starts[1], sizeof(starts[1]) - 1);
	starts[1][n > 0 ? n : 0] = '\0';
	for (int s = 0; s < 2; s++) {
		char dir[PATH_MAX];
		memcpy(dir, starts[s], sizeof(dir));
		while (*dir) {
			char probe[PATH_MAX + 32];
			snprintf(probe, sizeof(probe), "%s/charts/aeterna/Chart.yaml", dir);
			if (exists(probe)) {
				probe[strlen(probe) - strlen("/Chart.yaml")] = '\0';
				return strdup(probe);
			}
			char *slash = strrchr(dir, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
	}
	return NULL;
}

/* helm: $AETERNA_HELM, else the repository's .tools/bin/helm3 next to the chart, else `helm`. */
static char *find_helm(const char *chart)
{
	const char *env = getenv("AETERNA_HELM");
	if (env && *env)
		return strdup(env);
	char probe[PATH_MAX];
	snprintf(probe, sizeof(probe), "%s/../../.tools/bin/helm3", chart);
	if (access(probe, X_OK) == 0)
		return strdup(probe);
	return strdup("helm");
}

/* The file parses as YAML (the one YAML front-end, ytree); its errors are printed with
 * file:line:col. Warnings (e.g. yes/no booleans) do not fail the check. */
static int check_yaml(const char *path, const char *name)
{
	struct ytree t = {0};
	struct diag_list diags = {0};
	int rc = ytree_load(&t, path, &diags);
	for (size_t i = 0; i < diags.len; i++) {
		const struct diag *dg = &diags.items[i];
		if (dg->severity != DIAG_ERROR)
			continue;
		if (dg->line)
			fprintf(stderr, "%s:%u:%u: error: %s\n", name, dg->line, dg->col, dg->message);
		else
			fprintf(stderr, "%s: error: %s\n", name, dg->message);
	}
	if (rc == 0 && diag_count(&diags, DIAG_ERROR))
		rc = -1;
	diag_list_free(&diags);
	ytree_free(&t);
	return rc < 0 ? 1 : 0;
}

static int check_json(const char *path, const char *name)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", name, je.line, je.column, je.text);
		return 1;
	}
	int rc = 0;
	json_t *entry = json_object_get(json_object_get(j, "mcp"), "aeterna");
	if (!json_is_object(entry)) {
		fprintf(stderr, "%s: error: no mcp.aeterna entry\n", name);
		rc = 1;
	}
	json_decref(j);
	return rc;
}

/* Runs helm template with values; prints helm's error lines on failure. */
static int check_render(const char *values)
{
	char *chart = find_chart();
	if (!chart) {
		fprintf(stderr, "values.yaml: warning: charts/aeterna not found (set AETERNA_CHART); chart check skipped\n");
		return 0;
	}
	char *helm = find_helm(chart);
	int pipefd[2];
	if (!helm || pipe(pipefd) < 0) {
		free(chart);
		free(helm);
		fprintf(stderr, "values.yaml: error: cannot run helm\n");
		return 1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	/* The values are checked, not a cluster: the chart's operator checks (CloudNativePG,
	 * Percona MongoDB) are answered as if the operators were installed. */
	char *argv[] = { helm, "template", "aeterna", chart, "-f", (char *)values,
			 "--api-versions", "postgresql.cnpg.io/v1", "--api-versions", "psmdb.percona.com/v1",
			 "--api-versions", "monitoring.coreos.com/v1", "--api-versions", "autoscaling.k8s.io/v1",
			 "--api-versions", "external-secrets.io/v1", NULL };
	pid_t pid;
	int err = posix_spawnp(&pid, helm, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (err) {
		close(pipefd[0]);
		fprintf(stderr, "values.yaml: warning: cannot run %s (%s); set AETERNA_HELM; chart check skipped\n", helm, strerror(err));
		free(chart);
		free(helm);
		return 0;
	}
	struct strbuf msg = {0};
	char buf[4096];
	ssize_t n;
	while ((n = read(pipefd[0], buf, sizeof(buf))) > 0)
		strbuf_add(&msg, buf, (size_t)n);
	close(pipefd[0]);
	int status;
	waitpid(pid, &status, 0);
	int rc = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (strstr(strbuf_str(&msg), "missing in charts/ directory"))
			fprintf(stderr, "values.yaml: error: %s has no subcharts yet: run 'helm dependency build %s' "
				"(downloads dragonfly, valkey, qdrant and weaviate) and validate again\n", chart, chart);
		else
			fprintf(stderr, "values.yaml: error: does not render with %s:\n%s", chart, strbuf_str(&msg));
		rc = 1;
	} else {
		printf("ok         values.yaml renders with %s\n", chart);
	}
	strbuf_free(&msg);
	free(chart);
	free(helm);
	return rc;
}

int setup_validate_files(const char *dir, const struct deployment *prev)
{
	static const char *const names[] = { "values.yaml", "docker-compose.yaml", "opencode.json" };
	int problems = 0, found = prev ? 1 : 0;
	if (prev)
		printf("ok         .aeterna/config.toml\n");
	for (size_t i = 0; i < 3; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!exists(path))
			continue;
		found++;
		int bad = i == 2 ? check_json(path, names[i]) : check_yaml(path, names[i]);
		if (!bad && i == 0)
			bad = check_render(path);
		else if (!bad)
			printf("ok         %s\n", names[i]);
		problems += bad;
	}
	if (!found) {
		fprintf(stderr, "aeterna setup: nothing to validate in %s (run 'aeterna setup' first)\n", dir);
		return 2;
	}
	return problems ? 1 : 0;
}
