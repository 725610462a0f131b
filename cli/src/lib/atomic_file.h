/* atomic_file.h — write a file so that readers see the old content or the new, never a mix.
 *
 * The data goes to a temporary file in the same directory, which is fsync'ed, given its mode,
 * and renamed over the target; the directory is then fsync'ed. On any failure the temporary
 * file is removed and the target is untouched.
 */
#ifndef AETERNA_ATOMIC_FILE_H
#define AETERNA_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "error.h"

struct atomic_write_opts {
	mode_t mode;       /* permissions of the new file, e.g. 0644 or 0600 for secrets */
	bool backup;       /* keep an existing target as <path>.<YYYYmmdd-HHMMSS>.bak first */
	time_t now;        /* timestamp of the backup name; 0 = current time */
	bool absent;       /* batches: the caller knows the target does not exist (it holds a lock and
	                    * has just looked): no lstat; the rename still will not replace one */
};

/* Writes len bytes of data to path. When a backup was made and backup_path is not NULL,
 * *backup_path receives its name (malloc'ed, owned by the caller; NULL when no backup was
 * needed). Returns 0, or -1 with err filled. */
int atomic_write_file(const char *path, const void *data, size_t len,
		      const struct atomic_write_opts *opts, char **backup_path,
		      struct ae_error *err);

/* A batch writes several files as one step: every new content is first written to a temporary
 * file next to its target (nothing is replaced if any of that fails), then all temporary files
 * are fsync'ed together (in parallel, so the filesystem can commit them at once), then each is
 * renamed over its target (after its backup, if asked), then each directory is fsync'ed.
 * The batch owns its staged entries; atomic_batch_free removes any temporary file left. */
struct atomic_staged {
	char *path;   /* owned */
	char *tmp;    /* owned; NULL once renamed */
	int fd;       /* open until synced */
	bool backup;
	time_t now;
	char *backup_path; /* owned: set by commit when a backup was made */
	char *old_path;    /* owned: rollback link of an existing target without a backup */
	bool existed, replaced;
	bool absent_; /* private: the target did not exist when staged */
};

struct atomic_batch {
	struct atomic_staged *items; /* owned array */
	size_t len, cap;
	mode_t umask_; /* private: the umask when the first file was staged */
};

/* Stages data for path (written to a temporary file with opts->mode). Returns 0 or -1. */
int atomic_batch_add(struct atomic_batch *b, const char *path, const void *data, size_t len,
		     const struct atomic_write_opts *opts, struct ae_error *err);
/* Syncs and renames everything staged: a transaction. If a backup or a replacement fails, the
 * files already replaced are restored (from their backups, or removed when they were new) and
 * err names the file that failed. Returns 0 or -1. */
int atomic_batch_commit(struct atomic_batch *b, struct ae_error *err);
void atomic_batch_free(struct atomic_batch *b);

/* Installs SIGINT/SIGTERM/SIGHUP handlers that remove every staged temporary file, then die of
 * the signal. For the time a batch exists. */
void atomic_cleanup_on_signals(void);
/* Removes temporary files left next to path by a killed run (<path>.tmpXXXXXX). Only safe while
 * the caller holds the lock of the folder (no other run is staging). Returns how many. */
int atomic_clean_stale(const char *path);
/* The same for several files, reading each folder once. Returns how many were removed, or -1
 * when out of memory. */
int atomic_clean_stale_all(const char *const *paths, size_t n);

/* Reads a whole file into a NUL-terminated buffer (malloc'ed, owned by the caller).
 * Returns 0, or -1 with err filled (errno_out receives errno when not NULL). */
int read_file(const char *path, char **data, size_t *len, int *errno_out, struct ae_error *err);

#endif
