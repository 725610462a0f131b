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
#include "objlist.h"

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

/* Backups: what the flags accept, the schedule's interval status derives its threshold from,
 * and the listing pages status reads (objlist.c, kept with the model it serves). */
static void test_backup_answers(void **state)
{
	(void)state;
	assert_true(model_cron_valid("0 3 * * *"));
	assert_true(model_cron_valid("15 */6 * * *"));
	assert_true(model_cron_valid("0 3 * * Mon-Fri"));
	assert_true(model_cron_valid("@daily"));
	assert_false(model_cron_valid("0 3 * *"));
	assert_false(model_cron_valid("0 3 * * * *"));
	assert_false(model_cron_valid("every day"));
	assert_false(model_cron_valid("0  3 * * *"));
	assert_false(model_cron_valid(""));
	assert_int_equal(model_cron_interval("0 3 * * *"), 86400);
	assert_int_equal(model_cron_interval("@hourly"), 3600);
	assert_int_equal(model_cron_interval("5 * * * *"), 3600);
	assert_int_equal(model_cron_interval("15 */6 * * *"), 6 * 3600);
	assert_int_equal(model_cron_interval("0 2 * * 0"), 7 * 86400);
	assert_int_equal(model_cron_interval("0 2 1 * *"), 0); /* monthly: not a form status reads */
	assert_int_equal(model_cron_interval("0 1,13 * * *"), 0);

	struct deployment d;
	model_init(&d);
	set(&d, "target", "kubernetes");
	set(&d, "backup", "true");
	set(&d, "backup-bucket", "aeterna-backups");
	set(&d, "backup-credentials-secret", "backup-s3");
	assert_int_equal(model_apply_defaults(&d, NULL), 0);
	assert_string_equal(d.backup_schedule, "0 3 * * *");
	assert_string_equal(d.backup_prefix, "aeterna");
	assert_int_equal(d.backup_retention_days, 30);
	assert_int_equal(d.backup_verify, 1);
	struct diag_list diags = {0};
	assert_int_equal(model_check(&d, &diags, "flags"), 0);
	set(&d, "backup-schedule", "daily");
	set(&d, "backup-provider", "azure");
	assert_int_equal(model_check(&d, &diags, "flags"), 2);
	assert_non_null(strstr(diags.items[0].message, "--backup-azure-account"));
	assert_non_null(strstr(diags.items[1].message, "--backup-schedule must be a five-field cron expression"));
	diag_list_free(&diags);
	model_free(&d);
}

static void test_backup_listing_pages(void **state)
{
	(void)state;
	static const char s3[] =
		"<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
		"<Prefix>aeterna/</Prefix><KeyCount>3</KeyCount><IsTruncated>true</IsTruncated>"
		"<Contents><Key>aeterna/postgresql/1/a.dump</Key><LastModified>2026-05-04T03:00:01.000Z</LastModified></Contents>"
		"<Contents><Key>aeterna/qdrant/2/c&amp;d.snapshot</Key><LastModified>2026-05-05T03:00:01.000Z</LastModified></Contents>"
		"<Contents><Key>aeterna/folder/</Key><LastModified>2026-06-05T03:00:01.000Z</LastModified></Contents>"
		"<NextContinuationToken>1/abc+=</NextContinuationToken></ListBucketResult>";
	struct objlist_page page;
	assert_int_equal(objlist_parse(OBJLIST_S3, s3, sizeof(s3) - 1, &page), 0);
	assert_int_equal(page.count, 2);
	assert_string_equal(page.newest_key, "aeterna/qdrant/2/c&d.snapshot");
	assert_int_equal(page.newest, objlist_time("2026-05-05T03:00:01Z"));
	assert_string_equal(page.next, "1/abc+=");
	/* cut anywhere, the page never reads past its end */
	for (size_t n = 0; n < sizeof(s3) - 1; n++)
		objlist_parse(OBJLIST_S3, s3, n, &page);

	static const char az[] =
		"<EnumerationResults ContainerName=\"c\"><Blobs><Blob><Name>aeterna/x.dump</Name><Properties>"
		"<Last-Modified>Mon, 04 May 2026 03:00:01 GMT</Last-Modified></Properties></Blob></Blobs><NextMarker/></EnumerationResults>";
	assert_int_equal(objlist_parse(OBJLIST_AZURE, az, sizeof(az) - 1, &page), 0);
	assert_int_equal(page.count, 1);
	assert_int_equal(page.newest, objlist_time("2026-05-04T03:00:01Z"));
	assert_string_equal(page.next, "");

	static const char gcs[] = "{\"items\":[{\"name\":\"p/a\",\"updated\":\"2026-05-04T05:00:01.5+02:00\"}],\"nextPageToken\":\"t\"}";
	assert_int_equal(objlist_parse(OBJLIST_GCS, gcs, sizeof(gcs) - 1, &page), 0);
	assert_int_equal(page.newest, objlist_time("2026-05-04T03:00:01Z"));
	assert_string_equal(page.next, "t");

	static const char err[] = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
	assert_int_equal(objlist_parse(OBJLIST_S3, err, sizeof(err) - 1, &page), -1);
	assert_string_equal(page.error_code, "AccessDenied");
	assert_string_equal(page.error_message, "Access Denied");
	static const char gerr[] = "{\"error\":{\"code\":403,\"message\":\"no\",\"errors\":[{\"reason\":\"forbidden\"}]}}";
	assert_int_equal(objlist_parse(OBJLIST_GCS, gerr, sizeof(gerr) - 1, &page), -1);
	assert_string_equal(page.error_code, "forbidden");

	assert_int_equal(objlist_time("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(objlist_time("Thu, 01 Jan 1970 00:01:00 GMT"), 60);
	assert_int_equal(objlist_time("2026-13-01T00:00:00Z"), -1);
	assert_int_equal(objlist_time("Thu, 01 Foo 1970 00:01:00 GMT"), -1);
	assert_int_equal(objlist_time("yesterday"), -1);

	char q[32] = "p=";
	assert_int_equal(objlist_query_escape(q, sizeof(q), "a/b c+~"), 0);
	assert_string_equal(q, "p=a%2Fb%20c%2B~");
	char small[8] = "x=";
	assert_int_equal(objlist_query_escape(small, sizeof(small), "////"), -1);
	assert_string_equal(small, "x=");
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
		cmocka_unit_test(test_backup_answers),
		cmocka_unit_test(test_backup_listing_pages),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
