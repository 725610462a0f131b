#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static void test_format_with_position(void **state)
{
	(void)state;
	struct diag_list l = {0};
	assert_int_equal(diag_add(&l, DIAG_ERROR, "values.yaml", 12, 5, "unknown key '%s'", "foo"), 0);
	char buf[128];
	size_t n = diag_format(&l.items[0], buf, sizeof(buf));
	assert_string_equal(buf, "values.yaml:12:5: error: unknown key 'foo'");
	assert_int_equal(n, strlen(buf));
	diag_list_free(&l);
	assert_null(l.items);
}

static void test_format_without_column_or_line(void **state)
{
	(void)state;
	struct diag_list l = {0};
	diag_add(&l, DIAG_WARNING, "a.toml", 3, 0, "w");
	diag_add(&l, DIAG_NOTE, "b.json", 0, 0, "n");
	char buf[64];
	diag_format(&l.items[0], buf, sizeof(buf));
	assert_string_equal(buf, "a.toml:3: warning: w");
	diag_format(&l.items[1], buf, sizeof(buf));
	assert_string_equal(buf, "b.json: note: n");
	diag_list_free(&l);
}

static void test_format_truncates_safely(void **state)
{
	(void)state;
	struct diag_list l = {0};
	diag_add(&l, DIAG_ERROR, "file.yaml", 1, 2, "a long message here");
	char buf[8];
	size_t need = diag_format(&l.items[0], buf, sizeof(buf));
	assert_int_equal(strlen(buf), 7);
	assert_int_equal(need, strlen("file.yaml:1:2: error: a long message here"));
	diag_list_free(&l);
}

static void test_count_and_sort(void **state)
{
	(void)state;
	struct diag_list l = {0};
	for (int i = 0; i < 20; i++)
		diag_add(&l, i % 3 ? DIAG_ERROR : DIAG_WARNING, i % 2 ? "b" : "a",
			 (unsigned)(20 - i), 1, "m%d", i);
	assert_int_equal(diag_count(&l, DIAG_ERROR), 13);
	assert_int_equal(diag_count(&l, DIAG_WARNING), 7);
	diag_sort(&l);
	for (size_t i = 1; i < l.len; i++) {
		int c = strcmp(l.items[i - 1].file, l.items[i].file);
		assert_true(c < 0 || (c == 0 && l.items[i - 1].line <= l.items[i].line));
	}
	diag_list_free(&l);
}

static void test_print_all(void **state)
{
	(void)state;
	struct diag_list l = {0};
	diag_add(&l, DIAG_ERROR, "x.yaml", 2, 3, "bad");
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	diag_print_all(f, &l, false);
	fclose(f);
	assert_string_equal(buf, "x.yaml:2:3: error: bad\n");
	free(buf);
	f = open_memstream(&buf, &size);
	diag_print_all(f, &l, true);
	fclose(f);
	assert_non_null(strstr(buf, "\033[1;31merror:"));
	free(buf);
	diag_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_with_position),
		cmocka_unit_test(test_format_without_column_or_line),
		cmocka_unit_test(test_format_truncates_safely),
		cmocka_unit_test(test_count_and_sort),
		cmocka_unit_test(test_print_all),
	};
	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
