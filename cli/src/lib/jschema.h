/* jschema.h — a JSON Schema draft-07 validator over ynode trees (Debian has no C library).
 *
 * Keywords: type enum const required properties additionalProperties patternProperties items
 * additionalItems contains minItems maxItems uniqueItems minProperties maxProperties minimum
 * maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength pattern (PCRE2,
 * ECMA-style escapes) allOf anyOf oneOf not if/then/else dependencies propertyNames, local
 * $ref and definitions, plus the annotations ($schema $id $comment title description default
 * examples format readOnly writeOnly contentMediaType contentEncoding deprecated; `format` is not
 * asserted). An unknown keyword, a remote $ref or a bad pattern is an error at load time.
 *
 * Schemas are ynode trees (JSON converted by ynode_from_json, or the static trees of
 * embedded.h). Patterns are compiled when first used and kept in the jschema.
 *
 * Ownership: a jschema from jschema_load owns its converted copy of the JSON; one from
 * jschema_load_tree borrows the tree, which must outlive it. Either owns its compiled patterns;
 * free with jschema_free. Errors are appended to the caller's diag_list, each message
 * starting with the key path of the offending value ("postgresql.port: …").
 */
#ifndef AETERNA_JSCHEMA_H
#define AETERNA_JSCHEMA_H

#include <jansson.h>

#include "diag.h"
#include "ytree.h"

struct jschema;

/* Compiles a schema from JSON (root is converted, not kept). Problems go to diags under `file`.
 * Returns NULL when the schema is unusable. */
struct jschema *jschema_load(json_t *root, const char *file, struct diag_list *diags);
/* Uses a schema tree as it is. With check, the keywords, references and patterns are checked
 * now as jschema_load does (NULL when unusable); without, nothing is read until validation, and
 * a pattern that does not compile matches everything: for trees checked when they were built. */
struct jschema *jschema_load_tree(const struct ynode *root, const char *file, bool check, struct diag_list *diags);
void jschema_free(struct jschema *s);

/* Validates an instance; every violation is added to diags at the position of the value (or of
 * its key). Returns the number of errors added (0: valid), or -1 when out of memory. */
int jschema_validate(const struct jschema *s, const struct ynode *instance, struct diag_list *diags);

/* For the build step that makes the built-in trees (cli/tools/embed_trees.c): fn is called after
 * each (schema node, value) check with whether it found nothing wrong. A static value whose
 * ynode.valid_under_ is the schema node being applied is skipped: that check passed at build time. */
typedef void jschema_trace_fn(void *arg, const struct ynode *schema, const struct ynode *value, bool ok);
void jschema_set_trace(struct jschema *s, jschema_trace_fn *fn, void *arg);

#endif
