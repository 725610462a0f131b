/* TOML writer and reader: escapes, round trips (through our reader and Python's tomllib),
 * and error positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "toml.h"

static const char *tricky[] = {
	"plain", "", "quote \" and backslash \\", "tab\tnewline\nreturn\r", "bell\a esc\x1b del\x7f",
	"unicode: é ☃ 😀", "= [table] # not a comment", "'single'",
};

struct seen {
	int n;
	char table[32][64];
	char key[32][64];
	char value[32][128];
};

static int collect(void *ctx, const char *table, const char *key, const struct toml_value *v,
		   unsigned line, unsigned col)
{
	(void)line;
	(void)col;
	struct seen *s = ctx;
	snprintf(s->table[s->n], 64, "%s", table);
	snprintf(s->key[s->n], 64, "%s", key);
	if (v->type == TOML_STRING)
		snprintf(s->value[s->n], 128, "%s", v->str);
	else if (v->type == TOML_INT)
		snprintf(s->value[s->n], 128, "%lld", (long long)v->i);
	else
		snprintf(s->value[s->n], 128, "%s", v->b ? "true" : "false");
	s->n++;
	return 0;
}

static void build(struct strbuf *sb)
{
	toml_comment(sb, "header\n\nsecond line");
	toml_table(sb, "strings");
	char key[16];
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		snprintf(key, sizeof(key), "s%zu", i);
		toml_string(sb, key, tricky[i]);
	}
	toml_table(sb, "numbers");
	toml_int(sb, "zero", 0);
	toml_int(sb, "negative", -42);
	toml_int(sb, "big", 9007199254740993LL);
	toml_bool(sb, "yes", true);
	toml_bool(sb, "no", false);
}

static void test_round_trip_own_reader(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	build(&sb);
	struct seen s = {0};
	unsigned l, c;
	char msg[128];
	assert_int_equal(toml_parse(strbuf_str(&sb), collect, &s, &l, &c, msg, sizeof(msg)), 0);
	size_t n = sizeof(tricky) / sizeof(tricky[0]);
	assert_int_equal(s.n, (int)n + 5);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(s.table[i], "strings");
		assert_string_equal(s.value[i], tricky[i]);
	}
	assert_string_equal(s.value[n + 1], "-42");
	assert_string_equal(s.value[n + 2], "9007199254740993");
	assert_string_equal(s.value[n + 3], "true");
	strbuf_free(&sb);
}

static void test_round_trip_python_tomllib(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	build(&sb);
	char path[] = "/tmp/aeterna-toml-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, sb.buf, sb.len), (ssize_t)sb.len);
	close(fd);
	/* Python parses the file and prints each string's code points; we compare with ours. */
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import tomllib,sys; d=tomllib.load(open(sys.argv[1],\"rb\")); "
		 "print(d[\"numbers\"][\"big\"], d[\"numbers\"][\"yes\"], d[\"numbers\"][\"no\"]); "
		 "[print(\" \".join(str(ord(ch)) for ch in d[\"strings\"][\"s%%d\" %% i])) for i in range(%zu)]' %s",
		 sizeof(tricky) / sizeof(tricky[0]), path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[2048];
	assert_non_null(fgets(line, sizeof(line), p));
	assert_string_equal(line, "9007199254740993 True False\n");
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		assert_non_null(fgets(line, sizeof(line), p));
		/* decode tricky[i] as UTF-8 code points */
		char expect[2048] = "";
		size_t used = 0;
		const unsigned char *q = (const unsigned char *)tricky[i];
		while (*q) {
			unsigned long cp;
			int len = *q < 0x80 ? 1 : *q < 0xE0 ? 2 : *q < 0xF0 ? 3 : 4;
			cp = len == 1 ? *q : (unsigned long)(*q & (0xFF >> (len + 1)));
			for (int k = 1; k < len; k++)
				cp = (cp << 6) | (q[k] & 0x3F);
			used += (size_t)snprintf(expect + used, sizeof(expect) - used, "%s%lu", used ? " " : "", cp);
			q += len;
		}
		strcat(expect, "\n");
		assert_string_equal(line, expect);
	}
	assert_int_equal(pclose(p), 0);
	unlink(path);
	strbuf_free(&sb);
}

static void expect_error(const char *text, unsigned line, unsigned col, const char *needle)
{
	struct seen s = {0};
	unsigned l = 0, c = 0;
	char msg[128] = "";
	assert_int_equal(toml_parse(text, collect, &s, &l, &c, msg, sizeof(msg)), -1);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
	assert_non_null(strstr(msg, needle));
}

static void test_errors_have_positions(void **state)
{
	(void)state;
	expect_error("[a]\nkey = bare\n", 2, 7, "expected a string");
	expect_error("key \"x\"\n", 1, 5, "expected '='");
	expect_error("[a\n", 1, 3, "expected ']'");
	expect_error("a = \"open\n", 1, 10, "unterminated");
	expect_error("a = 1 2\n", 1, 7, "unexpected text");
	expect_error("a = \"\\q\"\n", 1, 7, "unknown escape");
}

static void test_comments_and_crlf(void **state)
{
	(void)state;
	struct seen s = {0};
	unsigned l, c;
	char msg[64];
	assert_int_equal(toml_parse("# c\r\n[t] # tail\r\n  k = \"v\" # c\r\n\r\n", collect, &s, &l, &c, msg, sizeof(msg)), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.key[0], "k");
	assert_string_equal(s.value[0], "v");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_own_reader),
		cmocka_unit_test(test_round_trip_python_tomllib),
		cmocka_unit_test(test_errors_have_positions),
		cmocka_unit_test(test_comments_and_crlf),
	};
	return cmocka_run_group_tests_name("toml", tests, NULL, NULL);
}
