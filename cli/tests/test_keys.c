/* The key decoder behind the wizard's prompts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "keys.h"

static enum key dec(const char *s, size_t *used)
{
	return key_decode((const unsigned char *)s, strlen(s), used);
}

static void test_arrows_and_controls(void **state)
{
	(void)state;
	size_t u;
	assert_int_equal(dec("\x1b[A", &u), KEY_UP);
	assert_int_equal(u, 3);
	assert_int_equal(dec("\x1b[B", &u), KEY_DOWN);
	assert_int_equal(dec("\x1bOA", &u), KEY_UP);
	assert_int_equal(dec("\x1b[C", &u), KEY_RIGHT);
	assert_int_equal(dec("\x1b[D", &u), KEY_LEFT);
	assert_int_equal(dec("\x1b[H", &u), KEY_HOME);
	assert_int_equal(dec("\x1b[1~", &u), KEY_HOME);
	assert_int_equal(u, 4);
	assert_int_equal(dec("\x1b[4~", &u), KEY_END);
	assert_int_equal(dec("\x1b[3~", &u), KEY_UNKNOWN);
	assert_int_equal(u, 4);
	assert_int_equal(dec("\x1b[1;5A", &u), KEY_UNKNOWN);
	assert_int_equal(dec("\r", &u), KEY_ENTER);
	assert_int_equal(dec("\n", &u), KEY_ENTER);
	assert_int_equal(dec("\x7f", &u), KEY_BACKSPACE);
	assert_int_equal(dec("\x08", &u), KEY_BACKSPACE);
	assert_int_equal(dec("\x03", &u), KEY_CTRL_C);
	assert_int_equal(dec("\x04", &u), KEY_CTRL_D);
	assert_int_equal(dec("\x15", &u), KEY_CTRL_U);
	assert_int_equal(dec("\t", &u), KEY_TAB);
	assert_int_equal(dec("\x01", &u), KEY_UNKNOWN);
}

static void test_incomplete_sequences_wait(void **state)
{
	(void)state;
	size_t u = 99;
	assert_int_equal(dec("\x1b", &u), KEY_NONE);
	assert_int_equal(u, 0);
	assert_int_equal(dec("\x1b[", &u), KEY_NONE);
	assert_int_equal(dec("\x1b[1", &u), KEY_NONE);
	assert_int_equal(dec("\xe2\x98", &u), KEY_NONE);
	assert_int_equal(dec("\x1bx", &u), KEY_ESCAPE);
	assert_int_equal(u, 1);
}

static void test_text_and_utf8(void **state)
{
	(void)state;
	size_t u;
	assert_int_equal(dec("abc", &u), KEY_CHAR);
	assert_int_equal(u, 1);
	assert_int_equal(dec("é", &u), KEY_CHAR);
	assert_int_equal(u, 2);
	assert_int_equal(dec("☃x", &u), KEY_CHAR);
	assert_int_equal(u, 3);
	assert_int_equal(dec("😀", &u), KEY_CHAR);
	assert_int_equal(u, 4);
	/* several keys in one read: decoded one at a time */
	const char *burst = "\x1b[Bq\r";
	assert_int_equal(key_decode((const unsigned char *)burst, 5, &u), KEY_DOWN);
	assert_int_equal(key_decode((const unsigned char *)burst + u, 5 - u, &u), KEY_CHAR);
	assert_int_equal(key_decode((const unsigned char *)burst + 4, 1, &u), KEY_ENTER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arrows_and_controls),
		cmocka_unit_test(test_incomplete_sequences_wait),
		cmocka_unit_test(test_text_and_utf8),
	};
	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
