/* syncfs(2) is Linux-specific */
#define _GNU_SOURCE
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static char *dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *d = strdup(dirname(copy));
	free(copy);
	return d;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* Copies src to dst (created exclusively with the source's mode). */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY);
	if (in < 0)
		return -1;
	struct stat st;
	if (fstat(in, &st) < 0) {
		close(in);
		return -1;
	}
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL, st.st_mode & 07777);
	if (out < 0) {
		int saved = errno;
		close(in);
		errno = saved;
		return -1;
	}
	char buf[65536];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (write_all(out, buf, (size_t)n) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0)
		rc = fsync(out);
	int saved = errno;
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = -1;
	if (rc < 0) {
		unlink(dst);
		errno = saved;
	}
	return rc;
}

/* Makes a backup of path named <path>.<stamp>.bak (or .<stamp>-N.bak when taken). */
static int make_backup(const char *path, time_t now, char **out, struct ae_error *err)
{
	struct tm tm;
	char stamp[32];
	if (!now)
		now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	size_t size = strlen(path) + sizeof(stamp) + 32;
	char *name = malloc(size);
	if (!name)
		return ae_error_set(err, "out of memory");
	for (int i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(name, size, "%s.%s.bak", path, stamp);
		else
			snprintf(name, size, "%s.%s-%d.bak", path, stamp, i);
		/* A hard link keeps the old inode under the backup name at no cost;
		 * fall back to a copy where links are not supported. */
		if (link(path, name) == 0 || (errno != EEXIST && copy_file(path, name) == 0)) {
			*out = name;
			return 0;
		}
		if (errno != EEXIST) {
			ae_error_errno(err, errno, "cannot back up %s to %s", path, name);
			free(name);
			return -1;
		}
	}
	free(name);
	return ae_error_set(err, "cannot back up %s: too many backups with the same timestamp", path);
}

int atomic_write_file(const char *path, const void *data, size_t len,
		      const struct atomic_write_opts *opts, char **backup_path,
		      struct ae_error *err)
{
	struct atomic_write_opts defaults = { .mode = 0644 };
	struct atomic_batch b = {0};
	if (backup_path)
		*backup_path = NULL;
	if (atomic_batch_add(&b, path, data, len, opts ? opts : &defaults, err) < 0 ||
	    atomic_batch_commit(&b, err) < 0) {
		atomic_batch_free(&b);
		return -1;
	}
	if (backup_path) {
		*backup_path = b.items[0].backup_path;
		b.items[0].backup_path = NULL;
	}
	atomic_batch_free(&b);
	return 0;
}

int read_file(const char *path, char **data, size_t *len, int *errno_out, struct ae_error *err)
{
	*data = NULL;
	if (len)
		*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno_out)
			*errno_out = errno;
		return ae_error_errno(err, errno, "cannot read %s", path);
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	if (!buf) {
		fclose(f);
		return ae_error_set(err, "out of memory");
	}
	for (;;) {
		if (cap - n < 2) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				fclose(f);
				return ae_error_set(err, "out of memory");
			}
			buf = bigger;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int failed = ferror(f);
	int saved = errno;
	fclose(f);
	if (failed) {
		free(buf);
		if (errno_out)
			*errno_out = saved;
		return ae_error_errno(err, saved, "cannot read %s", path);
	}
	buf[n] = '\0';
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

/* ---- batches ---- */

int atomic_batch_add(struct atomic_batch *b, const char *path, const void *data, size_t len,
		     const struct atomic_write_opts *opts, struct ae_error *err)
{
	if (b->len == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4;
		struct atomic_staged *items = realloc(b->items, cap * sizeof(*items));
		if (!items)
			return ae_error_set(err, "out of memory");
		b->items = items;
		b->cap = cap;
	}
	struct atomic_staged *st = &b->items[b->len];
	*st = (struct atomic_staged){ .fd = -1, .backup = opts->backup, .now = opts->now };
	/* A symlink (dotfile managers) is followed: its target is replaced, the link kept. */
	struct stat lst;
	char *real = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) ? realpath(path, NULL) : NULL;
	st->path = real ? real : strdup(path); /* from here on, the path written is st->path */
	path = NULL;
	size_t tsize = st->path ? strlen(st->path) + 16 : 0;
	st->tmp = st->path ? malloc(tsize) : NULL;
	if (!st->path || !st->tmp) {
		free(st->path);
		free(st->tmp);
		return ae_error_set(err, "out of memory");
	}
	snprintf(st->tmp, tsize, "%s.tmpXXXXXX", st->path);
	st->fd = mkstemp(st->tmp);
	if (st->fd < 0) {
		char *dir = dir_of(st->path);
		ae_error_errno(err, errno, "cannot create a file in %s", dir ? dir : st->path);
		free(dir);
		free(st->path);
		free(st->tmp);
		return -1;
	}
	b->len++;
	if (fchmod(st->fd, opts->mode) < 0 || write_all(st->fd, data, len) < 0)
		return ae_error_errno(err, errno, "cannot write %s", st->path);
	return 0;
}

static void *sync_one(void *arg)
{
	struct atomic_staged *st = arg;
	return (void *)(intptr_t)(fsync(st->fd) < 0 ? errno : 0);
}

/* True when every staged file is on the same filesystem. */
static bool same_filesystem(const struct atomic_batch *b)
{
	struct stat first, st;
	if (b->len == 0 || fstat(b->items[0].fd, &first) < 0)
		return false;
	for (size_t i = 1; i < b->len; i++)
		if (fstat(b->items[i].fd, &st) < 0 || st.st_dev != first.st_dev)
			return false;
	return true;
}

/* fsyncs every staged file, in parallel threads. Returns 0 or an errno. */
static int sync_each(struct atomic_batch *b)
{
	pthread_t threads[16];
	size_t started = 0;
	int failed = 0;
	for (size_t i = 0; i < b->len && i < 16; i++) {
		if (pthread_create(&threads[i], NULL, sync_one, &b->items[i]) != 0)
			break;
		started++;
	}
	for (size_t i = started; i < b->len; i++)
		if (fsync(b->items[i].fd) < 0 && !failed)
			failed = errno;
	for (size_t i = 0; i < started; i++) {
		void *rc;
		pthread_join(threads[i], &rc);
		if ((intptr_t)rc && !failed)
			failed = (int)(intptr_t)rc;
	}
	return failed;
}

int atomic_batch_commit(struct atomic_batch *b, struct ae_error *err)
{
	/* One syncfs flushes every staged file in a single journal commit (about 1 ms here,
	 * instead of one commit per file); it also flushes other dirty data of that filesystem.
	 * Files on different filesystems, or a failing syncfs, fall back to per-file fsyncs. */
	int failed = 0;
	if (b->len < 2 || !same_filesystem(b) || syncfs(b->items[0].fd) < 0)
		failed = sync_each(b);
	for (size_t i = 0; i < b->len; i++) {
		if (close(b->items[i].fd) < 0 && !failed)
			failed = errno;
		b->items[i].fd = -1;
	}
	if (failed)
		return ae_error_errno(err, failed, "cannot write %s", b->items[0].path);
	for (size_t i = 0; i < b->len; i++) {
		struct atomic_staged *st = &b->items[i];
		if (st->backup && access(st->path, F_OK) == 0 &&
		    make_backup(st->path, st->now, &st->backup_path, err) < 0)
			return -1;
		if (rename(st->tmp, st->path) < 0)
			return ae_error_errno(err, errno, "cannot replace %s", st->path);
		free(st->tmp);
		st->tmp = NULL;
	}
	/* one fsync per directory */
	for (size_t i = 0; i < b->len; i++) {
		char *dir = dir_of(b->items[i].path);
		bool seen = false;
		for (size_t j = 0; dir && j < i && !seen; j++) {
			char *earlier = dir_of(b->items[j].path);
			seen = earlier && !strcmp(dir, earlier);
			free(earlier);
		}
		if (dir && !seen)
			(void)fsync_dir(dir);
		free(dir);
	}
	return 0;
}

void atomic_batch_free(struct atomic_batch *b)
{
	for (size_t i = 0; i < b->len; i++) {
		struct atomic_staged *st = &b->items[i];
		if (st->fd >= 0)
			close(st->fd);
		if (st->tmp)
			unlink(st->tmp);
		free(st->tmp);
		free(st->path);
		free(st->backup_path);
	}
	free(b->items);
	*b = (struct atomic_batch){0};
}
