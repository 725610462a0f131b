#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/aeterna-test-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0)))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	return rmdir(dir);
}

static int count_entries(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	char *data;
	struct ae_error err;
	if (read_file(path, &data, NULL, NULL, &err) < 0)
		return NULL;
	return data;
}

static void test_writes_new_file_with_mode(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/secret.toml", dir);
	struct atomic_write_opts o = { .mode = 0600, .backup = true };
	struct ae_error err;
	char *backup = (char *)1;
	assert_int_equal(atomic_write_file(path, "a=1\n", 4, &o, &backup, &err), 0);
	assert_null(backup);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *got = slurp(path);
	assert_string_equal(got, "a=1\n");
	free(got);
	assert_int_equal(count_entries(), 1);
}

static void test_overwrite_keeps_backup(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/values.yaml", dir);
	struct atomic_write_opts o = { .mode = 0644, .backup = true, .now = 1795000000 };
	struct ae_error err;
	char *b1 = NULL, *b2 = NULL;
	assert_int_equal(atomic_write_file(path, "old\n", 4, &o, NULL, &err), 0);
	assert_int_equal(atomic_write_file(path, "new\n", 4, &o, &b1, &err), 0);
	assert_non_null(b1);
	assert_non_null(strstr(b1, "values.yaml."));
	assert_non_null(strstr(b1, ".bak"));
	char *old = slurp(b1), *cur = slurp(path);
	assert_string_equal(old, "old\n");
	assert_string_equal(cur, "new\n");
	free(old);
	free(cur);
	/* same timestamp again: a distinct backup name */
	assert_int_equal(atomic_write_file(path, "newer\n", 6, &o, &b2, &err), 0);
	assert_string_not_equal(b1, b2);
	old = slurp(b2);
	assert_string_equal(old, "new\n");
	free(old);
	free(b1);
	free(b2);
	assert_int_equal(count_entries(), 3);
}

static void test_no_backup_when_disabled(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/x", dir);
	struct atomic_write_opts o = { .mode = 0644 };
	assert_int_equal(atomic_write_file(path, "1", 1, &o, NULL, NULL), 0);
	assert_int_equal(atomic_write_file(path, "2", 1, &o, NULL, NULL), 0);
	assert_int_equal(count_entries(), 1);
}

static void test_missing_directory_fails_cleanly(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/nope/values.yaml", dir);
	struct ae_error err = {{0}};
	assert_int_equal(atomic_write_file(path, "x", 1, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "nope"));
	assert_int_equal(count_entries(), 0);
}

static void test_unwritable_directory_leaves_target(void **state)
{
	(void)state;
	if (geteuid() == 0)
		return; /* root ignores directory permissions; covered by the missing-dir case */
	char path[512];
	snprintf(path, sizeof(path), "%s/keep", dir);
	assert_int_equal(atomic_write_file(path, "orig", 4, NULL, NULL, NULL), 0);
	chmod(dir, 0500);
	struct ae_error err;
	assert_int_equal(atomic_write_file(path, "changed", 7, NULL, NULL, &err), -1);
	chmod(dir, 0700);
	char *got = slurp(path);
	assert_string_equal(got, "orig");
	free(got);
}

static void test_symlink_target_is_replaced(void **state)
{
	(void)state;
	char target[512], link_path[512];
	snprintf(target, sizeof(target), "%s/real.json", dir);
	snprintf(link_path, sizeof(link_path), "%s/link.json", dir);
	assert_int_equal(atomic_write_file(target, "{}", 2, NULL, NULL, NULL), 0);
	assert_int_equal(symlink(target, link_path), 0);
	assert_int_equal(atomic_write_file(link_path, "{\"a\":1}", 7, NULL, NULL, NULL), 0);
	struct stat st;
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	char *got = slurp(target);
	assert_string_equal(got, "{\"a\":1}");
	free(got);
}

static void test_read_file_missing(void **state)
{
	(void)state;
	char *data = (char *)1;
	int e = 0;
	struct ae_error err;
	assert_int_equal(read_file("/nonexistent/file", &data, NULL, &e, &err), -1);
	assert_null(data);
	assert_int_equal(e, 2);
	assert_non_null(strstr(err.msg, "/nonexistent/file"));
}

/* A batch is a transaction: when the third file cannot be replaced (its target is a non-empty
 * directory), the two already replaced come back as they were, the new one disappears, no
 * backup or temporary file is left, and the message names the file. */
static void test_batch_rolls_back_and_names_the_file(void **state)
{
	(void)state;
	char a[512], b[512], c[512], inner[600];
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/c", dir);
	struct atomic_write_opts keep = { .mode = 0644, .backup = true }, plain = { .mode = 0644 };
	assert_int_equal(atomic_write_file(a, "old-a", 5, &plain, NULL, NULL), 0);
	assert_int_equal(mkdir(c, 0755), 0);
	snprintf(inner, sizeof(inner), "%s/keep", c);
	assert_int_equal(atomic_write_file(inner, "x", 1, &plain, NULL, NULL), 0);

	struct atomic_batch batch = {0};
	struct ae_error err = {{0}};
	assert_int_equal(atomic_batch_add(&batch, a, "new-a", 5, &keep, &err), 0);
	assert_int_equal(atomic_batch_add(&batch, b, "new-b", 5, &plain, &err), 0);
	assert_int_equal(atomic_batch_add(&batch, c, "new-c", 5, &keep, &err), 0);
	assert_int_equal(atomic_batch_commit(&batch, &err), -1);
	atomic_batch_free(&batch);
	assert_non_null(strstr(err.msg, "/c"));
	assert_non_null(strstr(err.msg, "restored"));
	char *got = slurp(a);
	assert_string_equal(got, "old-a");
	free(got);
	assert_int_equal(access(b, F_OK), -1);
	assert_int_equal(count_entries(), 2); /* a and the directory c: no backup, no temporary file */
	unlink(inner);
	rmdir(c);
}

static void test_clean_stale_removes_only_temporaries(void **state)
{
	(void)state;
	char p[512], t1[600], t2[600], other[600];
	snprintf(p, sizeof(p), "%s/values.yaml", dir);
	snprintf(t1, sizeof(t1), "%s.tmpAbC123", p);
	snprintf(t2, sizeof(t2), "%s.tmpzzzzzz", p);
	snprintf(other, sizeof(other), "%s.tmp-notes", p);
	struct atomic_write_opts plain = { .mode = 0644 };
	assert_int_equal(atomic_write_file(p, "v", 1, &plain, NULL, NULL), 0);
	assert_int_equal(atomic_write_file(t1, "x", 1, &plain, NULL, NULL), 0);
	assert_int_equal(atomic_write_file(t2, "x", 1, &plain, NULL, NULL), 0);
	assert_int_equal(atomic_write_file(other, "x", 1, &plain, NULL, NULL), 0);
	assert_int_equal(atomic_clean_stale(p), 2);
	assert_int_equal(access(p, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(count_entries(), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writes_new_file_with_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overwrite_keeps_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_backup_when_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_directory_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_directory_leaves_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_target_is_replaced, setup, teardown),
		cmocka_unit_test(test_read_file_missing),
		cmocka_unit_test_setup_teardown(test_batch_rolls_back_and_names_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_stale_removes_only_temporaries, setup, teardown),
	};
	return cmocka_run_group_tests_name("atomic_file", tests, NULL, NULL);
}
