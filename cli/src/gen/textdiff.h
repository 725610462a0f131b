/* textdiff.h — a unified diff of two texts (line-based; Myers' algorithm in linear space). */
#ifndef AETERNA_TEXTDIFF_H
#define AETERNA_TEXTDIFF_H

#include "strbuf.h"

/* Appends a unified diff (3 lines of context) from a to b to out; nothing when they are equal.
 * Returns 0, or -1 when out of memory. */
int text_diff(const char *a, const char *b, const char *name_a, const char *name_b, struct strbuf *out);

#endif
