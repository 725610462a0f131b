/* syncfs(2) is Linux-specific */
#define _GNU_SOURCE
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <libgen.h>
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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

/* ---- temporary files removed on SIGINT/SIGTERM/SIGHUP ----
 * Every staged temporary name is registered while it exists; the handler (when installed)
 * unlinks them and dies of the signal. unlink is async-signal-safe; the slots are written
 * before the file exists and cleared after it is gone. */
#define TMP_SLOTS 32
static char *volatile tmp_slots[TMP_SLOTS];

static void tmp_register(char *name)
{
	for (size_t i = 0; i < TMP_SLOTS; i++)
		if (!tmp_slots[i]) {
			tmp_slots[i] = name;
			return;
		}
}

static void tmp_unregister(const char *name)
{
	for (size_t i = 0; i < TMP_SLOTS; i++)
		if (tmp_slots[i] == name)
			tmp_slots[i] = NULL;
}

static void tmp_on_signal(int sig)
{
	for (size_t i = 0; i < TMP_SLOTS; i++)
		if (tmp_slots[i])
			unlink(tmp_slots[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

void atomic_cleanup_on_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tmp_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* name is <base>.tmpXXXXXX (six letters or digits: atomic_batch_add, keep_old) */
static bool is_temp_of(const char *name, const char *base)
{
	size_t n = strlen(base);
	if (strncmp(name, base, n) || strncmp(name + n, ".tmp", 4) || strlen(name + n + 4) != 6)
		return false;
	for (const char *p = name + n + 4; *p; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	return true;
}

int atomic_clean_stale_all(const char *const *paths, size_t n)
{
	char **dirs = calloc(n ? n : 1, sizeof(*dirs)), **bases = calloc(n ? n : 1, sizeof(*bases));
	int removed = 0;
	bool ok = dirs && bases;
	for (size_t i = 0; ok && i < n; i++) {
		char *a = strdup(paths[i]), *b = strdup(paths[i]);
		if (!a || !b) {
			free(a);
			free(b);
			ok = false;
			break;
		}
		/* dirname and basename may return pointers into their argument: keep copies */
		dirs[i] = strdup(dirname(a));
		bases[i] = strdup(basename(b));
		free(a);
		free(b);
		ok = dirs[i] && bases[i];
	}
	for (size_t i = 0; ok && i < n; i++) {
		bool seen = false; /* one pass per folder, for all the files in it */
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(dirs[j], dirs[i]);
		if (seen)
			continue;
		DIR *dh = opendir(dirs[i]);
		if (!dh)
			continue;
		struct dirent *e;
		while ((e = readdir(dh))) {
			for (size_t k = i; k < n; k++)
				if (!strcmp(dirs[k], dirs[i]) && is_temp_of(e->d_name, bases[k])) {
					if (unlinkat(dirfd(dh), e->d_name, 0) == 0)
						removed++;
					break;
				}
		}
		closedir(dh);
	}
	for (size_t i = 0; i < n && dirs && bases; i++) {
		free(dirs[i]);
		free(bases[i]);
	}
	free(dirs);
	free(bases);
	return ok ? removed : -1;
}

int atomic_clean_stale(const char *path)
{
	return atomic_clean_stale_all(&path, 1);
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
	bool present = !opts->absent && lstat(path, &lst) == 0;
	char *real = present && S_ISLNK(lst.st_mode) ? realpath(path, NULL) : NULL;
	st->path = real ? real : strdup(path); /* from here on, the path written is st->path */
	/* commit replaces it only if it still does not exist */
	st->absent_ = opts->absent || (!present && errno == ENOENT);
	path = NULL;
	size_t tsize = st->path ? strlen(st->path) + 16 : 0;
	st->tmp = st->path ? malloc(tsize) : NULL;
	if (!st->path || !st->tmp) {
		free(st->path);
		free(st->tmp);
		return ae_error_set(err, "out of memory");
	}
	/* the temporary file is made with its final mode (mkstemp would make it 0600 and need a
	 * chmod); a umask that would take bits away is undone by fchmod */
	static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	int fd = -1, open_errno = EEXIST;
	for (int attempt = 0; attempt < 100 && fd < 0 && open_errno == EEXIST; attempt++) {
		unsigned char r[6];
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
			open_errno = errno ? errno : EIO;
			break;
		}
		char suffix[7];
		for (size_t k = 0; k < 6; k++)
			suffix[k] = letters[r[k] % (sizeof(letters) - 1)];
		suffix[6] = '\0';
		snprintf(st->tmp, tsize, "%s.tmp%s", st->path, suffix);
		tmp_register(st->tmp);
		fd = open(st->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, opts->mode);
		open_errno = fd < 0 ? errno : 0;
		if (fd < 0)
			tmp_unregister(st->tmp);
	}
	st->fd = fd;
	if (st->fd < 0) {
		char *dir = dir_of(st->path);
		ae_error_errno(err, open_errno, "cannot create a file in %s", dir ? dir : st->path);
		free(dir);
		free(st->path);
		free(st->tmp);
		return -1;
	}
	if (b->len++ == 0) { /* the umask, read once per batch */
		b->umask_ = umask(0);
		umask(b->umask_);
	}
	if (((opts->mode & b->umask_) && fchmod(st->fd, opts->mode) < 0) || write_all(st->fd, data, len) < 0)
		return ae_error_errno(err, errno, "cannot write %s", st->path);
	return 0;
}

static void *sync_one(void *arg)
{
	struct atomic_staged *st = arg;
	return (void *)(intptr_t)(fsync(st->fd) < 0 ? errno : 0);
}

/* True when every staged file is on the same filesystem. Files in one directory are: only the
 * first file of each directory is asked. */
static bool same_filesystem(const struct atomic_batch *b)
{
	struct stat first, st;
	if (b->len == 0 || fstat(b->items[0].fd, &first) < 0)
		return false;
	for (size_t i = 1; i < b->len; i++) {
		const char *slash = strrchr(b->items[i].path, '/');
		size_t dlen = slash ? (size_t)(slash - b->items[i].path) : 0;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++) {
			const char *js = strrchr(b->items[j].path, '/');
			seen = (js ? (size_t)(js - b->items[j].path) : 0) == dlen && !strncmp(b->items[j].path, b->items[i].path, dlen);
		}
		if (!seen && (fstat(b->items[i].fd, &st) < 0 || st.st_dev != first.st_dev))
			return false;
	}
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

/* An existing target without a backup still gets a link to its old content (removed after the
 * commit) so that a failed batch can put it back. */
static int keep_old(struct atomic_staged *st)
{
	size_t size = strlen(st->path) + 16;
	st->old_path = malloc(size);
	if (!st->old_path)
		return -1;
	for (int i = 0; i < 100; i++) {
		snprintf(st->old_path, size, "%s.tmp%06d", st->path, (int)((unsigned)getpid() * 31u + (unsigned)i) % 1000000);
		if (link(st->path, st->old_path) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	free(st->old_path);
	st->old_path = NULL;
	return -1;
}

/* Undoes the first n replacements: the old content comes back from its backup (or rollback
 * link), a file that did not exist is removed. Returns how many were restored. */
static size_t rollback(struct atomic_batch *b, size_t n)
{
	size_t ok = 0;
	for (size_t j = n; j-- > 0;) {
		struct atomic_staged *st = &b->items[j];
		const char *old = st->backup_path ? st->backup_path : st->old_path;
		int r;
		if (!st->existed)
			r = unlink(st->path);
		else /* the backup (a link to the old content) goes back in place: nothing changed */
			r = old ? rename(old, st->path) : -1;
		if (r == 0) {
			ok++;
			free(st->backup_path);
			st->backup_path = NULL;
			free(st->old_path);
			st->old_path = NULL;
		}
	}
	/* the file that failed: its backup link, if one was made, is the current file already */
	struct atomic_staged *failed = &b->items[n];
	if (failed->old_path) {
		unlink(failed->old_path);
		free(failed->old_path);
		failed->old_path = NULL;
	}
	return ok;
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
		int e = 0;
		const char *what = "replace";
		bool existed = true;
		if (st->absent_) {
			/* absent when staged: replace it only if it still is (no check-then-rename race) */
			if (renameat2(AT_FDCWD, st->tmp, AT_FDCWD, st->path, RENAME_NOREPLACE) == 0) {
				st->replaced = true;
				st->existed = false;
				tmp_unregister(st->tmp);
				free(st->tmp);
				st->tmp = NULL;
				continue;
			}
			if (errno != EEXIST && errno != EINVAL && errno != ENOSYS)
				e = errno; /* EINVAL/ENOSYS: a filesystem without RENAME_NOREPLACE; EEXIST: it appeared */
		}
		if (!e)
			existed = access(st->path, F_OK) == 0;
		if (!e && existed && st->backup) {
			struct ae_error berr;
			if (make_backup(st->path, st->now, &st->backup_path, &berr) < 0) {
				e = errno ? errno : EIO;
				what = "back up";
			}
		} else if (!e && existed && keep_old(st) < 0) {
			e = errno;
			what = "back up";
		}
		if (!e && rename(st->tmp, st->path) < 0)
			e = errno;
		if (e) {
			size_t restored = rollback(b, i);
			if (restored == i)
				return ae_error_errno(err, e, "cannot %s %s; %s", what, st->path,
						      i ? "the files already replaced were restored: nothing changed"
							: "nothing changed");
			return ae_error_errno(err, e, "cannot %s %s, and %zu of the %zu files already replaced could not "
					      "be restored (their backups are kept next to them)", what, st->path, i - restored, i);
		}
		st->replaced = true;
		st->existed = existed;
		tmp_unregister(st->tmp);
		free(st->tmp);
		st->tmp = NULL;
	}
	/* committed: the rollback copies of files without a backup are no longer needed */
	for (size_t i = 0; i < b->len; i++)
		if (b->items[i].old_path) {
			unlink(b->items[i].old_path);
			free(b->items[i].old_path);
			b->items[i].old_path = NULL;
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
		if (st->tmp) {
			unlink(st->tmp);
			tmp_unregister(st->tmp);
		}
		if (st->old_path)
			unlink(st->old_path);
		free(st->old_path);
		free(st->tmp);
		free(st->path);
		free(st->backup_path);
	}
	free(b->items);
	*b = (struct atomic_batch){0};
}
