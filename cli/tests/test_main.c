/* Runs the built binary (AETERNA_BIN) and checks exit codes and output of the command table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static int run(const char *args, char *out, size_t size)
{
	const char *bin = getenv("AETERNA_BIN");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", bin ? bin : "./aeterna", args);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_version(void **state)
{
	(void)state;
	char out[512];
	assert_int_equal(run("--version", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "aeterna "));
	assert_non_null(strstr(out, "server 0.8.0-rc.12"));
	assert_int_equal(run("version", out, sizeof(out)), 0);
}

static void test_help_lists_commands(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(run("--help", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "Usage: aeterna"));
	assert_non_null(strstr(out, "version"));
	assert_int_equal(run("help version", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "aeterna version"));
}

static void test_usage_errors_exit_2(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(run("", out, sizeof(out)), 2);
	assert_non_null(strstr(out, "Usage"));
	assert_int_equal(run("frobnicate", out, sizeof(out)), 2);
	assert_non_null(strstr(out, "'frobnicate' is not an aeterna command"));
	assert_int_equal(run("--bogus", out, sizeof(out)), 2);
	assert_non_null(strstr(out, "unknown option '--bogus'"));
	assert_int_equal(run("help nope", out, sizeof(out)), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_help_lists_commands),
		cmocka_unit_test(test_usage_errors_exit_2),
	};
	return cmocka_run_group_tests_name("main", tests, NULL, NULL);
}
