/* json_out.h — printing the --json answers of the commands. */
#ifndef AETERNA_JSON_OUT_H
#define AETERNA_JSON_OUT_H

#include <stdio.h>

#include <jansson.h>

#include <stdbool.h>

/* Prints value with a final newline — indented, or on one line when one_line (a stream of
 * documents, one per line) — and releases it (takes the caller's reference; NULL is allowed and
 * means "out of memory"). Returns 0, or -1 when nothing could be printed. */
int json_print_release(FILE *out, json_t *value, bool one_line);

#endif
