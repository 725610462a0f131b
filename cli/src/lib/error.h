/* error.h — how library code reports a failure to the command layer.
 *
 * Library functions return 0 on success and -1 on failure, filling a caller-owned
 * struct ae_error with one sentence. Only the command layer prints it and decides the exit code.
 */
#ifndef AETERNA_ERROR_H
#define AETERNA_ERROR_H

#include <stddef.h>

#define AE_ERROR_MAX 1024

struct ae_error {
	char msg[AE_ERROR_MAX];
};

/* Sets err->msg (printf-style); err may be NULL. Always returns -1. */
int ae_error_set(struct ae_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like ae_error_set, appending ": <strerror(errnum)>". Always returns -1. */
int ae_error_errno(struct ae_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
