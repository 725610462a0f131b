/* ytree.h — YAML documents as trees whose nodes know where they came from.
 *
 * Scalars are resolved the way Helm reads values files (YAML 1.1 through go-yaml): plain
 * yes/no/on/off/y/n are booleans, 0x.. and 0.. are integers, ~ and null are null. Parsing
 * reports what a Helm user trips over (duplicate keys, booleans spelled as words, tabs and
 * other syntax errors) as diagnostics with file:line:col.
 *
 * Ownership: a ytree owns its file name, its text and every node; ytree_free releases them.
 * A node owns its keys, its scalar text and its children; nodes made by ynode_clone or
 * ynode_from_json are owned by the caller (ynode_free). Node `file` pointers are borrowed from
 * the tree that produced them and stay valid as long as that tree. The built-in trees of
 * embedded.h are static: ynode_coalesce links their subtrees into the caller's tree instead of
 * copying them, and ynode_free leaves them alone, so such a tree is only ever read.
 */
#ifndef AETERNA_YTREE_H
#define AETERNA_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "diag.h"

enum ynode_kind { Y_NULL, Y_BOOL, Y_INT, Y_FLOAT, Y_STRING, Y_SEQ, Y_MAP };

struct ynode {
	enum ynode_kind kind;
	const char *file;      /* borrowed; NULL for nodes without a source */
	unsigned line, col;    /* 1-based position of the value; 0 when unknown */
	char *text;            /* scalars: the value as text (strings: the string) */
	bool boolean;          /* Y_BOOL */
	long long integer;     /* Y_INT */
	double number;         /* Y_INT and Y_FLOAT */
	size_t len;            /* Y_SEQ: items; Y_MAP: pairs */
	struct ynode **items;  /* Y_SEQ items, Y_MAP values */
	char **keys;           /* Y_MAP keys */
	unsigned *key_line, *key_col;
	/* private to ytree.c: allocated room, and a hash index of the keys for large mappings
	 * (positions + 1, open addressing; rebuilt on demand, so lookups stay O(1)) */
	size_t cap_;
	size_t *index_;
	size_t index_mask_, index_len_;
	/* set on the trees compiled into the binary (embedded.h): such a node and everything under
	 * it is shared, never changed and never freed (ynode_free ignores it) */
	bool static_;
	/* static nodes only: a schema node this subtree was checked against, and satisfied, when
	 * the binary was built (jschema skips that check), or NULL */
	const struct ynode *valid_under_;
};

struct ytree {
	char *file;            /* owned */
	char *text;            /* owned, NUL-terminated */
	size_t len;
	struct ynode *root;    /* owned; a Y_NULL node for an empty document */
};

/* Parses text (copied). Errors and warnings go to diags; returns 0, or -1 when the text is not
 * YAML (diags say where) or memory ran out. On -1 the tree is empty but still freeable. */
int ytree_parse(struct ytree *t, const char *file, const char *text, size_t len, struct diag_list *diags);
/* ytree_parse, with flags: YTREE_NO_FAST always uses libfyaml (ytree_parse first tries a fast
 * path for the plain YAML aeterna itself writes, which builds the identical tree; tests compare). */
enum { YTREE_NO_FAST = 1 };
int ytree_parse_ex(struct ytree *t, const char *file, const char *text, size_t len, struct diag_list *diags,
		   unsigned flags);
/* Same tree, node for node: kinds, values, keys, order and every position (file aside). */
bool ynode_identical(const struct ynode *a, const struct ynode *b);
/* Reads and parses a file; an unreadable file is a diagnostic at line 0. */
int ytree_load(struct ytree *t, const char *path, struct diag_list *diags);
void ytree_free(struct ytree *t);

/* The text of line `line` (1-based) without its newline; *len receives its length. NULL when out of range. */
const char *ytree_line(const struct ytree *t, unsigned line, size_t *len);

struct ynode *ynode_new(enum ynode_kind kind);
void ynode_free(struct ynode *n);
struct ynode *ynode_clone(const struct ynode *n);
/* The value under key in a mapping, or NULL (also when n is not a mapping). */
struct ynode *ynode_get(const struct ynode *n, const char *key);
/* Follows a dotted path of mapping keys ("postgresql.bundled.enabled"); NULL when absent. */
struct ynode *ynode_path(const struct ynode *root, const char *dotted);
/* Helm's truthiness: false, 0, "", null, empty map/list are false. Missing (NULL) is false. */
bool ynode_truthy(const struct ynode *n);
/* Deep equality with JSON semantics (1 == 1.0; key order does not matter). */
bool ynode_equal(const struct ynode *a, const struct ynode *b);

/* Converts JSON to a node without positions (caller owns it); NULL when out of memory. */
struct ynode *ynode_from_json(const json_t *j);

/* Coalesces src over *dst the way Helm layers values files: mappings merge key by key, any
 * other value replaces, and a null in src deletes the key. src is not modified. Returns 0 or
 * -1 (out of memory). */
int ynode_merge(struct ynode **dst, const struct ynode *src);

/* Helm's two steps, for agreeing with it exactly. ynode_merge_values layers a values file over
 * the files before it (mappings merge key by key, anything else replaces; nulls are kept).
 * ynode_coalesce then fills the chart's defaults into those user values: a key the user does
 * not set takes the default, a null the user sets removes a key the chart has (a null for a key
 * the chart lacks stays null), mappings coalesce recursively, and any other user value stands.
 * Default subtrees that are static (built in) are linked, not copied: the result is read-only
 * there. Both return 0 or -1 (out of memory); src/defaults are not modified. */
int ynode_merge_values(struct ynode **dst, const struct ynode *src);
int ynode_coalesce(struct ynode *user, const struct ynode *defaults);

#endif
