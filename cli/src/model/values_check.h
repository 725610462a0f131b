/* values_check.h — the checks `aeterna validate` runs (the chart's schema and cross-key rules,
 * the Compose Specification), applied by `aeterna setup` to the files it is about to write:
 * setup never writes a file validate rejects. The same code as validate: ytree, jschema, rules.
 *
 * Problems go to the caller's diag_list under `name`; nothing is printed. */
#ifndef AETERNA_VALUES_CHECK_H
#define AETERNA_VALUES_CHECK_H

#include <stddef.h>

#include "diag.h"

/* values.yaml text, merged over the chart's built-in defaults. Returns the number of errors. */
size_t values_check_text(const char *name, const char *text, struct diag_list *diags);
/* docker-compose.yaml text against the Compose Specification. Returns the number of errors. */
size_t compose_check_text(const char *name, const char *text, struct diag_list *diags);

#endif
