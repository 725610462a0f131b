/* The JSON Schema Test Suite (Debian's json-schema-test-suite, draft7) through jschema: one
 * cmocka test per keyword file. Every group runs except the explicit skip list below. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jschema.h"
#include "ytree.h"

#ifndef SUITE_DIR
#define SUITE_DIR "/usr/share/json-schema-test-suite/tests/draft7"
#endif

/* Not run, and why. Files: */
static const char *const skip_files[] = {
	"refRemote.json", /* remote references (http://localhost:1234/…): only local $ref is supported */
	"definitions.json", /* validates against the draft-07 metaschema, a remote reference */
	NULL,
};
/* Groups (by description) of files that otherwise run: */
static const char *const skip_groups[] = {
	/* ref.json: resolution through $id base URIs and remote documents, not local pointers */
	"remote ref, containing refs itself",
	"Recursive references between schemas",
	"Location-independent identifier",
	"Location-independent identifier with absolute URI",
	"Location-independent identifier with base URI change in subschema",
	"$ref prevents a sibling $id from changing the base uri",
	"refs with relative uris and defs",
	"relative refs with absolute uris and defs",
	"simple URN base URI with $ref via the URN",
	"simple URN base URI with JSON pointer",
	"URN base URI with NSS",
	"URN base URI with r-component",
	"URN base URI with q-component",
	"URN base URI with URN and JSON pointer ref",
	"URN base URI with URN and anchor ref",
	"$id with file URI still resolves pointers - *nix",
	"$id with file URI still resolves pointers - windows",
	"empty tokens in $ref json-pointer",
	"$ref to $ref finds detached $anchor",
	"refs with quote",
	/* ref.json: keeps subschemas under non-keyword keys ("tilda~field") at the root; an
	 * unknown keyword is a load error here by design */
	"escaped pointer ref",
	NULL,
};

static bool listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

static void run_file(void **state)
{
	const char *path = *state;
	json_error_t jerr;
	json_t *groups = json_load_file(path, 0, &jerr);
	if (!groups)
		fail_msg("%s: %s", path, jerr.text);
	size_t gi;
	json_t *group;
	int failures = 0;
	json_array_foreach(groups, gi, group) {
		const char *gdesc = json_string_value(json_object_get(group, "description"));
		if (listed(skip_groups, gdesc))
			continue;
		struct diag_list diags = {0};
		struct jschema *s = jschema_load(json_object_get(group, "schema"), path, &diags);
		if (!s) {
			print_error("%s: group '%s': schema rejected: %s\n", path, gdesc,
				    diags.len ? diags.items[0].message : "?");
			failures++;
			diag_list_free(&diags);
			continue;
		}
		size_t ti;
		json_t *test;
		json_array_foreach(json_object_get(group, "tests"), ti, test) {
			struct ynode *data = ynode_from_json(json_object_get(test, "data"));
			assert_non_null(data);
			struct diag_list errs = {0};
			int n = jschema_validate(s, data, &errs);
			bool want = json_is_true(json_object_get(test, "valid"));
			if (n < 0 || (n == 0) != want) {
				print_error("%s: '%s' / '%s': expected %s, got %s%s%s\n", path, gdesc,
					    json_string_value(json_object_get(test, "description")), want ? "valid" : "invalid",
					    n == 0 ? "valid" : "invalid", errs.len ? ": " : "", errs.len ? errs.items[0].message : "");
				failures++;
			}
			diag_list_free(&errs);
			ynode_free(data);
		}
		jschema_free(s);
		diag_list_free(&diags);
	}
	json_decref(groups);
	assert_int_equal(failures, 0);
}

/* Load-time errors: an unknown keyword, a remote $ref, a bad pattern. */
static void load_errors(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{ "{\"properties\": {\"a\": {\"tpye\": \"string\"}}}", "unknown keyword 'tpye'" },
		{ "{\"$ref\": \"http://example.com/s.json\"}", "only local references" },
		{ "{\"pattern\": \"(\"}", "bad pattern" },
		{ "{\"type\": \"strnig\"}", "unknown type 'strnig'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = json_loads(bad[i][0], 0, NULL);
		assert_non_null(j);
		struct diag_list d = {0};
		assert_null(jschema_load(j, "s.json", &d));
		assert_true(d.len >= 1);
		assert_non_null(strstr(d.items[0].message, bad[i][1]));
		diag_list_free(&d);
		json_decref(j);
	}
}

/* Errors name the key path and sit at the value's (or the unknown key's) position. */
static void errors_have_paths_and_positions(void **state)
{
	(void)state;
	json_t *j = json_loads("{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
			       "\"pg\": {\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
			       "\"port\": {\"type\": \"integer\", \"minimum\": 1}, \"mode\": {\"enum\": [\"a\", \"b\"]}}}}}",
			       0, NULL);
	assert_non_null(j);
	struct diag_list d = {0};
	struct jschema *s = jschema_load(j, "s.json", &d);
	assert_non_null(s);
	struct ytree t;
	const char *text = "pg:\n  port: 0\n  mode: c\n  extra: 1\ntop: x\n";
	assert_int_equal(ytree_parse(&t, "v.yaml", text, strlen(text), &d), 0);
	assert_int_equal(jschema_validate(s, t.root, &d), 4);
	diag_sort(&d);
	assert_int_equal(d.items[0].line, 2);
	assert_int_equal(d.items[0].col, 9);
	assert_string_equal(d.items[0].message, "pg.port: must be at least 1, not 0");
	assert_int_equal(d.items[1].line, 3);
	assert_non_null(strstr(d.items[1].message, "pg.mode: must be one of [\"a\",\"b\"]"));
	assert_int_equal(d.items[2].line, 4);
	assert_int_equal(d.items[2].col, 3);
	assert_string_equal(d.items[2].message, "pg.extra: unknown key 'extra' (not allowed here by the schema)");
	assert_int_equal(d.items[3].line, 5);
	ytree_free(&t);
	jschema_free(s);
	json_decref(j);
	diag_list_free(&d);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct CMUnitTest *)a)->name, ((const struct CMUnitTest *)b)->name);
}

int main(void)
{
	DIR *d = opendir(SUITE_DIR);
	if (!d) {
		fprintf(stderr, "%s: %s (install the json-schema-test-suite package)\n", SUITE_DIR, "cannot open");
		return 1;
	}
	struct CMUnitTest tests[128];
	char *paths[128];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 120) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") || listed(skip_files, e->d_name))
			continue;
		paths[n] = malloc(strlen(SUITE_DIR) + len + 2);
		sprintf(paths[n], "%s/%s", SUITE_DIR, e->d_name);
		tests[n] = (struct CMUnitTest){ strdup(e->d_name), run_file, NULL, NULL, paths[n] };
		n++;
	}
	closedir(d);
	qsort(tests, n, sizeof(tests[0]), by_name);
	tests[n++] = (struct CMUnitTest){ strdup("load_errors"), load_errors, NULL, NULL, NULL };
	tests[n++] = (struct CMUnitTest){ strdup("errors_have_paths_and_positions"), errors_have_paths_and_positions, NULL, NULL, NULL };
	int rc = _cmocka_run_group_tests("json-schema-test-suite draft7", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		free((char *)tests[i].name);
		free(tests[i].initial_state);
	}
	return rc;
}
