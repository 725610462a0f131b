/* prompt.h — terminal questions: select lists (arrow keys), yes/no, text with a default and
 * masked secrets. prompt_begin puts the terminal in raw mode; prompt_end (also run on
 * SIGTERM/SIGHUP) restores it. Each prompt returns 0, or PROMPT_INTERRUPTED on Ctrl-C/Ctrl-D,
 * with the terminal still in raw mode for the caller's prompt_end. */
#ifndef AETERNA_PROMPT_H
#define AETERNA_PROMPT_H

#include <stdbool.h>

#define PROMPT_INTERRUPTED 130

int prompt_begin(void);
void prompt_end(void);
void prompt_note(const char *text);               /* a dim explanatory line */
void prompt_error(const char *text);              /* a red line: why an answer was refused */
int prompt_select(const char *question, const char *const *choices, const char *const *hints, int n,
		  int def, int *out);
int prompt_confirm(const char *question, bool def, bool *out);
/* *out receives a malloc'ed answer (def when the user just presses Enter; def may be NULL). */
int prompt_text(const char *question, const char *def, char **out);
/* Masked input. With has_current, an empty answer keeps the current value: *out is NULL. */
int prompt_secret(const char *question, bool has_current, char **out);

#endif
