/* Writers against golden files (cli/tests/golden/). AETERNA_UPDATE_GOLDEN=1 rewrites them;
 * review the diff before committing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "generate.h"
#include "model.h"
#include "values_merge.h"

struct golden_case {
	const char *name;
	const char *const *answers; /* flag, value, flag, value, ..., NULL */
};

static const char *const local_default[] = { "postgres-password", "pw-local", NULL };
static const char *const hybrid_full[] = {
	"mode", "hybrid", "central-url", "https://central.example.com", "central-credential", "ck",
	"vector-backend", "weaviate", "vector-deployment", "external", "weaviate-url", "https://w.example.com",
	"weaviate-api-key", "wk", "cache", "external", "cache-host", "redis.example.com", "cache-port", "6380",
	"cache-password", "cp", "postgres", "external", "postgres-host", "db.example.com",
	"postgres-password", "p\"w\\1", "llm", "openai", "llm-api-key", "sk-abcdefghijklmnopqrstuv",
	"opal", "true", "ingress", "true", "ingress-host", "m.example.com", "hpa", "true", "knowledge-repo", "https://github.com/acme/knowledge.git", NULL,
};
static const char *const compose_mongo[] = {
	"target", "docker-compose", "vector-backend", "mongodb", "cache", "valkey",
	"postgres-password", "pw$HOME-compose", "llm", "bedrock", "bedrock-region", "eu-west-1", NULL,
};
static const char *const remote_client[] = {
	"mode", "remote", "central-url", "https://c.example.com", "central-auth", "oauth2",
	"postgres-password", "pw-remote", NULL,
};

static const struct golden_case cases[] = {
	{ "local-default", local_default },
	{ "hybrid-full", hybrid_full },
	{ "compose-mongodb", compose_mongo },
	{ "remote-client", remote_client },
};

static void build(const struct golden_case *c, struct deployment *d)
{
	struct ae_error err;
	model_init(d);
	for (const char *const *a = c->answers; *a; a += 2)
		if (model_set_text(d, model_field_by_flag(a[0]), a[1], &err) < 0)
			fail_msg("%s", err.msg);
	assert_int_equal(model_apply_defaults(d, &err), 0);
	struct diag_list diags = {0};
	size_t errors = model_check(d, &diags, c->name);
	if (errors)
		fail_msg("%s: %s", c->name, diags.items[0].message);
	diag_list_free(&diags);
}

static void compare(const char *name, const char *file, const struct strbuf *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.%s", GOLDEN_DIR, name, file);
	const char *update = getenv("AETERNA_UPDATE_GOLDEN");
	if (update && *update == '1') {
		struct ae_error err;
		assert_int_equal(atomic_write_file(path, text->buf, text->len, NULL, NULL, &err), 0);
		return;
	}
	char *want = NULL;
	struct ae_error err;
	if (read_file(path, &want, NULL, NULL, &err) < 0)
		fail_msg("%s (run with AETERNA_UPDATE_GOLDEN=1 to create it)", err.msg);
	if (strcmp(want, strbuf_str(text)) != 0) {
		fprintf(stderr, "--- %s\n+++ generated\n%s\n", path, strbuf_str(text));
		free(want);
		fail_msg("%s differs from the golden file", path);
	}
	free(want);
}

static void test_golden(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct deployment d;
		build(&cases[i], &d);
		struct strbuf v = {0}, c = {0}, t = {0}, o = {0}, sec = {0}, env = {0};
		struct ae_error err;
		gen_values(&d, &v);
		gen_secrets(&d, &sec);
		gen_dotenv(&d, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", &env);
		gen_compose(&d, &c);
		model_save_toml(&d, &t);
		assert_int_equal(gen_opencode(&d, NULL, "opencode.json", &o, &err), 0);
		compare(cases[i].name, "values.yaml", &v);
		compare(cases[i].name, "docker-compose.yaml", &c);
		compare(cases[i].name, "config.toml", &t);
		compare(cases[i].name, "opencode.json", &o);
		compare(cases[i].name, "secrets.yaml", &sec);
		compare(cases[i].name, "env", &env);
		strbuf_free(&sec);
		strbuf_free(&env);
		strbuf_free(&v);
		strbuf_free(&c);
		strbuf_free(&t);
		strbuf_free(&o);
		model_free(&d);
	}
}

static void test_deterministic(void **state)
{
	(void)state;
	struct deployment d;
	build(&cases[1], &d);
	struct strbuf a = {0}, b = {0};
	gen_values(&d, &a);
	gen_values(&d, &b);
	assert_string_equal(strbuf_str(&a), strbuf_str(&b));
	strbuf_free(&a);
	strbuf_free(&b);
	model_free(&d);
}

static void test_config_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct deployment d, back;
		build(&cases[i], &d);
		struct strbuf t = {0}, t2 = {0};
		model_save_toml(&d, &t);
		model_init(&back);
		struct diag_list diags = {0};
		assert_int_equal(model_load_toml(&back, strbuf_str(&t), "config.toml", &diags), 0);
		model_save_toml(&back, &t2);
		assert_string_equal(strbuf_str(&t), strbuf_str(&t2));
		diag_list_free(&diags);
		strbuf_free(&t);
		strbuf_free(&t2);
		model_free(&d);
		model_free(&back);
	}
}

static void test_opencode_merge(void **state)
{
	(void)state;
	struct deployment d;
	build(&cases[0], &d);
	struct strbuf o = {0};
	struct ae_error err;
	assert_int_equal(gen_opencode(&d, "{\"theme\":\"x\",\"mcp\":{\"aeterna\":{\"type\":\"local\"},\"k\":{}}}", "f", &o, &err), 0);
	assert_non_null(strstr(strbuf_str(&o), "\"theme\": \"x\""));
	assert_non_null(strstr(strbuf_str(&o), "\"k\": {}"));
	assert_non_null(strstr(strbuf_str(&o), "\"type\": \"remote\""));
	strbuf_free(&o);
	assert_int_equal(gen_opencode(&d, "[1]", "f.json", &o, &err), -1);
	assert_non_null(strstr(err.msg, "f.json:1:1: the top level is not a JSON object"));
	assert_int_equal(gen_opencode(&d, "{\"mcp\": 3}", "f.json", &o, &err), -1);
	assert_non_null(strstr(err.msg, "\"mcp\" is not an object"));
	assert_int_equal(gen_opencode(&d, "{\n\"a\": }", "f.json", &o, &err), -1);
	assert_non_null(strstr(err.msg, "f.json:2:"));
	strbuf_free(&o);
	model_free(&d);
}

static void merge_expect(const char *existing, const char *generated, const char *previous, const char *want)
{
	struct strbuf out = {0};
	struct ae_error err;
	if (values_merge(existing, generated, previous, &out, &err) < 0)
		fail_msg("merge failed: %s", err.msg);
	assert_string_equal(strbuf_str(&out), want);
	strbuf_free(&out);
}

static void test_values_merge(void **state)
{
	(void)state;
	/* identity */
	merge_expect("a: 1\nb:\n  c: \"x\"\n", "a: 1\nb:\n  c: \"x\"\n", NULL, "a: 1\nb:\n  c: \"x\"\n");
	/* one-line value changed in place; comments and the user's keys stay */
	merge_expect("# top\na: 1  # why\nmine: 7\nb:\n  own: true\n  c: \"x\"\n",
		     "a: 2\nb:\n  c: \"y\"\n", NULL,
		     "# top\na: 2  # why\nmine: 7\nb:\n  own: true\n  c: \"y\"\n");
	/* new keys go under their parent (or at the end), in the file's indentation */
	merge_expect("b:\n    own: 1\nz: 0\n", "b:\n  c: 1\n  d:\n    e: 2\nn: 3\n", NULL,
		     "b:\n    own: 1\n    c: 1\n    d:\n      e: 2\nz: 0\nn: 3\n");
	/* keys the previous answers wrote and the new ones do not are removed */
	merge_expect("v:\n  backend: \"q\"\n  q:\n    url: \"u\"\n  mine: 1\n",
		     "v:\n  backend: \"p\"\n  p:\n    key: \"k\"\n",
		     "v:\n  backend: \"q\"\n  q:\n    url: \"u\"\n",
		     "v:\n  backend: \"p\"\n  mine: 1\n  p:\n    key: \"k\"\n");
	/* block values are replaced as blocks */
	merge_expect("t: |\n  old\n  text\nafter: 1\n", "t: |\n  new\n", NULL, "t: |\n  new\nafter: 1\n");
	/* a file that is not YAML is refused */
	struct strbuf out = {0};
	struct ae_error err;
	assert_int_equal(values_merge("a: [\n", "a: 1\n", NULL, &out, &err), -1);
	strbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_config_round_trip),
		cmocka_unit_test(test_opencode_merge),
		cmocka_unit_test(test_values_merge),
	};
	return cmocka_run_group_tests_name("generate", tests, NULL, NULL);
}
