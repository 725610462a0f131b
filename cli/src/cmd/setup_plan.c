/* setup_plan.c — answers → the files' texts (see setup.h). Reads the current files, writes none. */
/* realpath(3) is XSI */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "generate.h"
#include "setup.h"
#include "values_check.h"
#include "values_merge.h"

static char *path_join(const char *a, const char *b)
{
	struct strbuf sb = {0};
	strbuf_printf(&sb, "%s/%s", a, b);
	return strbuf_failed(&sb) ? (strbuf_free(&sb), NULL) : strbuf_detach(&sb);
}

char *setup_opencode_path(int scope, const char *dir, struct ae_error *err)
{
	struct strbuf sb = {0};
	if (scope == OPENCODE_USER) {
		const char *xdg = getenv("XDG_CONFIG_HOME");
		const char *home = getenv("HOME");
		if (xdg && *xdg)
			strbuf_printf(&sb, "%s/opencode/opencode.json", xdg);
		else if (home && *home)
			strbuf_printf(&sb, "%s/.config/opencode/opencode.json", home);
		else {
			ae_error_set(err, "--opencode-scope user: neither XDG_CONFIG_HOME nor HOME is set");
			return NULL;
		}
	} else {
		/* OpenCode reads a project's opencode.json at the root of its git work tree (or the
		 * folder it runs in), not in a deployment folder inside the project. Deployment files
		 * written outside the current project (e.g. -o /srv/aeterna) keep the entry next to them.
		 * (Paths are allocated to their size: four PATH_MAX buffers would cost the stack pages.) */
		char *cwd = getcwd(NULL, 0);
		if (!cwd) {
			ae_error_errno(err, errno, "cannot tell the current folder (for opencode.json)");
			return NULL;
		}
		size_t rl = strlen(cwd); /* the project root: cwd[0..rl) */
		struct strbuf probe = {0};
		for (size_t up = rl;;) {
			probe.len = 0;
			strbuf_add(&probe, cwd, up);
			strbuf_puts(&probe, "/.git");
			if (strbuf_failed(&probe) || access(strbuf_str(&probe), F_OK) == 0) {
				rl = up;
				break;
			}
			while (up > 0 && cwd[up - 1] != '/')
				up--;
			if (up <= 1) /* "/" reached: no work tree; the current folder is the root */
				break;
			up--;
		}
		/* the output folder, or its nearest existing parent, resolved */
		probe.len = 0;
		strbuf_puts(&probe, dir);
		char *out = NULL;
		int rerr = ENOMEM;
		while (!strbuf_failed(&probe) && !(out = realpath(strbuf_str(&probe), NULL)) && (rerr = errno) != ENOMEM) {
			char *slash = strrchr(probe.buf, '/');
			if (!slash && !strcmp(probe.buf, "."))
				break; /* not even the current folder resolves */
			if (!slash) {
				probe.len = 0;
				strbuf_puts(&probe, ".");
				continue;
			}
			*slash = '\0';
			probe.len = (size_t)(slash - probe.buf);
			if (!probe.len)
				strbuf_puts(&probe, "/");
		}
		strbuf_free(&probe);
		if (!out) {
			free(cwd);
			ae_error_errno(err, rerr, "cannot resolve -o %s (for opencode.json)", dir);
			return NULL;
		}
		bool inside = !strncmp(out, cwd, rl) && (out[rl] == '/' || out[rl] == '\0' || rl == 1);
		if (inside)
			strbuf_add(&sb, cwd, rl == 1 ? 0 : rl); /* "/" is the root: no "//" */
		else
			strbuf_puts(&sb, dir);
		strbuf_puts(&sb, "/opencode.json");
		free(out);
		free(cwd);
	}
	if (strbuf_failed(&sb)) {
		strbuf_free(&sb);
		ae_error_set(err, "out of memory");
		return NULL;
	}
	return strbuf_detach(&sb);
}

/* Adds a file to the plan with its current text. Returns it, or NULL (diag added). */
static struct setup_file *add_file(struct setup_plan *p, const char *name, char *path, mode_t mode, bool in_dir,
				   struct diag_list *diags)
{
	struct setup_file *f = &p->files[p->n];
	*f = (struct setup_file){ .name = name, .path = path, .mode = mode, .in_output_dir = in_dir };
	if (!path) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "out of memory");
		return NULL;
	}
	p->n++;
	int e = 0;
	struct ae_error err;
	if (read_file(path, &f->current, NULL, &e, &err) < 0 && e != ENOENT) {
		diag_add(diags, DIAG_ERROR, name, 0, 0, "%s", err.msg);
		return NULL;
	}
	struct stat st;
	if (f->current && stat(path, &st) == 0)
		f->current_mode = st.st_mode & 07777;
	return f;
}

/* values.yaml edited by the user since the last run: the owned keys are updated in place so
 * their own keys and comments survive; otherwise the generated text (the old file is kept as a
 * backup). */
static void keep_user_edits(struct setup_file *f, const struct deployment *prev, struct diag_list *diags)
{
	if (!f->current)
		return;
	struct strbuf previous = {0}, merged = {0};
	if (prev)
		gen_values(prev, &previous);
	struct ae_error err = {{0}};
	if (prev && !strcmp(f->current, strbuf_str(&previous))) {
		/* not edited since the last run: the generated text as it is */
	} else if (values_merge(f->current, strbuf_str(&f->text), prev ? strbuf_str(&previous) : NULL, &merged, &err) == 0 &&
		   values_owned_match(strbuf_str(&merged), strbuf_str(&f->text), &err) == 0) {
		strbuf_free(&f->text);
		f->text = merged;
		merged = (struct strbuf){0};
		if ((f->current_mode & 0077) == 0)
			f->mode = 0600; /* the user's file was private: keep it so */
	} else {
		diag_add(diags, DIAG_WARNING, f->name, 0, 0, "cannot be edited in place (%s); it is rewritten and the "
			 "current one kept as a backup", err.msg);
	}
	strbuf_free(&previous);
	strbuf_free(&merged);
}

/* The compose stack's local KMS key: read back from the current .env (a new key could not read
 * the tenant secrets already stored), else generated. */
static int compose_kms_key(const struct setup_file *env, char key[45], struct diag_list *diags)
{
	if (env->current && dotenv_kms_key(env->current, key) == 0)
		return 0;
	if (env->current && strstr(env->current, "AETERNA_LOCAL_KMS_KEY=")) {
		diag_add(diags, DIAG_ERROR, env->path, 0, 0, "AETERNA_LOCAL_KMS_KEY is not the standard base64 of 32 bytes; "
			 "fix or remove that line (a new key cannot read the tenant secrets already stored)");
		return -1;
	}
	if (kms_key_generate(key) < 0) {
		diag_add(diags, DIAG_ERROR, env->name, 0, 0, "cannot generate a KMS key: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A file holds a secret when its text differs from the one generated with every secret masked. */
static bool holds_secret(void (*gen)(const struct deployment *, struct strbuf *), const struct deployment *d,
			 const struct deployment *masked, const struct strbuf *text)
{
	struct strbuf m = {0};
	gen(masked, &m);
	(void)d;
	bool differs = strcmp(strbuf_str(&m), strbuf_str(text)) != 0;
	strbuf_free(&m);
	return differs;
}

static int masked_copy(const struct deployment *d, struct deployment *m)
{
	model_init(m);
	if (model_copy(m, d) < 0)
		return -1;
	for (size_t i = 0; i < model_field_count; i++) {
		const struct field *f = &model_fields[i];
		if (f->secret && model_is_set(m, f) && **model_str(m, f) && model_set_text(m, f, "********", NULL) < 0)
			return -1;
	}
	return 0;
}

int setup_plan_build(const struct deployment *d, const struct deployment *prev, const char *dir,
		     struct setup_plan *p, struct diag_list *diags)
{
	size_t errors = diag_count(diags, DIAG_ERROR);
	struct deployment masked;
	if (masked_copy(d, &masked) < 0) {
		model_free(&masked);
		diag_add(diags, DIAG_ERROR, "setup", 0, 0, "out of memory");
		return -1;
	}
	struct setup_file *f;
	if (model_runs_server(d)) {
		if ((f = add_file(p, "values.yaml", path_join(dir, "values.yaml"), 0644, true, diags))) {
			gen_values(d, &f->text);
			/* the answers must give values the chart accepts; the user's own edits kept in the
			 * file are theirs: a problem there is a warning */
			values_check_text(f->name, strbuf_str(&f->text), diags);
			struct strbuf generated = {0};
			strbuf_puts(&generated, strbuf_str(&f->text));
			keep_user_edits(f, prev, &p->warnings);
			if (strcmp(strbuf_str(&generated), strbuf_str(&f->text))) {
				struct diag_list mine = {0};
				values_check_text(f->name, strbuf_str(&f->text), &mine);
				for (size_t i = 0; i < mine.len; i++)
					diag_add(&p->warnings, DIAG_WARNING, f->name, mine.items[i].line, mine.items[i].col,
						 "%s (your edit; aeterna validate will reject it)", mine.items[i].message);
				diag_list_free(&mine);
			}
			strbuf_free(&generated);
		}
		if (d->secrets_mode != SECRETS_EXTERNAL && /* external-secrets: values.yaml only refers to the store */
		    (f = add_file(p, "secrets.yaml", path_join(dir, "secrets.yaml"), 0600, true, diags)))
			gen_secrets(d, &f->text);
		if ((f = add_file(p, "docker-compose.yaml", path_join(dir, "docker-compose.yaml"), 0644, true, diags))) {
			gen_compose(d, &f->text);
			if (holds_secret(gen_compose, d, &masked, &f->text))
				f->mode = 0600;
			compose_check_text(f->name, strbuf_str(&f->text), diags);
		}
		if ((f = add_file(p, ".env", path_join(dir, ".env"), 0600, true, diags)) &&
		    compose_kms_key(f, p->kms_key, diags) == 0)
			gen_dotenv(d, p->kms_key, &f->text);
	}
	if ((f = add_file(p, ".aeterna/config.toml", path_join(dir, ".aeterna/config.toml"), 0600, true, diags)))
		model_save_toml(d, &f->text);
	if (d->opencode == 1 || d->target == TARGET_OPENCODE_ONLY) {
		struct ae_error err;
		char *path = setup_opencode_path(d->opencode_scope, dir, &err);
		if (!path) {
			diag_add(diags, DIAG_ERROR, "opencode.json", 0, 0, "%s", err.msg);
		} else if ((f = add_file(p, d->opencode_scope == OPENCODE_USER ? "opencode.json (user)" : "opencode.json",
					 path, 0644, false, diags))) {
			if (f->current)
				f->mode = f->current_mode & 0777;
			if (gen_opencode(d, f->current, path, &f->text, &err) < 0)
				diag_add(diags, DIAG_ERROR, f->name, 0, 0, "%s", err.msg);
			p->opencode = true;
		}
	}
	model_free(&masked);
	for (size_t i = 0; i < p->n; i++)
		if (strbuf_failed(&p->files[i].text))
			diag_add(diags, DIAG_ERROR, p->files[i].name, 0, 0, "out of memory");
	return diag_count(diags, DIAG_ERROR) > errors ? -1 : 0;
}

void setup_plan_free(struct setup_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->files[i].path);
		free(p->files[i].current);
		strbuf_free(&p->files[i].text);
	}
	diag_list_free(&p->warnings);
	kms_key_wipe(p->kms_key, sizeof(p->kms_key));
	p->n = 0;
}
