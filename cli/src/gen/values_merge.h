/* values_merge.h — update the keys `aeterna setup` owns in an existing values.yaml in place,
 * keeping the user's other keys, comments and layout. */
#ifndef AETERNA_VALUES_MERGE_H
#define AETERNA_VALUES_MERGE_H

#include "error.h"
#include "strbuf.h"

/* existing: the file as it is; generated: what the answers produce now; previous: what the
 * previous answers produced (NULL when unknown: nothing is removed). Appends the edited text to
 * out. Returns 0, or -1 (err says why, in a clause the caller can print after "cannot be edited
 * in place") when the existing file cannot be edited in place safely; the caller then rewrites
 * the file and keeps a backup.
 *
 * Any YAML style may be edited (block and flow, nulls, anchors and aliases, merge keys, comments,
 * CRLF, a byte order mark, any indentation): the line edit is checked on what the result means
 * before it is returned — it must parse (no repeated key), carry every generated value, and keep
 * every value of the user's that setup does not own; otherwise -1. */
int values_merge(const char *existing, const char *generated, const char *previous,
		 struct strbuf *out, struct ae_error *err);

/* Checks that every key of `want` has the same value in `have`. Returns 0 or -1. */
int values_owned_match(const char *have, const char *want, struct ae_error *err);

#endif
