#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
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
	if (!opts)
		opts = &defaults;
	if (backup_path)
		*backup_path = NULL;

	char *dir = dir_of(path);
	size_t tsize = strlen(path) + 16;
	char *tmp = malloc(tsize);
	if (!dir || !tmp) {
		free(dir);
		free(tmp);
		return ae_error_set(err, "out of memory");
	}
	snprintf(tmp, tsize, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		ae_error_errno(err, errno, "cannot create a file in %s", dir);
		goto fail_nofile;
	}
	if (fchmod(fd, opts->mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		ae_error_errno(err, errno, "cannot write %s", path);
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		ae_error_errno(err, errno, "cannot write %s", path);
		goto fail;
	}

	char *backup = NULL;
	if (opts->backup && access(path, F_OK) == 0) {
		if (make_backup(path, opts->now, &backup, err) < 0)
			goto fail;
	}
	if (rename(tmp, path) < 0) {
		ae_error_errno(err, errno, "cannot replace %s", path);
		if (backup) {
			unlink(backup);
			free(backup);
		}
		goto fail;
	}
	/* The data is in place; a failing directory fsync only weakens durability. */
	(void)fsync_dir(dir);
	if (backup_path)
		*backup_path = backup;
	else
		free(backup);
	free(dir);
	free(tmp);
	return 0;

fail:
	unlink(tmp);
fail_nofile:
	free(dir);
	free(tmp);
	return -1;
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
