/* The model: flag-value parsing, defaults per target and mode, relevance, checks, copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "generate.h"
#include "model.h"

static void set(struct deployment *d, const char *flag, const char *value)
{
	struct ae_error err;
	const struct field *f = model_field_by_flag(flag);
	assert_non_null(f);
	if (model_set_text(d, f, value, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_every_field_has_flag_key_and_help(void **state)
{
	(void)state;
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		assert_non_null(f->flag);
		assert_non_null(f->help);
		assert_ptr_equal(model_field_by_flag(f->flag), f);
		assert_ptr_equal(model_field_by_key(f->section, f->key), f);
		if (f->secret)
			assert_non_null(f->env);
		if (f->type == F_ENUM)
			assert_non_null(f->choices);
	}
}

static void test_parsing_values(void **state)
{
	(void)state;
	struct deployment d;
	struct ae_error err;
	model_init(&d);
	set(&d, "mode", "HYBRID");
	assert_int_equal(d.mode, MODE_HYBRID);
	set(&d, "vector-backend", "vertex_ai"); /* server spelling accepted */
	assert_int_equal(d.vector, VB_VERTEX_AI);
	set(&d, "cache-port", "6380");
	assert_int_equal(d.cache_port, 6380);
	set(&d, "opal", "yes");
	assert_int_equal(d.opal, 1);
	set(&d, "hpa", "off");
	assert_int_equal(d.hpa, 0);
	assert_int_equal(model_set_text(&d, model_field_by_flag("cache-port"), "0", &err), -1);
	assert_string_equal(err.msg, "--cache-port must be a whole number from 1 to 65535, got '0'");
	assert_int_equal(model_set_text(&d, model_field_by_flag("cache-port"), "70000", &err), -1);
	assert_int_equal(model_set_text(&d, model_field_by_flag("cache-port"), "12ab", &err), -1);
	assert_int_equal(model_set_text(&d, model_field_by_flag("opal"), "maybe", &err), -1);
	assert_string_equal(err.msg, "--opal must be true or false, got 'maybe'");
	assert_int_equal(model_set_text(&d, model_field_by_flag("llm"), "anthropic", &err), -1);
	assert_string_equal(err.msg, "--llm must be one of none, openai, openai-compatible, google, bedrock, got 'anthropic'");
	assert_int_equal(d.cache_port, 6380); /* failed parses leave the value */
	model_free(&d);
}

static void test_defaults_local_kubernetes(void **state)
{
	(void)state;
	struct deployment d;
	model_init(&d);
	assert_int_equal(model_apply_defaults(&d, NULL), 0);
	assert_int_equal(d.target, TARGET_KUBERNETES);
	assert_int_equal(d.mode, MODE_LOCAL);
	assert_int_equal(d.vector, VB_QDRANT);
	assert_int_equal(d.vector_placement, PLACE_BUNDLED);
	assert_string_equal(d.qdrant_url, "http://aeterna-qdrant:6334");
	assert_int_equal(d.cache, CACHE_DRAGONFLY);
	assert_string_equal(d.cache_host, "aeterna-dragonfly");
	assert_int_equal(d.postgres, PG_CLOUDNATIVEPG);
	assert_non_null(d.pg_password);
	assert_int_equal(strlen(d.pg_password), 24);
	assert_int_equal(d.llm, LLM_NONE);
	assert_int_equal(d.opal, 0);
	assert_int_equal(d.opencode, 1);
	assert_int_equal(d.ingress, 0);
	assert_int_equal(d.central_auth, UNSET);
	struct diag_list diags = {0};
	assert_int_equal(model_check(&d, &diags, "t"), 0);
	diag_list_free(&diags);
	model_free(&d);
}

static void test_defaults_keep_given_answers(void **state)
{
	(void)state;
	struct deployment d;
	model_init(&d);
	set(&d, "mode", "hybrid");
	set(&d, "sync-interval", "60");
	set(&d, "llm", "openai-compatible");
	set(&d, "postgres", "external");
	set(&d, "postgres-host", "db");
	assert_int_equal(model_apply_defaults(&d, NULL), 0);
	assert_int_equal(d.sync_interval, 60);
	assert_int_equal(d.cache_size_mb, 512);
	assert_int_equal(d.offline_cedar, 1);
	assert_int_equal(d.central_auth, AUTH_API_KEY);
	assert_string_equal(d.llm_base_url, "http://ollama:11434/v1");
	assert_int_equal(d.pg_port, 5432);
	assert_int_equal(d.pg_sslmode, SSL_PREFER);
	assert_null(d.pg_password);
	model_free(&d);
}

static void test_relevance(void **state)
{
	(void)state;
	struct deployment d;
	model_init(&d);
	set(&d, "mode", "remote");
	assert_int_equal(model_apply_defaults(&d, NULL), 0);
	assert_false(model_field_relevant(&d, model_field_by_flag("vector-backend")));
	assert_false(model_field_relevant(&d, model_field_by_flag("llm")));
	assert_true(model_field_relevant(&d, model_field_by_flag("central-url")));
	assert_true(model_field_relevant(&d, model_field_by_flag("postgres"))); /* the server needs it */
	assert_false(model_field_relevant(&d, model_field_by_flag("cache-size-mb")));
	set(&d, "target", "opencode-only");
	assert_false(model_field_relevant(&d, model_field_by_flag("postgres")));
	assert_false(model_field_relevant(&d, model_field_by_flag("ingress")));
	model_free(&d);
}

static void expect_diag(struct deployment *d, const char *needle)
{
	struct diag_list diags = {0};
	assert_int_equal(model_apply_defaults(d, NULL), 0);
	assert_true(model_check(d, &diags, "t") > 0);
	bool found = false;
	for (size_t i = 0; i < diags.len; i++)
		found |= strstr(diags.items[i].message, needle) != NULL;
	if (!found)
		fail_msg("no diagnostic containing '%s' (first: %s)", needle, diags.len ? diags.items[0].message : "none");
	diag_list_free(&diags);
}

static void test_checks_name_the_flag(void **state)
{
	(void)state;
	struct deployment d;
	model_init(&d);
	set(&d, "mode", "remote");
	expect_diag(&d, "missing --central-url (required for --mode remote)");
	model_free(&d);

	model_init(&d);
	set(&d, "mode", "hybrid");
	set(&d, "central-url", "https://x");
	expect_diag(&d, "missing --central-credential (required for --central-auth api-key; or set AETERNA_CENTRAL_CREDENTIAL");
	model_free(&d);

	model_init(&d);
	set(&d, "vector-backend", "qdrant");
	set(&d, "vector-deployment", "external");
	set(&d, "qdrant-url", "qdrant:6334");
	expect_diag(&d, "--qdrant-url must be an http:// or https:// URL with a host, got 'qdrant:6334'");
	model_free(&d);

	model_init(&d);
	set(&d, "cache", "external");
	set(&d, "cache-host", "Bad Host");
	expect_diag(&d, "--cache-host must be a DNS name");
	model_free(&d);

	model_init(&d);
	set(&d, "ingress", "true");
	expect_diag(&d, "missing --ingress-host (required for --ingress)");
	model_free(&d);

	model_init(&d);
	set(&d, "llm", "openai");
	set(&d, "llm-api-key", "sk-short");
	expect_diag(&d, "does not look like an OpenAI key");
	model_free(&d);
}

static void test_url_shapes(void **state)
{
	(void)state;
	assert_true(model_url_is_http("http://a"));
	assert_true(model_url_is_http("https://a.example.com:8443/x"));
	assert_false(model_url_is_http("https://"));
	assert_false(model_url_is_http("https:///x"));
	assert_false(model_url_is_http("ftp://a"));
	assert_false(model_url_is_http("http://a b"));
	assert_false(model_url_is_http("a.example.com"));
}

static void test_copy_is_deep(void **state)
{
	(void)state;
	struct deployment a, b;
	model_init(&a);
	model_init(&b);
	set(&a, "central-url", "https://x");
	set(&a, "cache-port", "7000");
	assert_int_equal(model_copy(&b, &a), 0);
	assert_ptr_not_equal(a.central_url, b.central_url);
	assert_string_equal(b.central_url, "https://x");
	assert_int_equal(b.cache_port, 7000);
	model_free(&a);
	assert_string_equal(b.central_url, "https://x");
	model_free(&b);
}

static void test_mcp_url(void **state)
{
	(void)state;
	struct deployment d;
	model_init(&d);
	assert_int_equal(model_apply_defaults(&d, NULL), 0);
	char *u = mcp_url(&d);
	assert_string_equal(u, "http://localhost:8080/mcp/sse");
	free(u);
	set(&d, "ingress", "true");
	set(&d, "ingress-tls", "true");
	set(&d, "ingress-host", "m.example.com");
	u = mcp_url(&d);
	assert_string_equal(u, "https://m.example.com/mcp/sse");
	free(u);
	set(&d, "mode", "remote");
	set(&d, "central-url", "https://central.example.com//");
	u = mcp_url(&d);
	assert_string_equal(u, "https://central.example.com/mcp/sse");
	free(u);
	model_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_has_flag_key_and_help),
		cmocka_unit_test(test_parsing_values),
		cmocka_unit_test(test_defaults_local_kubernetes),
		cmocka_unit_test(test_defaults_keep_given_answers),
		cmocka_unit_test(test_relevance),
		cmocka_unit_test(test_checks_name_the_flag),
		cmocka_unit_test(test_url_shapes),
		cmocka_unit_test(test_copy_is_deep),
		cmocka_unit_test(test_mcp_url),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
