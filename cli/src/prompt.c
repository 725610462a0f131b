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
#define CYAN (color ? "\033[36m" : "")
#define QMARK (color ? "\033[1;36m" : "")
#define CHECK (color ? "\033[1;32m" : "")
#define RESET (color ? "\033[0m" : "")
static volatile sig_atomic_t raw_on;
static unsigned char inbuf[64];
static size_t inlen;

static void restore(void)
{
	if (raw_on) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		raw_on = 0;
		/* show the cursor again */
		(void)!write(STDOUT_FILENO, "\033[?25h", 6);
	}
}

static void on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

int prompt_begin(void)
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
	return 0;
}

void prompt_end(void) { restore(); }

static void out(const char *s) { fputs(s, stdout); }

/* Next key; 0 on success, -1 when input ends. A lone ESC is reported after 50 ms. */
static int next_key(enum key *k, char *text, size_t text_size)
{
	for (;;) {
		size_t used = 0;
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
		ssize_t r = read(STDIN_FILENO, inbuf + inlen, sizeof(inbuf) - inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		inlen += (size_t)r;
	}
}

void prompt_note(const char *text)
{
	printf("\r  %s%s%s\r\n", DIM, text, RESET);
}

void prompt_error(const char *text)
{
	printf("\r  %s%s%s\r\n", RED, text, RESET);
}

static void header(const char *question)
{
	printf("\r%s?%s %s%s%s", QMARK, RESET, BOLD, question, RESET);
}

static void answered(const char *question, const char *answer)
{
	printf("\r\033[K%s✔%s %s%s%s %s%s%s\r\n", CHECK, RESET, BOLD, question, RESET, CYAN, answer, RESET);
}

/* Terminal width in columns (80 when unknown). */
static int columns(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
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

static int utf8_len(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += (*s & 0xC0) != 0x80;
	return n;
}

/* The list is redrawn by moving the cursor up one line per entry, so no entry may wrap:
 * choices and hints are cut to the terminal's width. */
int prompt_select(const char *question, const char *const *choices, const char *const *hints, int n,
		  int def, int *result)
{
	int cur = def >= 0 && def < n ? def : 0;
	bool first = true;
	out("\033[?25l");
	for (;;) {
		if (!first)
			printf("\033[%dA", n + 1);
		first = false;
		int width = columns() - 1;
		printf("\r\033[J");
		printf("\r%s?%s %s%.*s%s", QMARK, RESET, BOLD, fit(question, width - 2), question, RESET);
		if (utf8_len(question) + 16 <= width)
			printf(" %s(↑/↓, Enter)%s", DIM, RESET);
		printf("\r\n");
		for (int i = 0; i < n; i++) {
			int room = width - 2;
			int c = fit(choices[i], room);
			if (i == cur)
				printf("\r%s❯ %.*s%s", CYAN, c, choices[i], RESET);
			else
				printf("\r  %.*s", c, choices[i]);
			room -= utf8_len(choices[i]) + 2;
			if (hints && hints[i] && room > 4)
				printf("  %s%.*s%s", DIM, fit(hints[i], room), hints[i], RESET);
			printf("\r\n");
		}
		enum key k;
		if (next_key(&k, NULL, 0) < 0 || k == KEY_CTRL_C || k == KEY_CTRL_D) {
			out("\033[?25h\r\n");
			return PROMPT_INTERRUPTED;
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
			printf("\033[%dA\r\033[J", n + 1);
			answered(question, choices[cur]);
			out("\033[?25h");
			*result = cur;
			return 0;
		}
	}
}

int prompt_confirm(const char *question, bool def, bool *result)
{
	for (;;) {
		header(question);
		printf(" %s(%s)%s ", DIM, def ? "Y/n" : "y/N", RESET);
		enum key k;
		char ch[8];
		if (next_key(&k, ch, sizeof(ch)) < 0 || k == KEY_CTRL_C || k == KEY_CTRL_D) {
			out("\r\n");
			return PROMPT_INTERRUPTED;
		}
		bool v;
		if (k == KEY_ENTER)
			v = def;
		else if (k == KEY_CHAR && (ch[0] == 'y' || ch[0] == 'Y'))
			v = true;
		else if (k == KEY_CHAR && (ch[0] == 'n' || ch[0] == 'N'))
			v = false;
		else {
			printf("\r\033[K");
			continue;
		}
		answered(question, v ? "yes" : "no");
		*result = v;
		return 0;
	}
}

static int read_line(const char *question, const char *def, bool masked, char **result)
{
	struct strbuf line = {0};
	for (;;) {
		printf("\r\033[K");
		header(question);
		if (def && *def && !masked)
			printf(" %s(%s)%s", DIM, def, RESET);
		else if (masked && def)
			printf(" %s(Enter keeps the current one)%s", DIM, RESET);
		out(" ");
		if (masked)
			for (size_t i = 0; i < line.len; i++)
				out("*");
		else
			out(strbuf_str(&line));
		enum key k;
		char ch[8];
		if (next_key(&k, ch, sizeof(ch)) < 0 || k == KEY_CTRL_C || k == KEY_CTRL_D) {
			strbuf_free(&line);
			out("\r\n");
			return PROMPT_INTERRUPTED;
		}
		if (k == KEY_ENTER)
			break;
		if (k == KEY_BACKSPACE && line.len) {
			/* drop one UTF-8 character */
			do
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
		answered(question, masked ? "(unchanged)" : def);
		*result = masked ? NULL : strdup(def);
		return 0;
	}
	answered(question, masked ? (line.len ? "********" : "(none)") : strbuf_str(&line));
	*result = strbuf_detach(&line);
	return 0;
}

int prompt_text(const char *question, const char *def, char **result)
{
	return read_line(question, def, false, result);
}

int prompt_secret(const char *question, bool has_current, char **result)
{
	return read_line(question, has_current ? "" : NULL, true, result);
}
