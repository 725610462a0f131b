/* status_doc.c — `aeterna status`'s options and documentation: the parser (cmd_status.c),
 * --help, the man page and the completions all read this table. A file of its own so that the
 * static executable, which hands status to aeterna-net (net_helper.h), carries the documentation
 * without the network code. */
#include "cli_doc.h"
#include "docs.h"

static const struct cli_opt status_opts[] = {
	{ "config", 0, CLI_ARG_FILE, "FILE", NULL, NULL, "setup's answers (default: .aeterna/config.toml)", 0, 'c' },
	{ "timeout", 0, CLI_ARG_NUMBER, "MS", NULL, NULL,
	  "time allowed to each check, and to the whole run (default 2000)", 0, 't' },
	{ "json", 0, CLI_ARG_NONE, NULL, NULL, NULL,
	  "print the results as JSON (one array; with --watch, one object per line as each result arrives)", 0, 'j' },
	{ "watch", 0, CLI_ARG_NUMBER, "SECONDS", NULL, NULL, "repeat every SECONDS until interrupted", 0, 'w' },
	{ "server-url", 0, CLI_ARG_TEXT, "URL", NULL, "Overrides", "the Aeterna server (default http://localhost:8080)", 0, 1 },
	{ "postgres-host", 0, CLI_ARG_TEXT, "HOST", NULL, "Overrides", "PostgreSQL's host (default: from the configuration)", 0, 2 },
	{ "postgres-port", 0, CLI_ARG_NUMBER, "PORT", NULL, "Overrides", "PostgreSQL's port (default: from the configuration)", 0, 3 },
	{ "cache-host", 0, CLI_ARG_TEXT, "HOST", NULL, "Overrides", "the cache's host (default: from the configuration)", 0, 4 },
	{ "cache-port", 0, CLI_ARG_NUMBER, "PORT", NULL, "Overrides", "the cache's port (default: from the configuration)", 0, 5 },
	{ "vector-url", 0, CLI_ARG_TEXT, "URL", NULL, "Overrides", "the vector store", 0, 6 },
	{ "opal-url", 0, CLI_ARG_TEXT, "URL", NULL, "Overrides",
	  "the OPAL server (default http://localhost:7002 when OPAL is on)", 0, 7 },
	{ "backup-max-age", 0, CLI_ARG_NUMBER, "SECONDS", NULL, "Overrides",
	  "how old the newest backup may be before it is reported stale (default: 1.5 x the interval of backup.schedule; "
	  "36 h when the schedule is not an hourly, every-N-hours, daily or weekly form)", 0, 8 },
	{ "help", 'h', CLI_ARG_NONE, NULL, NULL, NULL, "show this help", 0, 'h' },
};

static const char status_description[] =
	"Checks every component the configuration names, all at once: the Aeterna server (/health, "
	"/ready), PostgreSQL (SELECT 1, version, extensions), the Redis-compatible cache (PING, AUTH when "
	"a password is set, INFO server), the vector store (Qdrant /readyz, Weaviate ready, MongoDB "
	"reachability), the OPAL server (/healthcheck), the central server and, with backups on (Kubernetes), "
	"the backup bucket: it lists <bucket>/<prefix>/ (S3 ListObjectsV2 signed with SigV4, GCS JSON API, Azure "
	"List Blobs; path-style for an S3 endpoint) and reports the newest object's age. Each check ends by the "
	"deadline whatever the server does (name resolution, connection, TLS, authentication and reply "
	"all count); replies are size-limited; results are printed as they arrive.\n\n"
	"States: up, down, timeout (no answer by the deadline), refused (nothing listens), protocol error "
	"(the answer is not the protocol expected, or is over its size limit), stale (the newest backup is older "
	"than 1.5 x the interval of backup.schedule: hourly, every N hours, daily and weekly forms; 36 h otherwise; "
	"--backup-max-age overrides), not checked (a managed service, or a backup bucket without credentials in "
	"the environment).";

const struct cli_doc status_doc = {
	.name = "status",
	.summary = "check every configured service live, concurrently",
	.synopsis = "[--config FILE] [--timeout MS] [--json] [--watch SECONDS] [overrides]",
	.description = status_description,
	.opts = status_opts,
	.nopts = sizeof(status_opts) / sizeof(status_opts[0]),
	.environment = "PGPASSWORD\toverrides the stored PostgreSQL password\n"
		       "AETERNA_CACHE_PASSWORD\toverrides the stored cache password\n"
		       "AWS_ACCESS_KEY_ID\tS3 access key that lists the backup bucket (without it: not checked)\n"
		       "AWS_SECRET_ACCESS_KEY\tits secret key (requests are signed with SigV4)\n"
		       "AWS_SESSION_TOKEN\tthe session token of temporary S3 credentials\n"
		       "AWS_REGION\tS3 region when the configuration names none (default us-east-1)\n"
		       "GOOGLE_OAUTH_ACCESS_TOKEN\tbearer token that lists a gcs bucket (gcloud auth print-access-token)\n"
		       "AZURE_STORAGE_SAS_TOKEN\tSAS token with list permission on the azure container\n"
		       "AETERNA_BACKUP_ENDPOINT\tobject store to list instead (S3-compatible URL; GCS: the URL before /storage/v1; "
		       "Azure: with the account, e.g. http://127.0.0.1:10000/devstoreaccount1)\n"
		       "NO_COLOR\tno colour even on a terminal",
	.exit_status = "0\tevery required component is up\n1\totherwise (a stale or missing backup included)\n2\tusage error",
	.examples = "aeterna status --config deploy/.aeterna/config.toml --timeout 1000 --json\tone round as JSON\n"
		    "aeterna status --server-url http://localhost:8080 --watch 5\tevery 5 seconds until Ctrl-C",
};

