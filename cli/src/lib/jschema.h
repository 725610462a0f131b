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
 * Ownership: a jschema holds a reference to the JSON it was loaded from and owns its compiled
 * patterns; free with jschema_free. Errors are appended to the caller's diag_list, each message
 * starting with the key path of the offending value ("postgresql.port: …").
 */
#ifndef AETERNA_JSCHEMA_H
#define AETERNA_JSCHEMA_H

#include <jansson.h>

#include "diag.h"
#include "ytree.h"

struct jschema;

/* Compiles a schema (a reference to root is taken). Problems go to diags under `file`.
 * Returns NULL when the schema is unusable. */
struct jschema *jschema_load(json_t *root, const char *file, struct diag_list *diags);
void jschema_free(struct jschema *s);

/* Validates an instance; every violation is added to diags at the position of the value (or of
 * its key). Returns the number of errors added (0: valid), or -1 when out of memory. */
int jschema_validate(const struct jschema *s, const struct ynode *instance, struct diag_list *diags);

#endif
