/* values_merge.h — update the keys `aeterna setup` owns in an existing values.yaml in place,
 * keeping the user's other keys, comments and layout. */
#ifndef AETERNA_VALUES_MERGE_H
#define AETERNA_VALUES_MERGE_H

#include "error.h"
#include "strbuf.h"

/* existing: the file as it is; generated: what the answers produce now; previous: what the
 * previous answers produced (NULL when unknown: nothing is removed). Appends the edited text to
 * out. Returns 0, or -1 (err says why) when the existing file cannot be edited in place. */
int values_merge(const char *existing, const char *generated, const char *previous,
		 struct strbuf *out, struct ae_error *err);

/* Checks that every key of `want` has the same value in `have`. Returns 0 or -1. */
int values_owned_match(const char *have, const char *want, struct ae_error *err);

#endif
