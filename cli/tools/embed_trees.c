/* embed_trees — a build step: parses the files the binary carries (the chart's values.yaml and
 * values.schema.json, the Compose Specification schema) and writes them out as static ynode
 * trees in C, so the commands read them without parsing anything at run time.
 *
 *   embed_trees OUT.c VAR yaml|json FILE NAME [VAR yaml|json FILE NAME]...
 *
 * VAR becomes `const struct ynode *const VAR` (see cli/src/lib/embedded.h); NAME is the file
 * name the nodes carry for diagnostics (yaml only; JSON nodes have no position). YAML is read by
 * ytree_parse, JSON by jansson then ynode_from_json: exactly what the commands did at run time.
 * Mappings that ytree indexes (16 keys or more) get their hash index written too, so a lookup
 * never writes into the static data. Any problem in an input fails the build.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "ytree.h"

struct out {
	FILE *f;
	const char *prefix; /* per input, keeps symbols apart */
	size_t next;        /* the next node number */
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

int main(int argc, char **argv)
{
	if (argc < 6 || (argc - 2) % 4) {
		fputs("usage: embed_trees OUT.c VAR yaml|json FILE NAME [VAR yaml|json FILE NAME]...\n", stderr);
		return 2;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "embed_trees: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	fputs("/* Generated by cli/tools/embed_trees.c from the files named below; do not edit. */\n"
	      "#include <math.h>\n#include <stddef.h>\n#include \"embedded.h\"\n\n", f);
	int rc = 0;
	for (int a = 2; a + 3 < argc && !rc; a += 4) {
		const char *var = argv[a], *kind = argv[a + 1], *path = argv[a + 2], *name = argv[a + 3];
		struct ynode *root = NULL;
		struct ytree t = {0};
		struct diag_list d = {0};
		int yaml = !strcmp(kind, "yaml");
		if (yaml) {
			size_t len = 0;
			char *text = read_all(path, &len);
			if (!text) {
				fprintf(stderr, "embed_trees: %s: %s\n", path, strerror(errno));
				rc = 1;
				break;
			}
			if (ytree_parse(&t, name, text, len, &d) < 0 || diag_count(&d, DIAG_ERROR)) {
				diag_print_all(stderr, &d, false);
				fprintf(stderr, "embed_trees: %s does not parse\n", path);
				rc = 1;
			}
			free(text);
			root = t.root;
		} else {
			json_error_t jerr;
			json_t *j = json_load_file(path, 0, &jerr);
			if (!j) {
				fprintf(stderr, "embed_trees: %s:%d:%d: %s\n", path, jerr.line, jerr.column, jerr.text);
				rc = 1;
			} else if (!(root = ynode_from_json(j))) {
				fputs("embed_trees: out of memory\n", stderr);
				rc = 1;
			}
			json_decref(j);
		}
		if (!rc) {
			char prefix[64];
			snprintf(prefix, sizeof(prefix), "%s_", var);
			struct out o = { f, prefix, 0 };
			fprintf(f, "/* %s (%s) */\n", path, kind);
			if (yaml) {
				fputs("#undef embedded_file_\n#define embedded_file_ ", f);
				fprintf(f, "%sfile\nstatic const char %sfile[] = ", prefix, prefix);
				put_string(f, name);
				fputs(";\n", f);
			}
			declare(&o, root);
			define(&o, root, 0, yaml);
			fprintf(f, "const struct ynode *const %s = &%s0;\n\n", var, prefix);
		}
		diag_list_free(&d);
		if (yaml)
			ytree_free(&t);
		else
			ynode_free(root);
	}
	if (fclose(f) != 0 && !rc) {
		fprintf(stderr, "embed_trees: %s: %s\n", tmp, strerror(errno));
		rc = 1;
	}
	if (!rc && rename(tmp, argv[1]) != 0) {
		fprintf(stderr, "embed_trees: %s: %s\n", argv[1], strerror(errno));
		rc = 1;
	}
	if (rc)
		remove(tmp);
	return rc;
}
