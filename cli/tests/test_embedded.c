/* The built-in trees (cli/tools/embed_trees.c) against the files they were made from: the same
 * values, positions and keys; the schemas pass the load-time check the build skips; and the
 * build-time "already valid" marks change no verdict (every CI scenario and a set of broken
 * values give the same diagnostics with the static defaults as with a plain copy of them). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "embedded.h"
#include "jschema.h"
#include "ytree.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR is set by CMakeLists.txt"
#endif

/* Same values, positions and key order (a stricter ynode_equal). */
static void assert_same_tree(const struct ynode *a, const struct ynode *b, const char *where)
{
	if (a->kind != b->kind || a->line != b->line || a->col != b->col || a->len != b->len ||
	    (a->kind != Y_SEQ && a->kind != Y_MAP && !ynode_equal(a, b)) || (!a->text != !b->text) ||
	    (a->text && strcmp(a->text, b->text)))
		fail_msg("%s: the built-in tree differs at line %u col %u", where, a->line, a->col);
	for (size_t i = 0; i < a->len; i++) {
		if (a->kind == Y_MAP) {
			if (strcmp(a->keys[i], b->keys[i]))
				fail_msg("%s: key '%s' is '%s' in the built-in tree", where, a->keys[i], b->keys[i]);
			if ((a->key_line ? a->key_line[i] : 0) != (b->key_line ? b->key_line[i] : 0) ||
			    (a->key_col ? a->key_col[i] : 0) != (b->key_col ? b->key_col[i] : 0))
				fail_msg("%s: key '%s' has another position in the built-in tree", where, a->keys[i]);
		}
		assert_same_tree(a->items[i], b->items[i], where);
	}
}

static struct ynode *load_json(const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", SOURCE_DIR, rel);
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);
	if (!j)
		fail_msg("%s: %s", path, jerr.text);
	struct ynode *n = ynode_from_json(j);
	json_decref(j);
	assert_non_null(n);
	return n;
}

static void trees_are_the_files(void **state)
{
	(void)state;
	struct ytree t;
	struct diag_list d = {0};
	char path[4096];
	snprintf(path, sizeof(path), "%s/charts/aeterna/values.yaml", SOURCE_DIR);
	assert_int_equal(ytree_load(&t, path, &d), 0);
	assert_same_tree(t.root, embedded_values_tree, "values.yaml");
	assert_true(embedded_values_tree->static_);
	assert_string_equal(embedded_values_tree->items[0]->file ? embedded_values_tree->items[0]->file : "",
			    "charts/aeterna/values.yaml");
	ytree_free(&t);
	diag_list_free(&d);
	struct ynode *schema = load_json("charts/aeterna/values.schema.json");
	assert_same_tree(schema, embedded_values_schema_tree, "values.schema.json");
	ynode_free(schema);
	struct ynode *compose = load_json("schemas/compose-spec.json");
	assert_same_tree(compose, embedded_compose_schema_tree, "compose-spec.json");
	ynode_free(compose);
	/* text of the lines quoted in diagnostics */
	assert_true(embedded_values_yaml_len > 1000);
	assert_int_equal(strlen((const char *)embedded_values_yaml), embedded_values_yaml_len);
}

static void schemas_pass_the_load_check(void **state)
{
	(void)state;
	const struct ynode *trees[] = { embedded_values_schema_tree, embedded_compose_schema_tree };
	for (size_t i = 0; i < 2; i++) {
		struct diag_list d = {0};
		struct jschema *s = jschema_load_tree(trees[i], "built-in", true, &d);
		if (!s)
			fail_msg("built-in schema %zu: %s", i, d.len ? d.items[0].message : "rejected");
		assert_int_equal(d.len, 0);
		jschema_free(s);
		diag_list_free(&d);
	}
}

/* validate's merge: the user's values, then the chart's defaults coalesced in. */
static struct ynode *merged_over(const struct ynode *user, const struct ynode *defaults)
{
	struct ynode *m = ynode_new(Y_MAP);
	assert_non_null(m);
	if (user && user->kind == Y_MAP)
		assert_int_equal(ynode_merge_values(&m, user), 0);
	assert_int_equal(ynode_coalesce(m, defaults), 0);
	return m;
}

static char *verdict(const struct ynode *values)
{
	struct jschema *s = jschema_load_tree(embedded_values_schema_tree, "values.schema.json", false, NULL);
	assert_non_null(s);
	struct diag_list d = {0};
	assert_true(jschema_validate(s, values, &d) >= 0);
	jschema_free(s);
	diag_sort(&d);
	size_t len = 1;
	for (size_t i = 0; i < d.len; i++)
		len += strlen(d.items[i].message) + 32;
	char *out = calloc(1, len);
	assert_non_null(out);
	for (size_t i = 0; i < d.len; i++)
		sprintf(out + strlen(out), "%u:%u %s\n", d.items[i].line, d.items[i].col, d.items[i].message);
	diag_list_free(&d);
	return out;
}

static void check_same_verdict(const struct ynode *user, const char *what, size_t *invalid)
{
	struct ynode *copy = ynode_clone(embedded_values_tree); /* a plain copy: no build-time marks */
	assert_non_null(copy);
	assert_false(copy->static_);
	struct ynode *fast = merged_over(user, embedded_values_tree), *slow = merged_over(user, copy);
	char *a = verdict(fast), *b = verdict(slow);
	if (strcmp(a, b))
		fail_msg("%s: the built-in defaults give\n%s\nbut a copy of them gives\n%s", what, a, b);
	*invalid += *a != '\0';
	free(a);
	free(b);
	ynode_free(fast);
	ynode_free(slow);
	ynode_free(copy);
}

static void valid_marks_change_no_verdict(void **state)
{
	(void)state;
	size_t invalid = 0, files = 0;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/charts/aeterna/ci", SOURCE_DIR);
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (!strstr(e->d_name, ".yaml"))
			continue;
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct ytree t;
		struct diag_list d = {0};
		assert_int_equal(ytree_load(&t, path, &d), 0);
		check_same_verdict(t.root, e->d_name, &invalid);
		ytree_free(&t);
		diag_list_free(&d);
		files++;
	}
	closedir(dh);
	assert_true(files >= 10);
	assert_int_equal(invalid, 0); /* the chart's own scenarios are valid */
	/* values that break the schema inside sections the defaults fill, and around them */
	static const char *const broken[] = {
		"image:\n  tag: 7\n",
		"replicaCount: -1\n",
		"postgresql:\n  external:\n    port: 70000\n",
		"postgresql:\n  bundled:\n    enabled: maybe\n",
		"server:\n  nosuchkey: 1\n",
		"nosuchsection: {}\n",
		"resources: []\n",
		"backup:\n  enabled: true\n  retentionDays: 0\n",
		"podSecurityContext:\n  runAsUser: x\n",
		"cache:\n  bundled:\n    engine: memcached\n",
	};
	size_t before = invalid;
	for (size_t i = 0; i < sizeof(broken) / sizeof(*broken); i++) {
		struct ytree t;
		struct diag_list d = {0};
		assert_int_equal(ytree_parse(&t, "broken.yaml", broken[i], strlen(broken[i]), &d), 0);
		check_same_verdict(t.root, broken[i], &invalid);
		ytree_free(&t);
		diag_list_free(&d);
	}
	assert_true(invalid - before >= 8); /* the broken values are found broken */
}

/* A mark stands for one schema node only: the same value checked by another one is checked. */
static void a_mark_is_for_one_schema_node(void **state)
{
	(void)state;
	json_t *j = json_loads("{\"properties\": {\"a\": {\"type\": \"object\"}},"
			       " \"allOf\": [{\"properties\": {\"a\": {\"required\": [\"x\"]}}}]}", 0, NULL);
	assert_non_null(j);
	struct ynode *schema = ynode_from_json(j);
	json_decref(j);
	struct diag_list d = {0};
	struct jschema *s = jschema_load_tree(schema, "s.json", true, &d);
	assert_non_null(s);
	struct ytree t;
	assert_int_equal(ytree_parse(&t, "v.yaml", "a: {}\n", 6, &d), 0);
	struct ynode *a = ynode_get(t.root, "a");
	a->valid_under_ = ynode_path(schema, "properties.a"); /* as if checked at build time */
	assert_int_equal(jschema_validate(s, t.root, &d), 1);
	assert_non_null(strstr(d.items[0].message, "'x' is required"));
	a->valid_under_ = ynode_get(schema->items[1]->items[0], "properties")->items[0]; /* now that one */
	assert_string_equal(schema->keys[1], "allOf");
	diag_list_free(&d);
	assert_int_equal(jschema_validate(s, t.root, &d), 0); /* skipped: a's mark says it passed */
	a->valid_under_ = NULL;
	ytree_free(&t);
	jschema_free(s);
	ynode_free(schema);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trees_are_the_files),
		cmocka_unit_test(schemas_pass_the_load_check),
		cmocka_unit_test(valid_marks_change_no_verdict),
		cmocka_unit_test(a_mark_is_for_one_schema_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
