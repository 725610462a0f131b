/* json_out.h — printing the --json answers of the commands. */
#ifndef AETERNA_JSON_OUT_H
#define AETERNA_JSON_OUT_H

#include <stdio.h>

#include <jansson.h>

/* Prints value indented, with a final newline, and releases it (takes the caller's reference;
 * NULL is allowed and means "out of memory"). Returns 0, or -1 when nothing could be printed. */
int json_print_release(FILE *out, json_t *value);

#endif
