/* Replays every input under cli/fuzz/regressions/<target>/ (crashes found by make fuzz, and
 * seeds) through the fuzz entry points, under the sanitizers of the test build. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "atomic_file.h"
#include "targets.h"

static void replay(const char *target, int (*fn)(const uint8_t *, size_t))
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/%s", REGRESSIONS_DIR, target);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char *data = NULL;
		size_t len = 0;
		int err = 0;
		struct ae_error ae;
		assert_int_equal(read_file(path, &data, &len, &err, &ae), 0);
		fn((const uint8_t *)data, len);
		free(data);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
}

static void ytree_inputs(void **s) { (void)s; replay("ytree", fuzz_ytree); }
static void yfast_inputs(void **s) { (void)s; replay("yfast", fuzz_yfast); }
static void jschema_inputs(void **s) { (void)s; replay("jschema", fuzz_jschema); }
static void merge_inputs(void **s) { (void)s; replay("merge", fuzz_merge); }
static void toml_inputs(void **s) { (void)s; replay("toml", fuzz_toml); }
static void edit_inputs(void **s) { (void)s; replay("edit", fuzz_edit); }
static void diff_inputs(void **s) { (void)s; replay("diff", fuzz_diff); }
static void resp_inputs(void **s) { (void)s; replay("resp", fuzz_resp); }
static void reply_inputs(void **s) { (void)s; replay("reply", fuzz_reply); }
static void objlist_inputs(void **s) { (void)s; replay("objlist", fuzz_objlist); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ytree_inputs),
		cmocka_unit_test(yfast_inputs),
		cmocka_unit_test(jschema_inputs),
		cmocka_unit_test(merge_inputs),
		cmocka_unit_test(toml_inputs),
		cmocka_unit_test(edit_inputs),
		cmocka_unit_test(diff_inputs),
		cmocka_unit_test(resp_inputs),
		cmocka_unit_test(reply_inputs),
		cmocka_unit_test(objlist_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
