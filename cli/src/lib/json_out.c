/* The --json answers of the commands. */
#include "json_out.h"

#include <stdlib.h>

int json_print_release(FILE *out, json_t *value, bool one_line)
{
	char *s = value ? json_dumps(value, one_line ? JSON_COMPACT : JSON_INDENT(2)) : NULL;
	json_decref(value);
	if (!s) {
		fprintf(stderr, "aeterna: out of memory while writing JSON\n");
		return -1;
	}
	fprintf(out, "%s\n", s);
	free(s);
	return 0;
}
