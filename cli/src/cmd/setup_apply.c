/* setup_apply.c — a plan applied: the masked dry run, or the transaction (see setup.h); and what
 * setup prints after it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "facts.h"
#include "setup.h"
#include "textdiff.h"

void setup_print_dry_run(const struct setup_plan *p, const struct secret_set *secrets, const char *dir)
{
	printf("Dry run: nothing is written. Changes in %s (secrets masked):\n", dir);
	for (size_t i = 0; i < p->n; i++) {
		const struct setup_file *f = &p->files[i];
		struct strbuf now = {0}, was = {0}, diff = {0};
		mask_file_text(f->name, strbuf_str(&f->text), secrets, &now);
		if (!f->current) {
			printf("\n--- %s (new)\n%s", f->name, strbuf_str(&now));
		} else if (!strcmp(f->current, strbuf_str(&f->text))) {
			printf("\n--- %s (unchanged)\n", f->name);
		} else {
			mask_file_text(f->name, f->current, secrets, &was);
			struct strbuf a = {0}, b = {0};
			strbuf_printf(&a, "%s (current)", f->name);
			strbuf_printf(&b, "%s (new)", f->name);
			text_diff(strbuf_str(&was), strbuf_str(&now), strbuf_str(&a), strbuf_str(&b), &diff);
			printf("\n%s", strbuf_str(&diff));
			if (!diff.len) /* only a secret changed */
				printf("--- %s (a secret changes)\n", f->name);
			strbuf_free(&a);
			strbuf_free(&b);
		}
		strbuf_free(&now);
		strbuf_free(&was);
		strbuf_free(&diff);
	}
}

static int mkdir_p(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST) /* mostly the parent is there */
		return 0;
	if (errno != ENOENT)
		return -1;
	char *copy = strdup(path);
	if (!copy)
		return -1;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST) {
			free(copy);
			return -1;
		}
		*p = '/';
	}
	int rc = mkdir(copy, mode) < 0 && errno != EEXIST ? -1 : 0;
	free(copy);
	return rc;
}

static char *parent_of(const char *path)
{
	char *p = strdup(path);
	char *slash = p ? strrchr(p, '/') : NULL;
	if (slash && slash != p)
		*slash = '\0';
	else if (p)
		strcpy(p, ".");
	return p;
}

/* The files as they are now still match what the plan read (another run may have written). */
static const char *changed_since_plan(const struct setup_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		char *now = NULL;
		int e = 0;
		bool exists = read_file(p->files[i].path, &now, NULL, &e, NULL) == 0;
		bool same = exists ? p->files[i].current && !strcmp(now, p->files[i].current) : !p->files[i].current;
		free(now);
		if (!same)
			return p->files[i].name;
	}
	return NULL;
}

/* Test hook (setup_safety_test.py): with AETERNA_TEST_HOLD_STAGED=SECONDS, a run stops between
 * staging and replacing, says so on stderr, and waits, so that a test can signal it there. */
static void test_hold_staged(void)
{
	const char *hold = getenv("AETERNA_TEST_HOLD_STAGED");
	if (!hold || !*hold)
		return;
	fprintf(stderr, "aeterna setup: (test) files staged, waiting\n");
	fflush(stderr);
	for (int left = atoi(hold); left > 0;)
		left = (int)sleep((unsigned)left);
}

int setup_lock(const char *dir, struct ae_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ae_error_errno(err, errno, "-o %s: cannot open the output folder", dir);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			ae_error_set(err, "another aeterna setup is writing to %s; nothing was written (run again when it has finished)", dir);
		else
			ae_error_errno(err, errno, "-o %s: cannot lock the output folder", dir);
		close(fd);
		return -1;
	}
	return fd;
}

int setup_write(const struct setup_plan *p, const char *dir, bool dir_missing, int held, bool written[SETUP_MAX_FILES],
		char *backups[SETUP_MAX_FILES], struct ae_error *err)
{
	int rc = -1, lock = -1;
	struct atomic_batch batch = {0};
	size_t staged_of[SETUP_MAX_FILES];
	char *aeterna_dir = NULL;
	bool made_aeterna_dir = false;
	for (size_t i = 0; i < SETUP_MAX_FILES; i++) {
		written[i] = false;
		backups[i] = NULL;
	}
	if (dir_missing && mkdir_p(dir, 0755) < 0)
		return ae_error_errno(err, errno, "-o %s: cannot create the output folder", dir);
	/* one run at a time per folder: held since the plan read the files, or taken now (and then
	 * the files must still be what the plan read: another run may have written meanwhile) */
	if (held < 0 && (lock = setup_lock(dir, err)) < 0)
		goto out;
	const char *changed = held < 0 ? changed_since_plan(p) : NULL;
	if (changed) {
		ae_error_set(err, "%s/%s changed while this run was preparing (another aeterna setup?); nothing was written "
			     "(run again)", dir, changed);
		goto out;
	}
	/* temporary files of a run that was killed: nobody else can be staging now */
	const char *mine[SETUP_MAX_FILES];
	size_t nmine = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->files[i].in_output_dir)
			mine[nmine++] = p->files[i].path;
	atomic_clean_stale_all(mine, nmine);
	aeterna_dir = strdup(dir);
	struct strbuf sb = {0};
	strbuf_printf(&sb, "%s/.aeterna", dir);
	free(aeterna_dir);
	aeterna_dir = strbuf_failed(&sb) ? NULL : strbuf_detach(&sb);
	if (!aeterna_dir) {
		strbuf_free(&sb);
		ae_error_set(err, "out of memory");
		goto out;
	}
	made_aeterna_dir = mkdir(aeterna_dir, 0700) == 0;
	if (!made_aeterna_dir && errno != EEXIST) {
		ae_error_errno(err, errno, "cannot create %s", aeterna_dir);
		goto out;
	}
	size_t dlen = strlen(dir);
	for (size_t i = 0; i < p->n; i++) {
		const char *path = p->files[i].path, *slash = strrchr(path, '/');
		if (p->files[i].in_output_dir || (slash && (size_t)(slash - path) == dlen && !strncmp(path, dir, dlen)))
			continue; /* in the output folder, which exists */
		char *parent = parent_of(p->files[i].path);
		int r = parent ? mkdir_p(parent, 0755) : -1;
		if (r < 0)
			ae_error_errno(err, errno, "cannot create %s", parent ? parent : "a folder");
		free(parent);
		if (r < 0)
			goto out;
	}
	atomic_cleanup_on_signals();
	for (size_t i = 0; i < p->n; i++) {
		const struct setup_file *f = &p->files[i];
		if (f->current && !strcmp(f->current, strbuf_str(&f->text)))
			continue;
		/* under the lock, a file the plan found missing still is (no lstat; the rename still
		 * refuses to replace one that appeared) */
		struct atomic_write_opts o = { .mode = f->mode, .backup = true, .absent = !f->current };
		staged_of[i] = batch.len;
		struct ae_error e2;
		if (atomic_batch_add(&batch, f->path, f->text.buf, f->text.len, &o, &e2) < 0) {
			ae_error_set(err, "%s; nothing was written", e2.msg);
			goto out;
		}
		written[i] = true;
	}
	test_hold_staged();
	if (atomic_batch_commit(&batch, err) < 0) {
		for (size_t i = 0; i < SETUP_MAX_FILES; i++)
			written[i] = false;
		goto out;
	}
	for (size_t i = 0; i < p->n; i++)
		if (written[i]) {
			backups[i] = batch.items[staged_of[i]].backup_path;
			batch.items[staged_of[i]].backup_path = NULL;
		}
	rc = 0;
out:
	atomic_batch_free(&batch);
	if (rc < 0) { /* the folders this run made, when still empty */
		if (made_aeterna_dir && aeterna_dir)
			rmdir(aeterna_dir);
		if (dir_missing)
			rmdir(dir);
	}
	free(aeterna_dir);
	if (lock >= 0)
		close(lock);
	return rc;
}

void setup_print_next_steps(const struct deployment *d, const struct setup_plan *p, const char *dir)
{
	printf("\nNext steps:\n");
	if (d->target == TARGET_KUBERNETES) {
		bool mongo = model_has_stores(d) && d->vector == VB_MONGODB && model_vector_bundled(d);
		if (d->postgres == PG_CLOUDNATIVEPG)
			printf("  # once per cluster: the CloudNativePG operator (runs the bundled PostgreSQL)\n"
			       "  helm repo add cnpg https://cloudnative-pg.github.io/charts\n"
			       "  helm install cnpg cnpg/cloudnative-pg -n cnpg-system --create-namespace\n");
		printf("  kubectl create namespace aeterna\n");
		if (mongo)
			printf("  # once per namespace: the Percona operator (runs the bundled MongoDB)\n"
			       "  helm repo add percona https://percona.github.io/percona-helm-charts\n"
			       "  helm install psmdb-operator percona/psmdb-operator -n aeterna\n");
		printf("  # once: fetch the dragonfly, valkey, qdrant and weaviate subcharts\n"
		       "  helm repo add valkey https://valkey.io/valkey-helm/\n"
		       "  helm repo add qdrant https://qdrant.github.io/qdrant-helm\n"
		       "  helm repo add weaviate https://weaviate.github.io/weaviate-helm\n"
		       "  helm dependency build charts/aeterna\n");
		if (d->secrets_mode == SECRETS_EXTERNAL)
			printf("  # the External Secrets Operator and ClusterSecretStore %s: values.yaml lists the keys to store (aeterna/<key>)\n",
			       d->secret_store);
		else
			printf("  kubectl -n aeterna apply -f %s/secrets.yaml   # the secrets values.yaml refers to\n", dir);
		if (model_backup_on(d) && d->backup_credentials_secret && *d->backup_credentials_secret) {
			static const char *const keys[] = { "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", "credentials.json",
							    "AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY" };
			int prov = d->backup_provider >= BACKUP_S3 && d->backup_provider <= BACKUP_AZURE ? d->backup_provider : BACKUP_S3;
			printf("  # backups: create the Secret %s with the keys %s first (docs/backup-restore.md)\n",
			       d->backup_credentials_secret, keys[prov]);
		}
		printf("  helm install aeterna charts/aeterna -n aeterna -f %s/values.yaml\n", dir);
		printf("  kubectl -n aeterna rollout status deployment/aeterna\n");
		if (model_has_stores(d) && model_vector_bundled(d) && d->vector == VB_QDRANT)
			/* the qdrant chart's own test pod runs as root: skipped (charts/aeterna/README.md) */
			printf("  helm test aeterna -n aeterna --filter '!name=aeterna-qdrant-test-db-interaction'\n");
		else
			printf("  helm test aeterna -n aeterna\n");
		printf("  Authentication is off (auth.allowUnauthenticated: true in values.yaml): any caller can claim any\n"
		       "  identity and role. Turn on auth.plugin or auth.kubernetes before the server is reachable by\n"
		       "  others (charts/aeterna/README.md, \"Security\").\n");
	} else if (d->target == TARGET_COMPOSE) {
		printf("  cd %s && docker compose up -d\n", dir);
		printf("  aeterna status        # every service of the stack (or: curl http://localhost:" PORT_SERVER_S "/health)\n");
	}
	if (p->opencode)
		printf("  OpenCode: restart it to pick up the 'aeterna' MCP server (%s)%s\n", p->files[p->n - 1].path,
		       d->mode != MODE_LOCAL && d->central_auth == AUTH_API_KEY
			       ? "; export AETERNA_API_KEY with your central API key first" : "");
	if (d->mode == MODE_HYBRID)
		printf("  Note: cache size, offline Cedar agent and sync interval are recorded in\n"
		       "  .aeterna/config.toml; server " AETERNA_SERVER_VERSION " has no setting for them yet.\n");
	if (d->cache_password && *d->cache_password && model_runs_server(d))
		printf("  Note: server " AETERNA_SERVER_VERSION " connects to the cache without a password;\n"
		       "  the cache must accept unauthenticated connections from it.\n");
	if (d->postgres == PG_EXTERNAL && model_runs_server(d) && d->pg_sslmode != SSL_PREFER && d->pg_sslmode != UNSET)
		printf("  Note: sslmode %s is recorded; server " AETERNA_SERVER_VERSION " has no TLS setting for PostgreSQL.\n",
		       model_choice(d, FLD_POSTGRES_SSLMODE));
}

static void show_answer(void *ctx, const struct field *f, bool new_section)
{
	if (new_section)
		printf("\n[%s]\n", f->section);
	struct strbuf v = {0};
	model_format(ctx, f, true, &v);
	printf("  %-22s %s\n", f->key, strbuf_str(&v));
	strbuf_free(&v);
}

void setup_print_answers(const struct deployment *d, const char *dir)
{
	printf("Configuration in %s/.aeterna/config.toml (secrets masked):\n", dir);
	model_each_answer(d, show_answer, (void *)d);
}
