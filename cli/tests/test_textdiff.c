/* Unified diffs shown by `setup --dry-run`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "textdiff.h"

static void expect(const char *a, const char *b, const char *want)
{
	struct strbuf out = {0};
	assert_int_equal(text_diff(a, b, "a", "b", &out), 0);
	assert_string_equal(strbuf_str(&out), want);
	strbuf_free(&out);
}

static void test_equal_is_empty(void **state)
{
	(void)state;
	expect("x\ny\n", "x\ny\n", "");
}

static void test_change_with_context(void **state)
{
	(void)state;
	expect("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
	       "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

static void test_separate_hunks(void **state)
{
	(void)state;
	expect("a\n1\n2\n3\n4\n5\n6\n7\n8\nz\n", "A\n1\n2\n3\n4\n5\n6\n7\n8\nZ\n",
	       "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-z\n+Z\n");
}

static void test_insert_delete_and_no_newline(void **state)
{
	(void)state;
	expect("", "new\n", "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+new\n");
	expect("old\n", "", "--- a\n+++ b\n@@ -1,1 +0,0 @@\n-old\n");
	expect("x", "y", "--- a\n+++ b\n@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_is_empty),
		cmocka_unit_test(test_change_with_context),
		cmocka_unit_test(test_separate_hunks),
		cmocka_unit_test(test_insert_delete_and_no_newline),
	};
	return cmocka_run_group_tests_name("textdiff", tests, NULL, NULL);
}
