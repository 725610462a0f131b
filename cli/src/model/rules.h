/* rules.h — the chart's cross-key rules (charts/aeterna/templates/_validate.tpl) over merged
 * values, with the same sentences, so `aeterna validate` and `helm template` reject the same
 * values for the same reasons. make test runs every bad-values case through both.
 */
#ifndef AETERNA_RULES_H
#define AETERNA_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "ytree.h"

struct rules_apis {
	bool known;            /* false: the cluster is unknown and capability rules are skipped */
	const char *const *list;
	size_t len;
};

/* Checks merged values (chart defaults + the user's files). Each broken rule adds one error at
 * the position of the key it names. Returns the number of errors added. */
int rules_check(const struct ynode *values, const struct rules_apis *apis, struct diag_list *diags);

#endif
