/* Unified diffs shown by `setup --dry-run`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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


/* Applies a unified diff made by text_diff to a; the result must be b. */
static char *apply(const char *a, const char *diff)
{
	struct strbuf out = {0};
	const char *p = diff, *src = a;
	size_t aline = 1;
	p = strchr(p, '\n') + 1; /* --- */
	p = strchr(p, '\n') + 1; /* +++ */
	while (*p) {
		size_t as, al, bs, bl;
		assert_int_equal(sscanf(p, "@@ -%zu,%zu +%zu,%zu @@", &as, &al, &bs, &bl), 4);
		p = strchr(p, '\n') + 1;
		size_t target = al ? as : as + 1;
		while (aline < target) { /* copy unchanged lines */
			const char *nl = strchr(src, '\n');
			size_t n = nl ? (size_t)(nl - src) + 1 : strlen(src);
			strbuf_add(&out, src, n);
			src += n;
			aline++;
		}
		while (*p && *p != '@') {
			const char *nl = strchr(p, '\n');
			size_t n = (size_t)(nl - p) + 1;
			bool no_nl = nl[1] == '\\';
			if (*p == ' ' || *p == '-') {
				const char *snl = strchr(src, '\n');
				src += snl ? (size_t)(snl - src) + 1 : strlen(src);
				aline++;
			}
			if (*p == ' ' || *p == '+')
				strbuf_add(&out, p + 1, no_nl ? n - 2 : n - 1);
			p = nl + 1;
			if (no_nl)
				p = strchr(p, '\n') + 1;
		}
	}
	strbuf_puts(&out, src);
	return strbuf_detach(&out);
}

static size_t lcs_len(const char **a, size_t n, const char **b, size_t m)
{
	size_t *t = calloc((n + 1) * (m + 1), sizeof(*t));
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			t[i * (m + 1) + j] = !strcmp(a[i], b[j]) ? t[(i + 1) * (m + 1) + j + 1] + 1
				: t[(i + 1) * (m + 1) + j] > t[i * (m + 1) + j + 1] ? t[(i + 1) * (m + 1) + j] : t[i * (m + 1) + j + 1];
	size_t r = t[0];
	free(t);
	return r;
}

/* Random small texts: the diff applies, and it is a shortest one (as many changed lines as the
 * longest common subsequence allows). */
static void test_random_diffs_apply_and_are_minimal(void **state)
{
	(void)state;
	static const char *words[] = { "a\n", "b\n", "c\n", "key: 1\n", "" };
	srand(17);
	for (int round = 0; round < 3000; round++) {
		const char *la[40], *lb[40];
		size_t n = (size_t)(rand() % 30), m = (size_t)(rand() % 30);
		struct strbuf a = {0}, b = {0};
		for (size_t i = 0; i < n; i++)
			strbuf_puts(&a, la[i] = words[rand() % 4]);
		for (size_t j = 0; j < m; j++)
			strbuf_puts(&b, lb[j] = words[rand() % 4]);
		struct strbuf d = {0};
		assert_int_equal(text_diff(strbuf_str(&a), strbuf_str(&b), "a", "b", &d), 0);
		if (d.len) {
			char *got = apply(strbuf_str(&a), strbuf_str(&d));
			assert_string_equal(got, strbuf_str(&b));
			free(got);
			size_t changed = 0;
			for (const char *p = strbuf_str(&d); *p; p = strchr(p, '\n') + 1)
				changed += (*p == '-' || *p == '+') && strncmp(p, "---", 3) && strncmp(p, "+++", 3);
			assert_int_equal(changed, n + m - 2 * lcs_len(la, n, lb, m));
		}
		strbuf_free(&a);
		strbuf_free(&b);
		strbuf_free(&d);
	}
}

static bool under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");
	return p && strstr(p, "vgpreload");
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 40,000 lines: a few scattered edits, and the worst case (every line moved). Each diff takes
 * well under a second and memory linear in the input (the old table took 6 GB). */
static void test_large_files_fast_and_linear_space(void **state)
{
	(void)state;
	enum { N = 40000 };
	struct strbuf a = {0}, b = {0}, shuffled = {0};
	unsigned *perm = malloc(N * sizeof(*perm));
	for (unsigned i = 0; i < N; i++)
		perm[i] = i;
	srand(18);
	for (unsigned i = N - 1; i > 0; i--) {
		unsigned j = (unsigned)rand() % (i + 1), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (unsigned i = 0; i < N; i++) {
		strbuf_printf(&a, "  key%u: value %u\n", i, i * 7);
		strbuf_printf(&b, i % 97 == 0 ? "  key%u: changed %u\n" : "  key%u: value %u\n", i, i * 7);
		strbuf_printf(&shuffled, "  key%u: value %u\n", perm[i], perm[i] * 7);
	}
	free(perm);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long rss0 = ru.ru_maxrss;
	const char *pairs[][2] = { { strbuf_str(&a), strbuf_str(&b) }, { strbuf_str(&a), strbuf_str(&shuffled) } };
	for (size_t k = 0; k < 2; k++) {
		struct strbuf d = {0};
		double t0 = seconds();
		assert_int_equal(text_diff(pairs[k][0], pairs[k][1], "a", "b", &d), 0);
		double took = seconds() - t0;
		char *got = apply(pairs[k][0], strbuf_str(&d));
		assert_string_equal(got, pairs[k][1]);
		free(got);
		strbuf_free(&d);
		printf("# 40,000 lines, case %zu: %.3f s\n", k, took);
		if (!under_valgrind())
			assert_true(took < 1.0);
	}
	getrusage(RUSAGE_SELF, &ru);
	/* linear: a few dozen bytes per line at most (the inputs themselves are ~1 MB each) */
	printf("# peak RSS growth: %ld KiB\n", ru.ru_maxrss - rss0);
	assert_true(ru.ru_maxrss - rss0 < 64 * 1024);
	strbuf_free(&a);
	strbuf_free(&b);
	strbuf_free(&shuffled);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_is_empty),
		cmocka_unit_test(test_change_with_context),
		cmocka_unit_test(test_separate_hunks),
		cmocka_unit_test(test_insert_delete_and_no_newline),
		cmocka_unit_test(test_random_diffs_apply_and_are_minimal),
		cmocka_unit_test(test_large_files_fast_and_linear_space),
	};
	return cmocka_run_group_tests_name("textdiff", tests, NULL, NULL);
}
