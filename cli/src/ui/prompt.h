/* prompt.h — terminal questions: select lists (arrow keys), yes/no, text with a default and a
 * check, masked secrets, a spinner while something runs. prompt_begin puts the terminal in raw
 * mode; prompt_end (also run on SIGTERM/SIGHUP) restores it.
 *
 * The screen: a header, then the transcript (answered questions, notes), then the question being
 * asked. The question is redrawn in place however it wraps; when the terminal is resized, the
 * whole screen is redrawn at the new width. Long text wraps at word boundaries.
 *
 * Each prompt returns 0, PROMPT_BACK (Esc or ←: the caller goes back one question) or
 * PROMPT_INTERRUPTED (Ctrl-C/Ctrl-D), with the terminal still in raw mode for prompt_end. */
#ifndef AETERNA_PROMPT_H
#define AETERNA_PROMPT_H

#include <stdbool.h>

#define PROMPT_INTERRUPTED 130
#define PROMPT_BACK 1001

int prompt_begin(const char *header);
void prompt_end(void);
/* Clears the screen and the transcript, and shows the header again (going back). */
void prompt_restart(void);
void prompt_note(const char *text);                 /* a dim explanatory line */
void prompt_warning(const char *text);              /* a yellow line that does not stop the flow */
void prompt_info(const char *text);                 /* a plain line */
void prompt_answered(const char *question, const char *answer); /* a ✔ line, as after an answer */
int prompt_select(const char *question, const char *const *choices, const char *const *hints, int n,
		  int def, int *out);
int prompt_confirm(const char *question, bool def, bool *out);
/* Returns why an answer is refused (shown under the question, which stays open), or NULL. */
typedef const char *(*prompt_check)(void *ctx, const char *answer);
/* *out receives a malloc'ed answer (def when the user just presses Enter; def may be NULL). */
int prompt_text(const char *question, const char *def, prompt_check check, void *ctx, char **out);
/* Masked input. With has_current, an empty answer keeps the current value: *out is NULL. */
int prompt_secret(const char *question, bool has_current, prompt_check check, void *ctx, char **out);
/* A spinner with text until done(ctx) is true (checked ten times a second): returns 0, or
 * PROMPT_BACK when the user pressed Esc (cancel) or PROMPT_INTERRUPTED on Ctrl-C. */
int prompt_wait(const char *text, bool (*done)(void *ctx), void *ctx);

#endif
