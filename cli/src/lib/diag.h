/* diag.h — diagnostics with source positions, printed as `file:line:col: severity: message`.
 *
 * A diag_list owns its items and every string in them (copied on add); free it with
 * diag_list_free. Positions are 1-based; line 0 means "the whole file" and prints `file: ...`.
 */
#ifndef AETERNA_DIAG_H
#define AETERNA_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag {
	enum diag_severity severity;
	char *file;      /* owned */
	unsigned line;   /* 1-based; 0 = no position */
	unsigned col;    /* 1-based; 0 = no column */
	char *message;   /* owned */
};

struct diag_list {
	struct diag *items; /* owned array */
	size_t len;
	size_t cap;
};

/* Appends a diagnostic; returns 0, or -1 when out of memory (the list is unchanged). */
int diag_add(struct diag_list *list, enum diag_severity severity, const char *file,
	     unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

size_t diag_count(const struct diag_list *list, enum diag_severity severity);

/* Sorts by file, line, column (stable for equal positions). */
void diag_sort(struct diag_list *list);

/* Formats one diagnostic into buf (always NUL-terminated); returns the length it needed. */
size_t diag_format(const struct diag *d, char *buf, size_t size);

/* True when output on fd may be coloured: fd is a terminal and NO_COLOR is unset or empty
 * (https://no-color.org). */
bool diag_use_color(int fd);

/* Prints every diagnostic, one per line; with color, the severity is highlighted. */
void diag_print_all(FILE *out, const struct diag_list *list, bool color);

void diag_list_free(struct diag_list *list);

const char *diag_severity_name(enum diag_severity severity);

#endif
