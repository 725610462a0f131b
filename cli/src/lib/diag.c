#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *diag_severity_name(enum diag_severity severity)
{
	switch (severity) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	case DIAG_NOTE: return "note";
	}
	return "error";
}

int diag_add(struct diag_list *list, enum diag_severity severity, const char *file,
	     unsigned line, unsigned col, const char *fmt, ...)
{
	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		struct diag *items = realloc(list->items, cap * sizeof(*items));
		if (!items)
			return -1;
		list->items = items;
		list->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *message = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (message)
		vsnprintf(message, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	char *name = strdup(file ? file : "<input>");
	if (!message || !name) {
		free(message);
		free(name);
		return -1;
	}
	list->items[list->len++] = (struct diag){
		.severity = severity, .file = name, .line = line, .col = col, .message = message,
	};
	return 0;
}

size_t diag_count(const struct diag_list *list, enum diag_severity severity)
{
	size_t n = 0;
	for (size_t i = 0; i < list->len; i++)
		n += list->items[i].severity == severity;
	return n;
}

static int diag_cmp(const struct diag *a, const struct diag *b)
{
	int c = strcmp(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

static void merge_sort(struct diag *v, struct diag *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	merge_sort(v, tmp, h);
	merge_sort(v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = diag_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++]; /* ties keep their order */
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

void diag_sort(struct diag_list *list)
{
	/* stable merge sort: O(n log n) also for the 80,000 errors of a huge file */
	struct diag *tmp = list->len > 1 ? malloc(list->len * sizeof(*tmp)) : NULL;
	if (tmp) {
		merge_sort(list->items, tmp, list->len);
		free(tmp);
		return;
	}
	for (size_t i = 1; i < list->len; i++) { /* out of memory: insertion sort in place */
		struct diag d = list->items[i];
		size_t j = i;
		while (j > 0 && diag_cmp(&list->items[j - 1], &d) > 0) {
			list->items[j] = list->items[j - 1];
			j--;
		}
		list->items[j] = d;
	}
}

/* Writes the position prefix ("file:line:col") of d. */
static int diag_position(const struct diag *d, char *buf, size_t size)
{
	if (d->line && d->col)
		return snprintf(buf, size, "%s:%u:%u", d->file, d->line, d->col);
	if (d->line)
		return snprintf(buf, size, "%s:%u", d->file, d->line);
	return snprintf(buf, size, "%s", d->file);
}

size_t diag_format(const struct diag *d, char *buf, size_t size)
{
	int p = diag_position(d, buf, size);
	if (p < 0)
		return 0;
	size_t used = (size_t)p < size ? (size_t)p : (size ? size - 1 : 0);
	int n = snprintf(buf ? buf + used : NULL, size - used, ": %s: %s",
			 diag_severity_name(d->severity), d->message);
	return n < 0 ? (size_t)p : (size_t)p + (size_t)n;
}

void diag_print_all(FILE *out, const struct diag_list *list, bool color)
{
	for (size_t i = 0; i < list->len; i++) {
		const struct diag *d = &list->items[i];
		int need = diag_position(d, NULL, 0);
		char *pos = need >= 0 ? malloc((size_t)need + 1) : NULL;
		if (pos)
			diag_position(d, pos, (size_t)need + 1);
		const char *sev = diag_severity_name(d->severity);
		if (color) {
			const char *c = d->severity == DIAG_ERROR ? "\033[1;31m"
				       : d->severity == DIAG_WARNING ? "\033[1;35m" : "\033[1;36m";
			fprintf(out, "\033[1m%s:\033[0m %s%s:\033[0m %s\n", pos ? pos : d->file, c, sev,
				d->message);
		} else {
			fprintf(out, "%s: %s: %s\n", pos ? pos : d->file, sev, d->message);
		}
		free(pos);
	}
}

void diag_list_free(struct diag_list *list)
{
	for (size_t i = 0; i < list->len; i++) {
		free(list->items[i].file);
		free(list->items[i].message);
	}
	free(list->items);
	*list = (struct diag_list){0};
}

bool diag_use_color(int fd)
{
	const char *nc = getenv("NO_COLOR");
	return isatty(fd) && !(nc && *nc);
}
