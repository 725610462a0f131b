/* values_check.c — validate's checks over text about to be written (see values_check.h). */
#include "values_check.h"

#include <string.h>

#include "embedded.h"
#include "jschema.h"
#include "rules.h"
#include "ytree.h"

/* A built-in schema: a static tree, checked when it was built (and by test_jschema_suite). */
static struct jschema *builtin_schema(const struct ynode *tree, const char *name, struct diag_list *d)
{
	struct jschema *s = jschema_load_tree(tree, name, false, d);
	if (!s)
		diag_add(d, DIAG_ERROR, name, 0, 0, "out of memory");
	return s;
}

size_t values_check_text(const char *name, const char *text, struct diag_list *diags)
{
	size_t before = diag_count(diags, DIAG_ERROR);
	struct ytree mine = {0};
	struct ynode *merged = NULL;
	if (ytree_parse(&mine, name, text, strlen(text), diags) < 0)
		goto out;
	/* as helm layers them: the file over the chart's defaults (built in, shared, not copied).
	 * One file over nothing is that file: the defaults are coalesced into the parsed tree itself. */
	struct ynode *user = mine.root;
	if (user->kind != Y_MAP && !(user = merged = ynode_new(Y_MAP))) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "out of memory");
		goto out;
	}
	if (ynode_coalesce(user, embedded_values_tree) < 0) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "out of memory");
		goto out;
	}
	struct jschema *s = builtin_schema(embedded_values_schema_tree, "charts/aeterna/values.schema.json", diags);
	if (!s)
		goto out;
	size_t schema_before = diag_count(diags, DIAG_ERROR);
	jschema_validate(s, user, diags);
	jschema_free(s);
	if (diag_count(diags, DIAG_ERROR) == schema_before) {
		struct rules_apis apis = { false, NULL, 0 }; /* the cluster is unknown: capability rules skipped */
		rules_check(user, &apis, diags);
	}
out:
	ynode_free(merged);
	ytree_free(&mine);
	return diag_count(diags, DIAG_ERROR) - before;
}

size_t compose_check_text(const char *name, const char *text, struct diag_list *diags)
{
	size_t before = diag_count(diags, DIAG_ERROR);
	struct ytree t = {0};
	if (ytree_parse(&t, name, text, strlen(text), diags) == 0) {
		struct jschema *s = builtin_schema(embedded_compose_schema_tree, "compose-spec.json", diags);
		if (s) {
			jschema_validate(s, t.root, diags);
			jschema_free(s);
		}
	}
	ytree_free(&t);
	return diag_count(diags, DIAG_ERROR) - before;
}
