/* ytree: positions, Helm's scalar rules, the pitfalls it reports, and values-file merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ytree.h"
#include "ytree_internal.h"

static struct ynode *parse(struct ytree *t, const char *text, struct diag_list *d)
{
	assert_int_equal(ytree_parse(t, "v.yaml", text, strlen(text), d), 0);
	return t->root;
}

static void positions_and_types(void **state)
{
	(void)state;
	struct ytree t;
	struct diag_list d = {0};
	struct ynode *r = parse(&t, "a:\n  b: 12\n  c: \"x\"\n  d: 0x1F\n  e: 1.5\n  f: ~\n  g: [1, two]\n", &d);
	struct ynode *b = ynode_path(r, "a.b");
	assert_non_null(b);
	assert_int_equal(b->kind, Y_INT);
	assert_int_equal(b->integer, 12);
	assert_int_equal(b->line, 2);
	assert_int_equal(b->col, 6);
	assert_int_equal(ynode_path(r, "a.c")->kind, Y_STRING);
	assert_int_equal(ynode_path(r, "a.d")->integer, 31);
	assert_int_equal(ynode_path(r, "a.e")->kind, Y_FLOAT);
	assert_int_equal(ynode_path(r, "a.f")->kind, Y_NULL);
	struct ynode *g = ynode_path(r, "a.g");
	assert_int_equal(g->kind, Y_SEQ);
	assert_int_equal(g->len, 2);
	assert_string_equal(g->items[1]->text, "two");
	assert_int_equal(d.len, 0);
	size_t len;
	const char *line = ytree_line(&t, 2, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(line, "  b: 12", 7);
	ytree_free(&t);
	diag_list_free(&d);
}

static void yaml11_booleans_warn(void **state)
{
	(void)state;
	struct ytree t;
	struct diag_list d = {0};
	struct ynode *r = parse(&t, "x: yes\ny: \"no\"\nz: Off\n", &d);
	assert_int_equal(ynode_get(r, "x")->kind, Y_BOOL);
	assert_true(ynode_get(r, "x")->boolean);
	assert_int_equal(ynode_get(r, "y")->kind, Y_STRING);
	assert_false(ynode_get(r, "z")->boolean);
	assert_int_equal(d.len, 2);
	assert_int_equal(d.items[0].severity, DIAG_WARNING);
	assert_int_equal(d.items[0].line, 1);
	assert_non_null(strstr(d.items[0].message, "boolean true"));
	ytree_free(&t);
	diag_list_free(&d);
}

static void duplicate_keys_and_tabs_are_errors(void **state)
{
	(void)state;
	struct ytree t;
	struct diag_list d = {0};
	const char *dup = "a: 1\nb: 2\na: 3\n";
	assert_int_equal(ytree_parse(&t, "v.yaml", dup, strlen(dup), &d), -1);
	assert_int_equal(d.len, 1);
	assert_int_equal(d.items[0].line, 3);
	assert_non_null(strstr(d.items[0].message, "duplicate key 'a'"));
	ytree_free(&t);
	diag_list_free(&d);
	const char *tab = "a:\n\tb: 1\n";
	assert_int_equal(ytree_parse(&t, "v.yaml", tab, strlen(tab), &d), -1);
	assert_true(d.len >= 1);
	assert_int_equal(d.items[0].line, 2);
	ytree_free(&t);
	diag_list_free(&d);
}

static void anchors_and_merge_keys(void **state)
{
	(void)state;
	struct ytree t;
	struct diag_list d = {0};
	struct ynode *r = parse(&t, "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nl: *b\n", &d);
	assert_int_equal(ynode_path(r, "c.x")->integer, 1);
	assert_int_equal(ynode_path(r, "c.y")->integer, 3);
	assert_int_equal(ynode_path(r, "l.y")->integer, 2);
	ytree_free(&t);
	diag_list_free(&d);
}

static void merge_like_helm(void **state)
{
	(void)state;
	struct ytree a, b;
	struct diag_list d = {0};
	parse(&a, "m: {x: 1, y: 2}\nl: [1, 2]\nk: keep\ngone: 1\n", &d);
	parse(&b, "m: {y: 3, z: 4}\nl: [9]\ngone: null\n", &d);
	struct ynode *merged = ynode_clone(a.root);
	assert_int_equal(ynode_merge(&merged, b.root), 0);
	assert_int_equal(ynode_path(merged, "m.x")->integer, 1);
	assert_int_equal(ynode_path(merged, "m.y")->integer, 3);
	assert_int_equal(ynode_path(merged, "m.z")->integer, 4);
	assert_int_equal(ynode_get(merged, "l")->len, 1);
	assert_string_equal(ynode_get(merged, "k")->text, "keep");
	assert_null(ynode_get(merged, "gone"));
	/* positions follow the file that supplied the value */
	assert_int_equal(ynode_path(merged, "m.y")->line, 1);
	assert_ptr_equal(ynode_path(merged, "m.y")->file, b.file);
	ynode_free(merged);
	ytree_free(&a);
	ytree_free(&b);
	diag_list_free(&d);
}

static void truthiness(void **state)
{
	(void)state;
	struct ytree t;
	struct diag_list d = {0};
	struct ynode *r = parse(&t, "a: \"\"\nb: 0\nc: x\nd: []\ne: {k: 1}\nf: false\n", &d);
	assert_false(ynode_truthy(ynode_get(r, "a")));
	assert_false(ynode_truthy(ynode_get(r, "b")));
	assert_true(ynode_truthy(ynode_get(r, "c")));
	assert_false(ynode_truthy(ynode_get(r, "d")));
	assert_true(ynode_truthy(ynode_get(r, "e")));
	assert_false(ynode_truthy(ynode_get(r, "f")));
	assert_false(ynode_truthy(ynode_get(r, "missing")));
	ytree_free(&t);
	diag_list_free(&d);
}

/* The fast path takes text, and gives libfyaml's tree, or declines it. */
static void fast_same(const char *text, bool accepted)
{
	struct ynode *fast = NULL;
	int fr = ytree_fast_parse("v.yaml", text, strlen(text), &fast);
	if (fr != (accepted ? 1 : 0))
		fail_msg("the fast path %s:\n%s", accepted ? "declines" : "accepts", text);
	struct ytree a, b;
	struct diag_list da = {0}, db = {0};
	int ra = ytree_parse(&a, "v.yaml", text, strlen(text), &da);
	int rb = ytree_parse_ex(&b, "v.yaml", text, strlen(text), &db, YTREE_NO_FAST);
	assert_int_equal(ra, rb);
	assert_int_equal(da.len, db.len);
	if (fast) {
		assert_int_equal(rb, 0);
		if (!ynode_identical(fast, b.root))
			fail_msg("the fast path's tree differs from libfyaml's:\n%s", text);
	}
	if (ra == 0)
		assert_true(ynode_identical(a.root, b.root));
	ynode_free(fast);
	ytree_free(&a);
	ytree_free(&b);
	diag_list_free(&da);
	diag_list_free(&db);
}

static void fast_path_subset(void **state)
{
	(void)state;
	/* what the writers produce: quoted strings with escapes, integers, booleans, nesting,
	 * block sequences of scalars and of mappings, flow sequences, {} and [], literal blocks,
	 * comments, blank lines, quoted keys, characters beyond ASCII (columns count characters) */
	fast_same("# head\nname: \"aeterna\"\nservices:\n  a:\n    image: \"x:1\"\n    n: -12\n    z: 0\n"
		  "    ok: true\n    no: false\n    command: [\"serve\", \"--port\", \"8080\"]\n    e: []\n    m: {}\n"
		  "\n    # inner comment\n    ports:\n      - \"127.0.0.1:1:1\"\n      - 5\n  b:\n    - k: \"v\"\n      j: 1\n"
		  "    - \"s\"\n\"quoted key\": \"t\\\"q\\\\b\\n\\u00e9\\u20ac\\/\"\nblock: |\n  line 1\n\n    indented\n  # not a comment\n\n"
		  "after: \"\xc3\xa9t\xc3\xa9\"\n\"\xc3\xa9\": \"\xe2\x82\xac x\"\n", true);
	fast_same("a:\n  - b: |\n      text\n    c: 2\n", true);
	/* outside the subset: declined, and libfyaml's path decides (same verdict, same diagnostics) */
	static const char *const outside[] = {
		"a: plain\n", "a: 1.5\n", "a: ~\n", "a: yes\n", "a: 0x1F\n", "a: 007\n", "a: 1 # c\n",
		"a: \"x\" # c\n", "a: &x \"1\"\nb: *x\n", "a: !!str \"1\"\n", "a: \"x\"\na: \"y\"\n",
		"a:\n\tb: 1\n", "a: \"x\"\r\n", "a: \"x\"", "---\na: 1\n", "a:\n- 1\n", "a:\nb: 1\n",
		"- 1\n", "a: |-\n  x\n", "a: |\n\n  x\n", "a: |\n  x\n   \n", "a: \"x\\ty\\u0000\"\n",
		"a: \"\\ud800\"\n", "a: \"x\\q\"\n", "a: [\"x\",\"y\"]\n", "a: [1, 2]\n", "a: {b: 1}\n",
		"a:  \"x\"\n", "a: \"x\" \n", "1: \"x\"\n", "a b: 1\n", "a:\n  b: 1\n c: 2\n", "a: 123456789012345678901\n",
		"<<: {}\n", "a: \"multi\n  line\"\n", "%YAML 1.1\n---\na: 1\n", "a: \"\x01\"\n", "a: 1\n...\n",
	};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		fast_same(outside[i], false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(positions_and_types),
		cmocka_unit_test(yaml11_booleans_warn),
		cmocka_unit_test(duplicate_keys_and_tabs_are_errors),
		cmocka_unit_test(anchors_and_merge_keys),
		cmocka_unit_test(merge_like_helm),
		cmocka_unit_test(truthiness),
		cmocka_unit_test(fast_path_subset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
