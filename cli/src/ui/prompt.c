#include "prompt.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "keys.h"
#include "strbuf.h"

static struct termios saved;
static bool color = true; /* off with NO_COLOR (https://no-color.org) */

/* SGR styles; empty strings when colour is off */
#define DIM (color ? "\033[2m" : "")
#define BOLD (color ? "\033[1m" : "")
#define RED (color ? "\033[31m" : "")
#define YELLOW (color ? "\033[33m" : "")
#define CYAN (color ? "\033[36m" : "")
#define QMARK (color ? "\033[1;36m" : "")
#define CHECK (color ? "\033[1;32m" : "")
#define RESET (color ? "\033[0m" : "")
static volatile sig_atomic_t raw_on, resized;
static unsigned char inbuf[64];
static size_t inlen;

/* what is on the screen: the header and the finished lines after it (for redraws) */
static char *header_text;
static struct strbuf transcript; /* finished lines, each ending in "\n" (styled) */
static int block_rows;           /* rows from the top of the open question to the cursor */

static void restore(void)
{
	if (raw_on) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		raw_on = 0;
		(void)!write(STDOUT_FILENO, "\033[?25h", 6); /* show the cursor again */
	}
}

static void on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

static void out(const char *s) { fputs(s, stdout); }

/* Terminal width in columns (80 when unknown). */
static int columns(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static int utf8_len(const char *s, size_t n)
{
	int c = 0;
	for (size_t i = 0; i < n && s[i]; i++)
		c += (s[i] & 0xC0) != 0x80;
	return c;
}

/* Bytes of s that fit in `width` columns (one column per UTF-8 character). */
static int fit(const char *s, int width)
{
	int cols = 0, i = 0;
	while (s[i] && cols < width) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		cols++;
	}
	return i;
}

/* Appends the words of text after *col columns already used on the current row, breaking
 * rows at word boundaries (a break is "\r\n" + indent) so that no row is wider than width; a
 * word wider than a row is cut. space_first: a space goes before the first word. Returns the
 * number of breaks added; *col is the column after the text. */
static int wrap(struct strbuf *sb, const char *text, int width, int *col, const char *style, const char *indent,
		bool space_first)
{
	int added = 0, ind = utf8_len(indent, strlen(indent));
	bool first = true;
	if (width < ind + 8)
		width = ind + 8;
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t wl = strcspn(p, " ");
		int w = utf8_len(p, wl);
		bool space = !first || space_first;
		if (*col + (space ? 1 : 0) + w > width && *col > ind) {
			strbuf_printf(sb, "%s\r\n%s%s", RESET, indent, style);
			*col = ind;
			added++;
			space = false;
		}
		if (space) {
			strbuf_putc(sb, ' ');
			(*col)++;
		}
		while (w > width - *col) { /* a word wider than a row */
			int take = fit(p, width - *col);
			strbuf_add(sb, p, (size_t)take);
			p += take;
			wl -= (size_t)take;
			w = utf8_len(p, wl);
			strbuf_printf(sb, "%s\r\n%s%s", RESET, indent, style);
			*col = ind;
			added++;
		}
		strbuf_add(sb, p, wl);
		*col += w;
		p += wl;
		first = false;
	}
	return added;
}

/* Moves to the top of the open question and clears it and everything below. */
static void clear_block(void)
{
	if (block_rows > 0)
		printf("\033[%dA", block_rows);
	out("\r\033[J");
	block_rows = 0;
}

static void print_header(void)
{
	if (!header_text)
		return;
	struct strbuf sb = {0};
	int col = 0;
	strbuf_puts(&sb, BOLD);
	wrap(&sb, header_text, columns() - 1, &col, BOLD, "", false);
	strbuf_printf(&sb, "%s\r\n\r\n", RESET);
	out(strbuf_str(&sb));
	strbuf_free(&sb);
}

/* The whole screen again (after a resize): header, transcript re-wrapped, nothing open. */
static void redraw_all(void)
{
	out("\033[H\033[2J");
	print_header();
	out(strbuf_str(&transcript));
	block_rows = 0;
}

/* A finished line: printed, and kept for redraws. */
static void finish_line(const char *styled)
{
	clear_block();
	strbuf_puts(&transcript, styled);
	out(styled);
	fflush(stdout);
}

int prompt_begin(const char *header)
{
	const char *nc = getenv("NO_COLOR");
	color = !(nc && *nc);
	if (tcgetattr(STDIN_FILENO, &saved) < 0)
		return -1;
	struct termios raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
		return -1;
	raw_on = 1;
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGQUIT, on_signal);
	signal(SIGINT, on_signal); /* from kill(1); Ctrl-C itself arrives as a key */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch; /* no SA_RESTART: a resize interrupts the read */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	free(header_text);
	header_text = header ? strdup(header) : NULL;
	strbuf_free(&transcript);
	block_rows = 0;
	out("\r");
	print_header();
	return 0;
}

void prompt_end(void)
{
	restore();
	signal(SIGWINCH, SIG_DFL);
	free(header_text);
	header_text = NULL;
	strbuf_free(&transcript);
}

void prompt_restart(void)
{
	strbuf_free(&transcript);
	transcript = (struct strbuf){0};
	redraw_all();
}

/* Next key; 0 on success, 1 when the terminal was resized, -1 when input ends. A lone ESC is
 * reported after 50 ms. With timeout_ms >= 0, returns 2 when nothing came in time. */
static int next_key_timed(enum key *k, char *text, size_t text_size, int timeout_ms)
{
	for (;;) {
		size_t used = 0;
		if (resized) {
			resized = 0;
			return 1;
		}
		if (inlen) {
			*k = key_decode(inbuf, inlen, &used);
			if (*k == KEY_NONE && inbuf[0] == 0x1b) {
				struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
				if (poll(&p, 1, 50) == 0) { /* nothing follows: a lone Escape */
					*k = KEY_ESCAPE;
					used = 1;
				}
			}
			if (*k != KEY_NONE) {
				if (*k == KEY_CHAR && text) {
					size_t n = used < text_size - 1 ? used : text_size - 1;
					memcpy(text, inbuf, n);
					text[n] = '\0';
				}
				memmove(inbuf, inbuf + used, inlen - used);
				inlen -= used;
				return 0;
			}
		}
		fflush(stdout);
		if (timeout_ms >= 0) {
			struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
			int r = poll(&p, 1, timeout_ms);
			if (r == 0)
				return 2;
			if (r < 0 && errno == EINTR)
				continue;
		}
		ssize_t r = read(STDIN_FILENO, inbuf + inlen, sizeof(inbuf) - inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		inlen += (size_t)r;
	}
}

static int next_key(enum key *k, char *text, size_t text_size)
{
	return next_key_timed(k, text, text_size, -1);
}

static bool is_back(enum key k) { return k == KEY_ESCAPE || k == KEY_LEFT; }
static bool is_quit(enum key k) { return k == KEY_CTRL_C || k == KEY_CTRL_D; }

static void styled_line(const char *mark, const char *mark_style, const char *text, const char *style)
{
	int width = columns() - 1, col = 2;
	struct strbuf sb = {0};
	strbuf_printf(&sb, "\r%s%s%s %s", mark_style, mark, RESET, style);
	wrap(&sb, text, width, &col, style, "  ", false);
	strbuf_printf(&sb, "%s\r\n", RESET);
	finish_line(strbuf_str(&sb));
	strbuf_free(&sb);
}

void prompt_note(const char *text) { styled_line(" ", "", text, DIM); }

void prompt_warning(const char *text) { styled_line("!", YELLOW, text, YELLOW); }

void prompt_info(const char *text) { styled_line(" ", "", text, ""); }

void prompt_answered(const char *question, const char *answer)
{
	int width = columns() - 1, col = 2;
	struct strbuf sb = {0};
	strbuf_printf(&sb, "\r%s✔%s %s", CHECK, RESET, BOLD);
	wrap(&sb, question, width, &col, BOLD, "  ", false);
	strbuf_printf(&sb, "%s%s", RESET, CYAN);
	wrap(&sb, answer, width, &col, CYAN, "  ", true);
	strbuf_printf(&sb, "%s\r\n", RESET);
	finish_line(strbuf_str(&sb));
	strbuf_free(&sb);
}

/* The question line(s): "? question (hint)", wrapped at words; returns its rows. The hint
 * moves to a row of its own when it does not fit after the question. */
static int question_rows(struct strbuf *sb, const char *question, const char *hint, int width)
{
	int col = 2;
	strbuf_printf(sb, "\r%s?%s %s", QMARK, RESET, BOLD);
	int rows = 1 + wrap(sb, question, width, &col, BOLD, "  ", false);
	strbuf_puts(sb, RESET);
	if (hint && *hint) {
		strbuf_puts(sb, DIM);
		rows += wrap(sb, hint, width, &col, DIM, "  ", true);
		strbuf_puts(sb, RESET);
	}
	strbuf_puts(sb, "\r\n");
	return rows;
}

/* An error under the question: "✘ reason", wrapped; returns its rows. */
static int error_rows(struct strbuf *sb, const char *why, int width)
{
	if (!why)
		return 0;
	int col = 2;
	strbuf_printf(sb, "\r%s✘ ", RED);
	int rows = 1 + wrap(sb, why, width, &col, RED, "  ", false);
	strbuf_printf(sb, "%s\r\n", RESET);
	return rows;
}

int prompt_select(const char *question, const char *const *choices, const char *const *hints, int n,
		  int def, int *result)
{
	int cur = def >= 0 && def < n ? def : 0;
	out("\033[?25l");
	for (;;) {
		int width = columns() - 1;
		struct strbuf sb = {0};
		int rows = question_rows(&sb, question, "(↑/↓, Enter; Esc back)", width);
		for (int i = 0; i < n; i++) {
			int room = width - 2;
			int c = fit(choices[i], room);
			if (i == cur)
				strbuf_printf(&sb, "\r%s❯ %.*s%s", CYAN, c, choices[i], RESET);
			else
				strbuf_printf(&sb, "\r  %.*s", c, choices[i]);
			room -= utf8_len(choices[i], strlen(choices[i])) + 2;
			if (hints && hints[i] && room > 4)
				strbuf_printf(&sb, "  %s%.*s%s", DIM, fit(hints[i], room), hints[i], RESET);
			strbuf_puts(&sb, "\r\n");
			rows++;
		}
		clear_block();
		out(strbuf_str(&sb));
		strbuf_free(&sb);
		block_rows = rows;
		enum key k;
		int r = next_key(&k, NULL, 0);
		if (r == 1) {
			redraw_all();
			continue;
		}
		if (r < 0 || is_quit(k)) {
			clear_block();
			out("\033[?25h");
			return PROMPT_INTERRUPTED;
		}
		if (is_back(k)) {
			clear_block();
			out("\033[?25h");
			return PROMPT_BACK;
		}
		if (k == KEY_UP)
			cur = (cur + n - 1) % n;
		else if (k == KEY_DOWN || k == KEY_TAB)
			cur = (cur + 1) % n;
		else if (k == KEY_HOME)
			cur = 0;
		else if (k == KEY_END)
			cur = n - 1;
		else if (k == KEY_ENTER) {
			prompt_answered(question, choices[cur]);
			out("\033[?25h");
			*result = cur;
			return 0;
		}
	}
}

int prompt_confirm(const char *question, bool def, bool *result)
{
	for (;;) {
		int width = columns() - 1;
		struct strbuf sb = {0};
		int rows = question_rows(&sb, question, def ? "(Y/n)" : "(y/N)", width);
		/* the cursor stays at the end of the question line */
		sb.len -= 2;
		sb.buf[sb.len] = '\0';
		strbuf_putc(&sb, ' ');
		clear_block();
		out(strbuf_str(&sb));
		strbuf_free(&sb);
		block_rows = rows - 1;
		enum key k;
		char ch[8];
		int r = next_key(&k, ch, sizeof(ch));
		if (r == 1) {
			redraw_all();
			continue;
		}
		if (r < 0 || is_quit(k)) {
			clear_block();
			return PROMPT_INTERRUPTED;
		}
		if (is_back(k)) {
			clear_block();
			return PROMPT_BACK;
		}
		bool v;
		if (k == KEY_ENTER)
			v = def;
		else if (k == KEY_CHAR && (ch[0] == 'y' || ch[0] == 'Y'))
			v = true;
		else if (k == KEY_CHAR && (ch[0] == 'n' || ch[0] == 'N'))
			v = false;
		else
			continue;
		prompt_answered(question, v ? "yes" : "no");
		*result = v;
		return 0;
	}
}

static int read_line(const char *question, const char *def, bool masked, prompt_check check, void *ctx,
		     char **result)
{
	struct strbuf line = {0};
	const char *why = NULL;
	for (;;) {
		int width = columns() - 1;
		struct strbuf sb = {0}, hint = {0};
		if (def && *def && !masked)
			strbuf_printf(&hint, "(%s)", def);
		else if (masked && def)
			strbuf_puts(&hint, "(Enter keeps the current one)");
		int rows = question_rows(&sb, question, strbuf_str(&hint), width);
		strbuf_free(&hint);
		rows += error_rows(&sb, why, width);
		/* the answer on its own line; the terminal wraps it, the cursor ends after it */
		strbuf_printf(&sb, "\r%s❯%s ", CYAN, RESET);
		int len = 2;
		if (masked) {
			for (size_t i = 0; i < line.len; i++)
				if ((line.buf[i] & 0xC0) != 0x80) {
					strbuf_putc(&sb, '*');
					len++;
				}
		} else {
			strbuf_puts(&sb, strbuf_str(&line));
			len += utf8_len(strbuf_str(&line), line.len);
		}
		clear_block();
		out(strbuf_str(&sb));
		strbuf_free(&sb);
		int cols = width + 1;
		block_rows = rows + (len - 1) / cols;
		enum key k;
		char ch[8];
		int r = next_key(&k, ch, sizeof(ch));
		if (r == 1) {
			redraw_all();
			continue;
		}
		if (r < 0 || is_quit(k) || is_back(k)) {
			strbuf_free(&line);
			clear_block();
			return r >= 0 && is_back(k) ? PROMPT_BACK : PROMPT_INTERRUPTED;
		}
		if (k == KEY_ENTER) {
			const char *answer = line.len == 0 && def && !masked ? def : strbuf_str(&line);
			why = line.len == 0 && masked && def ? NULL : check ? check(ctx, answer) : NULL;
			if (!why)
				break;
			if (masked) { /* hidden text cannot be corrected in place: typed again */
				line.len = 0;
				if (line.buf)
					line.buf[0] = '\0';
			}
			continue;
		}
		if (k == KEY_BACKSPACE && line.len) {
			do /* drop one UTF-8 character */
				line.len--;
			while (line.len && (line.buf[line.len] & 0xC0) == 0x80);
			line.buf[line.len] = '\0';
		} else if (k == KEY_CTRL_U) {
			line.len = 0;
			if (line.buf)
				line.buf[0] = '\0';
		} else if (k == KEY_CHAR) {
			strbuf_puts(&line, ch);
		}
	}
	if (line.len == 0 && def) {
		strbuf_free(&line);
		prompt_answered(question, masked ? "(unchanged)" : def);
		*result = masked ? NULL : strdup(def);
		return 0;
	}
	prompt_answered(question, masked ? (line.len ? "********" : "(none)") : strbuf_str(&line));
	*result = strbuf_detach(&line);
	return 0;
}

int prompt_text(const char *question, const char *def, prompt_check check, void *ctx, char **result)
{
	return read_line(question, def, false, check, ctx, result);
}

int prompt_secret(const char *question, bool has_current, prompt_check check, void *ctx, char **result)
{
	return read_line(question, has_current ? "" : NULL, true, check, ctx, result);
}

int prompt_wait(const char *text, bool (*done)(void *ctx), void *ctx)
{
	static const char *const frames[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };
	int frame = 0, rc = 0;
	out("\033[?25l");
	while (!done(ctx)) {
		int width = columns() - 1;
		struct strbuf sb = {0};
		int col = 2;
		strbuf_printf(&sb, "\r%s%s%s ", CYAN, frames[frame++ % 10], RESET);
		int rows = 1 + wrap(&sb, text, width, &col, "", "  ", false);
		strbuf_puts(&sb, DIM);
		rows += wrap(&sb, "(Esc cancels)", width, &col, DIM, "  ", true);
		strbuf_puts(&sb, RESET);
		clear_block();
		out(strbuf_str(&sb));
		strbuf_free(&sb);
		block_rows = rows - 1;
		enum key k;
		int r = next_key_timed(&k, NULL, 0, 100);
		if (r == 1)
			redraw_all();
		else if (r < 0 || (r == 0 && is_quit(k))) {
			rc = PROMPT_INTERRUPTED;
			break;
		} else if (r == 0 && is_back(k)) {
			rc = PROMPT_BACK;
			break;
		}
	}
	clear_block();
	out("\033[?25h");
	return rc;
}
