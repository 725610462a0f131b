/* ytree_internal.h — shared by ytree.c and ytree_fast.c only. */
#ifndef AETERNA_YTREE_INTERNAL_H
#define AETERNA_YTREE_INTERNAL_H

#include "strbuf.h"
#include "ytree.h"

/* Appends a child (and, for mappings, a copy of key) to n; takes ownership of child on
 * success. Returns 0, or -1 when memory runs out (child still the caller's). */
int ytree_append_(struct ynode *n, const char *key, unsigned kline, unsigned kcol, struct ynode *child);
/* The same with a key the mapping takes over (malloc'ed; NULL for sequences): on success n owns
 * key and child; on -1 both are still the caller's. */
int ytree_append_owned_(struct ynode *n, char *key, unsigned kline, unsigned kcol, struct ynode *child);

/* Characters (UTF-8 sequences) in [from, to): what a column counts. */
static inline unsigned ytree_chars_(const char *from, const char *to)
{
	unsigned n = 0;
	for (const char *q = from; q < to; q++)
		n += ((unsigned char)*q & 0xC0) != 0x80;
	return n;
}

/* The fast path for the YAML aeterna's own writers produce (the subset is in ytree_fast.c).
 * Returns 1 with *root set (caller owns it; nodes borrow `file`) when the text is in the subset
 * and so parsed; 0 when it is not (nothing allocated: libfyaml's path takes over); -1 when memory
 * runs out. */
int ytree_fast_parse(const char *file, const char *text, size_t len, struct ynode **root);

#endif
