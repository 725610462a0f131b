/* values_check.c — validate's checks over text about to be written (see values_check.h). */
#include "values_check.h"

#include <jansson.h>
#include <string.h>

#include "embedded.h"
#include "jschema.h"
#include "rules.h"
#include "ytree.h"

static struct jschema *builtin_schema(const unsigned char *text, size_t len, const char *name, struct diag_list *d)
{
	json_error_t jerr;
	json_t *j = json_loadb((const char *)text, len, 0, &jerr);
	if (!j) {
		diag_add(d, DIAG_ERROR, name, 0, 0, "the built-in schema does not parse: %s", jerr.text);
		return NULL;
	}
	struct jschema *s = jschema_load(j, name, d);
	json_decref(j);
	return s;
}

size_t values_check_text(const char *name, const char *text, struct diag_list *diags)
{
	size_t before = diag_count(diags, DIAG_ERROR);
	struct diag_list scratch = {0}; /* warnings about the chart's own defaults are not the user's */
	struct ytree defaults = {0}, mine = {0};
	struct ynode *merged = NULL;
	if (ytree_parse(&defaults, "charts/aeterna/values.yaml", (const char *)embedded_values_yaml,
			embedded_values_yaml_len, &scratch) < 0) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "the built-in chart defaults do not parse");
		goto out;
	}
	if (ytree_parse(&mine, name, text, strlen(text), diags) < 0)
		goto out;
	merged = ynode_clone(defaults.root);
	if (!merged || (mine.root->kind == Y_MAP && ynode_merge(&merged, mine.root) < 0)) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "out of memory");
		goto out;
	}
	struct jschema *s = builtin_schema(embedded_values_schema, embedded_values_schema_len,
					   "charts/aeterna/values.schema.json", diags);
	if (!s)
		goto out;
	size_t schema_before = diag_count(diags, DIAG_ERROR);
	jschema_validate(s, merged, diags);
	jschema_free(s);
	if (diag_count(diags, DIAG_ERROR) == schema_before) {
		struct rules_apis apis = { false, NULL, 0 }; /* the cluster is unknown: capability rules skipped */
		rules_check(merged, &apis, diags);
	}
out:
	ynode_free(merged);
	ytree_free(&mine);
	ytree_free(&defaults);
	diag_list_free(&scratch);
	return diag_count(diags, DIAG_ERROR) - before;
}

size_t compose_check_text(const char *name, const char *text, struct diag_list *diags)
{
	size_t before = diag_count(diags, DIAG_ERROR);
	struct ytree t = {0};
	if (ytree_parse(&t, name, text, strlen(text), diags) == 0) {
		struct jschema *s = builtin_schema(embedded_compose_schema, embedded_compose_schema_len, "compose-spec.json", diags);
		if (s) {
			jschema_validate(s, t.root, diags);
			jschema_free(s);
		}
	}
	ytree_free(&t);
	return diag_count(diags, DIAG_ERROR) - before;
}
