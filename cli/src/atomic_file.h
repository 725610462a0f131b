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
};

/* Writes len bytes of data to path. When a backup was made and backup_path is not NULL,
 * *backup_path receives its name (malloc'ed, owned by the caller; NULL when no backup was
 * needed). Returns 0, or -1 with err filled. */
int atomic_write_file(const char *path, const void *data, size_t len,
		      const struct atomic_write_opts *opts, char **backup_path,
		      struct ae_error *err);

/* Reads a whole file into a NUL-terminated buffer (malloc'ed, owned by the caller).
 * Returns 0, or -1 with err filled (errno_out receives errno when not NULL). */
int read_file(const char *path, char **data, size_t *len, int *errno_out, struct ae_error *err);

#endif
