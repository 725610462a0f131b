/* embed_trees — a build step: parses the files the binary carries (the chart's values.yaml and
 * values.schema.json, the Compose Specification schema) and writes them out as static ynode
 * trees in C, so the commands read them without parsing anything at run time.
 *
 *   embed_trees OUT.c [--valid VAR SCHEMA-VAR] VAR yaml|json FILE NAME [VAR yaml|json FILE NAME]...
 *
 * VAR becomes `const struct ynode *const VAR` (see cli/src/lib/embedded.h); NAME is the file
 * name the nodes carry for diagnostics (yaml only; JSON nodes have no position). YAML is read by
 * ytree_parse, JSON by jansson then ynode_from_json: exactly what the commands did at run time.
 * Mappings that ytree indexes (16 keys or more) get their hash index written too, so a lookup
 * never writes into the static data. Any problem in an input fails the build.
 *
 * --valid checks tree VAR against the schema SCHEMA-VAR with the binary's own validator (it must
 * pass) and marks each node with the schema node it was checked against and satisfied
 * (ynode.valid_under_): at run time jschema skips those checks of the chart's defaults, and
 * spends its time on what the user wrote.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "jschema.h"
#include "ytree.h"

/* Node address -> its C name (prefix and number), for the valid_under_ references. */
struct name_map {
	struct entry { const struct ynode *node; const char *prefix; size_t id; } *items;
	size_t mask;
};

static void name_put(struct name_map *m, const struct ynode *n, const char *prefix, size_t id)
{
	size_t h = ((size_t)n >> 4) & m->mask;
	while (m->items[h].node)
		h = (h + 1) & m->mask;
	m->items[h] = (struct entry){ n, prefix, id };
}

static const struct entry *name_get(const struct name_map *m, const struct ynode *n)
{
	for (size_t h = ((size_t)n >> 4) & m->mask; m->items[h].node; h = (h + 1) & m->mask)
		if (m->items[h].node == n)
			return &m->items[h];
	return NULL;
}

/* Node address -> the schema node it satisfied (from the trace), the same kind of table. */
struct valid_map {
	struct pair { const struct ynode *value, *schema; } *items;
	size_t mask, len;
};

static const struct ynode **valid_slot(struct valid_map *m, const struct ynode *v)
{
	size_t h = ((size_t)v >> 4) & m->mask;
	while (m->items[h].value && m->items[h].value != v)
		h = (h + 1) & m->mask;
	m->items[h].value = v;
	return &m->items[h].schema;
}

struct out {
	FILE *f;
	const char *prefix;     /* per input, keeps symbols apart */
	size_t next;            /* the next node number */
	struct name_map *names;
	struct valid_map *valid; /* NULL, or the trace for this tree */
};

static void put_string(FILE *f, const char *s)
{
	size_t len = strlen(s);
	if (len > 4000) { /* ISO C only promises 4095-character literals: long ones as a byte list */
		fputs("(char[]){", f);
		for (size_t i = 0; i <= len; i++)
			fprintf(f, "%s%u", i ? "," : "", (unsigned char)s[i]);
		fputc('}', f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' && *p != '?')
			fputc(*p, f);
		else
			fprintf(f, "\\%03o", *p);
	}
	fputc('"', f);
}

static void put_double(FILE *f, double x)
{
	if (isnan(x))
		fputs("NAN", f);
	else if (isinf(x))
		fputs(x > 0 ? "HUGE_VAL" : "-HUGE_VAL", f);
	else
		fprintf(f, "%a", x);
}

static void put_integer(FILE *f, long long x)
{
	if (x == LLONG_MIN)
		fputs("(-9223372036854775807LL - 1)", f);
	else
		fprintf(f, "%lldLL", x);
}

static const char *kind_name(enum ynode_kind k)
{
	static const char *const names[] = { "Y_NULL", "Y_BOOL", "Y_INT", "Y_FLOAT", "Y_STRING", "Y_SEQ", "Y_MAP" };
	return names[k];
}

/* Numbers the nodes depth-first and declares them. */
static size_t declare(struct out *o, const struct ynode *n)
{
	size_t id = o->next++;
	fprintf(o->f, "static struct ynode %s%zu;\n", o->prefix, id);
	name_put(o->names, n, o->prefix, id);
	for (size_t i = 0; i < n->len; i++)
		declare(o, n->items[i]);
	return id;
}

/* Defines node n (numbered id) and its subtree; returns the number after the subtree. */
static size_t define(struct out *o, struct ynode *n, size_t id, int has_file)
{
	FILE *f = o->f;
	size_t child = id + 1;
	size_t *ids = n->len ? calloc(n->len, sizeof(*ids)) : NULL;
	if (n->len && !ids) {
		fputs("embed_trees: out of memory\n", stderr);
		exit(1);
	}
	for (size_t i = 0; i < n->len; i++) {
		ids[i] = child;
		child = define(o, n->items[i], child, has_file);
	}
	if (n->len) {
		fprintf(f, "static struct ynode *%si%zu[] = {", o->prefix, id);
		for (size_t i = 0; i < n->len; i++)
			fprintf(f, "%s&%s%zu", i ? "," : "", o->prefix, ids[i]);
		fputs("};\n", f);
	}
	int indexed = 0;
	if (n->kind == Y_MAP && n->len) {
		fprintf(f, "static char *%sk%zu[] = {", o->prefix, id);
		for (size_t i = 0; i < n->len; i++) {
			if (i)
				fputc(',', f);
			put_string(f, n->keys[i]);
		}
		fputs("};\n", f);
		fprintf(f, "static unsigned %skl%zu[] = {", o->prefix, id);
		for (size_t i = 0; i < n->len; i++)
			fprintf(f, "%s%u", i ? "," : "", n->key_line ? n->key_line[i] : 0);
		fprintf(f, "};\nstatic unsigned %skc%zu[] = {", o->prefix, id);
		for (size_t i = 0; i < n->len; i++)
			fprintf(f, "%s%u", i ? "," : "", n->key_col ? n->key_col[i] : 0);
		fputs("};\n", f);
		(void)ynode_get(n, n->keys[0]); /* builds the index when ytree keeps one for this size */
		if (n->index_ && n->index_len_ == n->len) {
			indexed = 1;
			fprintf(f, "static size_t %sx%zu[] = {", o->prefix, id);
			for (size_t i = 0; i <= n->index_mask_; i++)
				fprintf(f, "%s%zu", i ? "," : "", n->index_[i]);
			fputs("};\n", f);
		}
	}
	fprintf(f, "static struct ynode %s%zu = { .kind = %s, .file = %s, .line = %u, .col = %u, .text = ", o->prefix, id,
		kind_name(n->kind), has_file && n->file ? "embedded_file_" : "NULL", n->line, n->col);
	if (n->text)
		put_string(f, n->text);
	else
		fputs("NULL", f);
	fprintf(f, ", .boolean = %d, .integer = ", n->boolean);
	put_integer(f, n->integer);
	fputs(", .number = ", f);
	put_double(f, n->number);
	fprintf(f, ", .len = %zu, .cap_ = %zu", n->len, n->len);
	if (n->len)
		fprintf(f, ", .items = %si%zu", o->prefix, id);
	if (n->kind == Y_MAP && n->len)
		fprintf(f, ", .keys = %sk%zu, .key_line = %skl%zu, .key_col = %skc%zu", o->prefix, id, o->prefix, id,
			o->prefix, id);
	if (indexed)
		fprintf(f, ", .index_ = %sx%zu, .index_mask_ = %zu, .index_len_ = %zu", o->prefix, id, n->index_mask_,
			n->index_len_);
	const struct ynode **under = o->valid ? valid_slot(o->valid, n) : NULL;
	const struct entry *e = under && *under ? name_get(o->names, *under) : NULL;
	if (e)
		fprintf(f, ", .valid_under_ = &%s%zu", e->prefix, e->id);
	fputs(", .static_ = 1 };\n", f);
	free(ids);
	return child;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *b = realloc(buf, cap *= 2);
			if (!b)
				free(buf);
			buf = b;
		}
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

static size_t count_nodes(const struct ynode *n)
{
	size_t c = 1;
	for (size_t i = 0; i < n->len; i++)
		c += count_nodes(n->items[i]);
	return c;
}

struct input {
	const char *var, *path, *name;
	bool yaml;
	struct ytree tree;   /* yaml */
	struct ynode *root;  /* yaml: tree.root; json: owned */
	char prefix[64];
};

/* The trace: the first schema node each value satisfied. */
static void on_check(void *arg, const struct ynode *schema, const struct ynode *value, bool ok)
{
	const struct ynode **slot = valid_slot(arg, value);
	if (ok && !*slot)
		*slot = schema;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p) {
		fputs("embed_trees: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	const char *valid_var = NULL, *valid_schema = NULL;
	int a = 2;
	if (argc > 4 && !strcmp(argv[2], "--valid")) {
		valid_var = argv[3];
		valid_schema = argv[4];
		a = 5;
	}
	if (argc - a < 4 || (argc - a) % 4) {
		fputs("usage: embed_trees OUT.c [--valid VAR SCHEMA-VAR] VAR yaml|json FILE NAME [VAR yaml|json FILE NAME]...\n", stderr);
		return 2;
	}
	size_t nin = (size_t)(argc - a) / 4;
	struct input *in = xcalloc(nin, sizeof(*in));
	int rc = 0;
	size_t total = 0;
	for (size_t i = 0; i < nin && !rc; i++, a += 4) {
		struct input *x = &in[i];
		x->var = argv[a];
		x->yaml = !strcmp(argv[a + 1], "yaml");
		x->path = argv[a + 2];
		x->name = argv[a + 3];
		snprintf(x->prefix, sizeof(x->prefix), "%s_", x->var);
		struct diag_list d = {0};
		if (x->yaml) {
			size_t len = 0;
			char *text = read_all(x->path, &len);
			if (!text) {
				fprintf(stderr, "embed_trees: %s: %s\n", x->path, strerror(errno));
				rc = 1;
			} else if (ytree_parse(&x->tree, x->name, text, len, &d) < 0 || diag_count(&d, DIAG_ERROR)) {
				diag_print_all(stderr, &d, false);
				fprintf(stderr, "embed_trees: %s does not parse\n", x->path);
				rc = 1;
			}
			free(text);
			x->root = x->tree.root;
		} else {
			json_error_t jerr;
			json_t *j = json_load_file(x->path, 0, &jerr);
			if (!j) {
				fprintf(stderr, "embed_trees: %s:%d:%d: %s\n", x->path, jerr.line, jerr.column, jerr.text);
				rc = 1;
			} else if (!(x->root = ynode_from_json(j))) {
				fputs("embed_trees: out of memory\n", stderr);
				rc = 1;
			}
			json_decref(j);
		}
		diag_list_free(&d);
		if (x->root)
			total += count_nodes(x->root);
	}

	/* --valid: the defaults against the schema, traced */
	struct valid_map valid = {0};
	struct input *vin = NULL;
	for (size_t i = 0; !rc && valid_var && i < nin; i++) {
		if (!strcmp(in[i].var, valid_var))
			vin = &in[i];
	}
	for (size_t i = 0; !rc && valid_var && i < nin; i++) {
		if (strcmp(in[i].var, valid_schema))
			continue;
		if (!vin) {
			fprintf(stderr, "embed_trees: --valid: no input named %s\n", valid_var);
			rc = 1;
			break;
		}
		struct diag_list d = {0};
		struct jschema *s = jschema_load_tree(in[i].root, in[i].path, true, &d);
		if (s) {
			size_t vcap = 64;
			while (vcap < 4 * count_nodes(vin->root))
				vcap *= 2;
			valid.items = xcalloc(vcap, sizeof(*valid.items));
			valid.mask = vcap - 1;
			jschema_set_trace(s, on_check, &valid);
			if (jschema_validate(s, vin->root, &d) != 0)
				rc = 1;
			jschema_free(s);
		} else {
			rc = 1;
		}
		if (rc) {
			diag_print_all(stderr, &d, false);
			fprintf(stderr, "embed_trees: %s does not satisfy %s\n", vin->path, in[i].path);
		}
		diag_list_free(&d);
	}
	if (!rc && valid_var && !valid.items) {
		fprintf(stderr, "embed_trees: --valid: no input named %s\n", valid_schema);
		rc = 1;
	}

	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *f = rc ? NULL : fopen(tmp, "w");
	if (!rc && !f) {
		fprintf(stderr, "embed_trees: %s: %s\n", tmp, strerror(errno));
		rc = 1;
	}
	if (!rc) {
		size_t cap = 64;
		while (cap < 2 * total)
			cap *= 2;
		struct name_map names = { xcalloc(cap, sizeof(struct entry)), cap - 1 };
		fputs("/* Generated by cli/tools/embed_trees.c from the files named below; do not edit. */\n"
		      "#include <math.h>\n#include <stddef.h>\n#include \"embedded.h\"\n\n", f);
		struct out *outs = xcalloc(nin, sizeof(*outs));
		for (size_t i = 0; i < nin; i++) { /* every node declared first: trees refer to each other */
			outs[i] = (struct out){ f, in[i].prefix, 0, &names, &in[i] == vin ? &valid : NULL };
			declare(&outs[i], in[i].root);
		}
		for (size_t i = 0; i < nin; i++) {
			fprintf(f, "\n/* %s (%s) */\n", in[i].path, in[i].yaml ? "yaml" : "json");
			if (in[i].yaml) {
				fputs("#undef embedded_file_\n#define embedded_file_ ", f);
				fprintf(f, "%sfile\nstatic const char %sfile[] = ", in[i].prefix, in[i].prefix);
				put_string(f, in[i].name);
				fputs(";\n", f);
			}
			define(&outs[i], in[i].root, 0, in[i].yaml);
			fprintf(f, "const struct ynode *const %s = &%s0;\n", in[i].var, in[i].prefix);
		}
		free(outs);
		free(names.items);
		if (fclose(f) != 0) {
			fprintf(stderr, "embed_trees: %s: %s\n", tmp, strerror(errno));
			rc = 1;
		} else if (rename(tmp, argv[1]) != 0) {
			fprintf(stderr, "embed_trees: %s: %s\n", argv[1], strerror(errno));
			rc = 1;
		}
		if (rc)
			remove(tmp);
	}
	free(valid.items);
	for (size_t i = 0; i < nin; i++) {
		if (in[i].yaml)
			ytree_free(&in[i].tree);
		else
			ynode_free(in[i].root);
	}
	free(in);
	return rc;
}
