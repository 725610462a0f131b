/* cli_doc.c — --help rows, man pages and shell completions from the commands' option tables. */
#include "cli_doc.h"

#include <getopt.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

int cli_shell_parse(const char *name, enum cli_shell *out)
{
	static const struct { const char *name; enum cli_shell shell; } shells[] = {
		{ "bash", CLI_SHELL_BASH }, { "zsh", CLI_SHELL_ZSH }, { "fish", CLI_SHELL_FISH },
	};
	for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
		if (name && strcmp(name, shells[i].name) == 0) {
			*out = shells[i].shell;
			return 0;
		}
	return -1;
}

static const char *group_of(const struct cli_opt *o) { return o->group ? o->group : "Options"; }

/* Calls the options of doc group by group, groups in order of first appearance. */
typedef void (*opt_fn)(void *ctx, const struct cli_opt *o, bool first_of_group);
static void each_grouped(const struct cli_doc *doc, opt_fn fn, void *ctx)
{
	for (size_t i = 0; i < doc->nopts; i++) {
		const char *g = group_of(&doc->opts[i]);
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(group_of(&doc->opts[j]), g) == 0;
		if (seen)
			continue;
		bool first = true;
		for (size_t j = i; j < doc->nopts; j++)
			if (strcmp(group_of(&doc->opts[j]), g) == 0) {
				fn(ctx, &doc->opts[j], first);
				first = false;
			}
	}
}

static void put_choices(struct strbuf *sb, const char *const *choices, const char *sep)
{
	for (size_t i = 0; choices && choices[i]; i++) {
		if (i)
			strbuf_puts(sb, sep);
		strbuf_puts(sb, choices[i]);
	}
}

/* --- --help -------------------------------------------------------------------------------- */

struct help_ctx {
	struct strbuf *out;
	int width;
};

enum { HELP_COLUMN = 30 };

/* Appends text wrapped at width, each line after the first indented by indent columns;
 * col is where the text starts. Breaks at spaces only (a longer word runs over). */
static void wrap(struct strbuf *out, const char *text, int col, int indent, int width)
{
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t w = strcspn(p, " ");
		if (w == 0)
			break;
		if (col > indent && col + 1 + (int)w > width) {
			strbuf_printf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			strbuf_putc(out, ' ');
			col++;
		}
		strbuf_add(out, p, w);
		col += (int)w;
		p += w;
	}
}

static void help_row(void *vctx, const struct cli_opt *o, bool first)
{
	struct help_ctx *c = vctx;
	if (first)
		strbuf_printf(c->out, "\n%s:\n", group_of(o));
	size_t start = c->out->len;
	if (o->short_name)
		strbuf_printf(c->out, "  -%c, --%s", o->short_name, o->name);
	else
		strbuf_printf(c->out, "      --%s", o->name);
	if (o->arg != CLI_ARG_NONE)
		strbuf_printf(c->out, " %s", o->metavar ? o->metavar : "VALUE");
	int col = (int)(c->out->len - start);
	if (col + 2 > HELP_COLUMN) {
		strbuf_printf(c->out, "\n%*s", HELP_COLUMN, "");
	} else {
		strbuf_printf(c->out, "%*s", HELP_COLUMN - col, "");
	}
	struct strbuf text = {0};
	strbuf_puts(&text, o->help ? o->help : "");
	if (o->arg == CLI_ARG_CHOICE && o->choices) {
		strbuf_puts(&text, " (");
		put_choices(&text, o->choices, ", ");
		strbuf_puts(&text, ")");
	}
	wrap(c->out, strbuf_str(&text), HELP_COLUMN, HELP_COLUMN, c->width);
	strbuf_free(&text);
	strbuf_putc(c->out, '\n');
}

void cli_doc_getopt(const struct cli_doc *doc, struct option *opts, char *shorts, size_t shorts_size)
{
	size_t n = 0;
	if (shorts_size >= 3) {
		shorts[n++] = '+';
		shorts[n++] = ':';
	}
	for (size_t i = 0; i < doc->nopts; i++) {
		const struct cli_opt *o = &doc->opts[i];
		opts[i] = (struct option){ o->name, o->arg == CLI_ARG_NONE ? no_argument : required_argument, NULL,
					   o->id };
		if (o->short_name && n + 3 <= shorts_size) {
			shorts[n++] = o->short_name;
			if (o->arg != CLI_ARG_NONE)
				shorts[n++] = ':';
		}
	}
	opts[doc->nopts] = (struct option){ 0, 0, 0, 0 };
	if (shorts_size)
		shorts[n < shorts_size ? n : shorts_size - 1] = '\0';
}

void cli_doc_help(const struct cli_doc *doc, int width, struct strbuf *out)
{
	struct help_ctx c = { out, width < 60 ? 60 : width };
	each_grouped(doc, help_row, &c);
}

void cli_doc_usage(const struct cli_doc *doc, int width, struct strbuf *out)
{
	strbuf_printf(out, "Usage: aeterna %s%s%s\n", doc->name, doc->synopsis && *doc->synopsis ? " " : "",
		      doc->synopsis ? doc->synopsis : "");
	for (const char *p = doc->description; p && *p;) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct strbuf para = {0};
		strbuf_add(&para, p, n);
		for (size_t i = 0; i < para.len; i++)
			if (para.buf[i] == '\n')
				para.buf[i] = ' ';
		strbuf_putc(out, '\n');
		wrap(out, strbuf_str(&para), 0, 0, width);
		strbuf_putc(out, '\n');
		strbuf_free(&para);
		p = end ? end + 2 : p + n;
	}
	cli_doc_help(doc, width, out);
	if (doc->environment) {
		strbuf_puts(out, "\nEnvironment:\n");
		for (const char *p = doc->environment; *p;) {
			size_t n = strcspn(p, "\n");
			const char *tab = memchr(p, '\t', n);
			strbuf_puts(out, "  ");
			if (tab) {
				strbuf_add(out, p, (size_t)(tab - p));
				strbuf_printf(out, "%*s", (int)(26 - (tab - p) > 1 ? 26 - (tab - p) : 1), "");
				strbuf_add(out, tab + 1, n - (size_t)(tab - p) - 1);
			} else {
				strbuf_add(out, p, n);
			}
			strbuf_putc(out, '\n');
			p += n;
			if (*p == '\n')
				p++;
		}
	}
	if (doc->examples) {
		strbuf_puts(out, "\nExamples:\n");
		for (const char *p = doc->examples; *p;) {
			size_t n = strcspn(p, "\n");
			const char *tab = memchr(p, '\t', n);
			strbuf_puts(out, "  ");
			strbuf_add(out, p, tab ? (size_t)(tab - p) : n);
			strbuf_putc(out, '\n');
			p += n;
			if (*p == '\n')
				p++;
		}
	}
	if (doc->exit_status) {
		strbuf_puts(out, "\nExit status:");
		for (const char *p = doc->exit_status; *p;) {
			size_t n = strcspn(p, "\n");
			const char *tab = memchr(p, '\t', n);
			strbuf_puts(out, p == doc->exit_status ? " " : ", ");
			if (tab) {
				strbuf_add(out, p, (size_t)(tab - p));
				strbuf_putc(out, ' ');
				strbuf_add(out, tab + 1, n - (size_t)(tab - p) - 1);
			} else {
				strbuf_add(out, p, n);
			}
			p += n;
			if (*p == '\n')
				p++;
		}
		strbuf_puts(out, ".\n");
	}
}

/* --- man pages ----------------------------------------------------------------------------- */

/* Appends text for roff: backslashes and minus signs escaped, a leading '.' or '\'' made
 * literal, characters outside ASCII written as \[uXXXX] so any groff reads them. */
static void roff(struct strbuf *out, const char *text, size_t len)
{
	bool line_start = true;
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	while (p < end) {
		unsigned char ch = *p;
		if (line_start && (ch == '.' || ch == '\''))
			strbuf_puts(out, "\\&");
		line_start = ch == '\n';
		if (ch == '\\') {
			strbuf_puts(out, "\\e");
			p++;
		} else if (ch == '-') {
			strbuf_puts(out, "\\-");
			p++;
		} else if (ch < 0x80) {
			if (ch >= 0x20 || ch == '\n' || ch == '\t')
				strbuf_putc(out, (char)ch);
			p++;
		} else {
			uint32_t cp = 0;
			int n = ch >= 0xf0 ? 3 : ch >= 0xe0 ? 2 : ch >= 0xc0 ? 1 : -1;
			if (n < 0 || end - p <= n) {
				p++; /* not UTF-8: dropped */
				continue;
			}
			cp = ch & (0x3fu >> n);
			for (int i = 1; i <= n; i++)
				cp = (cp << 6) | (p[i] & 0x3fu);
			strbuf_printf(out, "\\[u%04X]", (unsigned)cp);
			p += n + 1;
		}
	}
}

static void roff_s(struct strbuf *out, const char *text) { roff(out, text, strlen(text)); }

static void upper(struct strbuf *out, const char *s)
{
	for (; *s; s++)
		strbuf_putc(out, *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
}

/* Paragraphs separated by an empty line, each as .PP + text. */
static void paragraphs(struct strbuf *out, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && p[n - 1] == '\n')
			n--;
		strbuf_puts(out, ".PP\n");
		roff(out, p, n);
		strbuf_putc(out, '\n');
		if (!end)
			break;
		p = end + 2;
		while (*p == '\n')
			p++;
	}
}

/* "key\ttext" lines as tagged paragraphs; bold keys, or literal code blocks when code. */
static void tagged(struct strbuf *out, const char *section, const char *lines, bool code)
{
	if (!lines)
		return;
	strbuf_printf(out, ".SH %s\n", section);
	const char *p = lines;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *tab = memchr(p, '\t', n);
		size_t k = tab ? (size_t)(tab - p) : n;
		if (code) {
			if (tab) {
				strbuf_puts(out, ".PP\n");
				roff(out, tab + 1, n - k - 1);
				strbuf_putc(out, '\n');
			}
			strbuf_puts(out, ".PP\n.RS 4\n.EX\n");
			roff(out, p, k);
			strbuf_puts(out, "\n.EE\n.RE\n");
		} else {
			strbuf_puts(out, ".TP\n.B ");
			roff(out, p, k);
			strbuf_putc(out, '\n');
			if (tab)
				roff(out, tab + 1, n - k - 1);
			strbuf_putc(out, '\n');
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

struct man_ctx {
	struct strbuf *out;
};

static void man_opt(void *vctx, const struct cli_opt *o, bool first)
{
	struct strbuf *out = ((struct man_ctx *)vctx)->out;
	if (first) {
		strbuf_puts(out, ".SS ");
		roff_s(out, group_of(o));
		strbuf_putc(out, '\n');
	}
	strbuf_puts(out, ".TP\n");
	if (o->short_name)
		strbuf_printf(out, "\\fB\\-%c\\fR, ", o->short_name);
	strbuf_puts(out, "\\fB\\-\\-");
	roff_s(out, o->name);
	strbuf_puts(out, "\\fR");
	if (o->arg != CLI_ARG_NONE) {
		strbuf_puts(out, " \\fI");
		roff_s(out, o->metavar ? o->metavar : "VALUE");
		strbuf_puts(out, "\\fR");
	}
	strbuf_putc(out, '\n');
	roff_s(out, o->help ? o->help : "");
	strbuf_puts(out, o->help && o->help[0] && o->help[strlen(o->help) - 1] == '.' ? "\n" : ".\n");
	if (o->arg == CLI_ARG_CHOICE && o->choices) {
		strbuf_puts(out, "One of: ");
		for (size_t i = 0; o->choices[i]; i++) {
			strbuf_puts(out, i ? ", \\fB" : "\\fB");
			roff_s(out, o->choices[i]);
			strbuf_puts(out, "\\fR");
		}
		strbuf_puts(out, ".\n");
	}
	if (o->repeatable)
		strbuf_puts(out, "May be given more than once.\n");
}

static void page_name(struct strbuf *out, const struct cli_doc *doc, const struct cli_doc *top)
{
	roff_s(out, top->name);
	if (doc != top) {
		strbuf_puts(out, "\\-");
		roff_s(out, doc->name);
	}
}

void cli_doc_man(const struct cli_doc *doc, const struct cli_doc *top, const struct cli_doc *const *cmds,
		 size_t ncmds, const char *version, const char *date, struct strbuf *out)
{
	bool is_top = doc == top;
	struct strbuf title = {0};
	upper(&title, top->name);
	if (!is_top) {
		strbuf_putc(&title, '-');
		upper(&title, doc->name);
	}
	strbuf_puts(out, ".TH ");
	roff_s(out, strbuf_str(&title));
	strbuf_free(&title);
	strbuf_puts(out, " 1 \"");
	roff_s(out, date);
	strbuf_puts(out, "\" \"");
	roff_s(out, top->name);
	strbuf_putc(out, ' ');
	roff_s(out, version);
	strbuf_puts(out, "\" \"Aeterna Manual\"\n.nh\n.ad l\n");

	strbuf_puts(out, ".SH NAME\n");
	page_name(out, doc, top);
	strbuf_puts(out, " \\- ");
	roff_s(out, doc->summary);
	strbuf_puts(out, "\n.SH SYNOPSIS\n.B ");
	roff_s(out, top->name);
	if (!is_top) {
		strbuf_putc(out, ' ');
		roff_s(out, doc->name);
	}
	strbuf_putc(out, '\n');
	if (doc->synopsis && doc->synopsis[0]) {
		roff_s(out, doc->synopsis);
		strbuf_putc(out, '\n');
	}
	if (doc->description) {
		strbuf_puts(out, ".SH DESCRIPTION\n");
		paragraphs(out, doc->description);
	}
	if (is_top && ncmds) {
		strbuf_puts(out, ".SH COMMANDS\n");
		for (size_t i = 0; i < ncmds; i++) {
			strbuf_puts(out, ".TP\n.B ");
			roff_s(out, cmds[i]->name);
			strbuf_putc(out, '\n');
			roff_s(out, cmds[i]->summary);
			strbuf_puts(out, ".\n");
		}
	}
	if (doc->nopts) {
		strbuf_puts(out, ".SH OPTIONS\n");
		struct man_ctx c = { out };
		each_grouped(doc, man_opt, &c);
	}
	tagged(out, "ENVIRONMENT", doc->environment, false);
	tagged(out, "FILES", doc->files, false);
	tagged(out, "EXIT STATUS", doc->exit_status, false);
	tagged(out, "EXAMPLES", doc->examples, true);

	strbuf_puts(out, ".SH SEE ALSO\n");
	bool any = false;
	if (!is_top) {
		strbuf_puts(out, ".BR ");
		roff_s(out, top->name);
		strbuf_puts(out, " (1)");
		any = true;
	}
	for (size_t i = 0; i < ncmds; i++) {
		if (cmds[i] == doc)
			continue;
		strbuf_puts(out, any ? ",\n.BR " : ".BR ");
		page_name(out, cmds[i], top);
		strbuf_puts(out, " (1)");
		any = true;
	}
	strbuf_puts(out, any ? ",\n.BR helm (1)\n" : ".BR helm (1)\n");
}

/* --- completions --------------------------------------------------------------------------- */

/* Single-quoted for bash, zsh and fish alike: ' becomes '\'' (sh) or \' (fish). */
static void squote(struct strbuf *out, const char *s, bool fish)
{
	strbuf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_puts(out, fish ? "\\'" : "'\\''");
		else if (fish && *s == '\\')
			strbuf_puts(out, "\\\\");
		else if (*s != '\n')
			strbuf_putc(out, *s);
	}
	strbuf_putc(out, '\'');
}

/* zsh _arguments description: [ ] : and \ escaped. */
static void zdesc(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
			strbuf_putc(out, '\\');
		if (*s == '\'')
			strbuf_puts(out, "'\\''");
		else if (*s != '\n')
			strbuf_putc(out, *s);
	}
}

static void bash_words(struct strbuf *out, const struct cli_doc *doc)
{
	bool first = true;
	for (size_t i = 0; i < doc->nopts; i++) {
		const struct cli_opt *o = &doc->opts[i];
		strbuf_printf(out, "%s--%s", first ? "" : " ", o->name);
		if (o->short_name)
			strbuf_printf(out, " -%c", o->short_name);
		first = false;
	}
}

static void bash_cmd(struct strbuf *out, const struct cli_doc *doc)
{
	strbuf_printf(out, "    %s)\n        case $prev in\n", doc->name);
	for (size_t i = 0; i < doc->nopts; i++) {
		const struct cli_opt *o = &doc->opts[i];
		if (o->arg == CLI_ARG_NONE)
			continue;
		strbuf_printf(out, "        --%s", o->name);
		if (o->short_name)
			strbuf_printf(out, "|-%c", o->short_name);
		switch (o->arg) {
		case CLI_ARG_CHOICE:
			strbuf_puts(out, ") COMPREPLY=($(compgen -W ");
			struct strbuf w = {0};
			put_choices(&w, o->choices, " ");
			squote(out, strbuf_str(&w), false);
			strbuf_free(&w);
			strbuf_puts(out, " -- \"$cur\")); return ;;\n");
			break;
		case CLI_ARG_FILE:
			strbuf_puts(out, ") compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n");
			break;
		case CLI_ARG_DIR:
			strbuf_puts(out, ") compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n");
			break;
		default:
			strbuf_puts(out, ") return ;;\n");
			break;
		}
	}
	strbuf_puts(out, "        esac\n");
	if (doc->operands) {
		strbuf_puts(out, "        if [[ $cur != -* ]]; then COMPREPLY=($(compgen -W ");
		struct strbuf w = {0};
		put_choices(&w, doc->operands, " ");
		squote(out, strbuf_str(&w), false);
		strbuf_free(&w);
		strbuf_puts(out, " -- \"$cur\")); return; fi\n");
	}
	strbuf_puts(out, "        COMPREPLY=($(compgen -W ");
	struct strbuf w = {0};
	bash_words(&w, doc);
	squote(out, strbuf_str(&w), false);
	strbuf_free(&w);
	strbuf_puts(out, " -- \"$cur\")) ;;\n");
}

static void completion_bash(const struct cli_doc *const *cmds, size_t ncmds, struct strbuf *out)
{
	strbuf_puts(out,
		    "# bash completion for aeterna (generated by `aeterna completion bash`; do not edit)\n"
		    "_aeterna() {\n"
		    "    local cur=${COMP_WORDS[COMP_CWORD]} prev=\n"
		    "    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
		    "    # --option=value: bash splits at '=' (COMP_WORDBREAKS)\n"
		    "    if [[ $cur == = ]]; then cur=\n"
		    "    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
		    "    local cmd= i\n"
		    "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
		    "        case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac\n"
		    "    done\n"
		    "    case $cmd in\n"
		    "    '')\n"
		    "        COMPREPLY=($(compgen -W ");
	struct strbuf w = {0};
	for (size_t i = 0; i < ncmds; i++)
		strbuf_printf(&w, "%s ", cmds[i]->name);
	strbuf_puts(&w, "--help --version");
	squote(out, strbuf_str(&w), false);
	strbuf_free(&w);
	strbuf_puts(out, " -- \"$cur\")) ;;\n");
	for (size_t i = 0; i < ncmds; i++)
		bash_cmd(out, cmds[i]);
	strbuf_puts(out, "    esac\n}\ncomplete -F _aeterna aeterna\n");
}

static void zsh_opt(struct strbuf *out, const struct cli_opt *o, const char *spelling)
{
	strbuf_puts(out, "      '");
	if (o->repeatable)
		strbuf_putc(out, '*');
	strbuf_puts(out, spelling);
	if (o->arg != CLI_ARG_NONE)
		strbuf_puts(out, spelling[1] == '-' ? "=" : "+");
	strbuf_putc(out, '[');
	zdesc(out, o->help);
	strbuf_putc(out, ']');
	if (o->arg != CLI_ARG_NONE) {
		strbuf_putc(out, ':');
		zdesc(out, o->metavar ? o->metavar : "value");
		strbuf_putc(out, ':');
		switch (o->arg) {
		case CLI_ARG_CHOICE:
			strbuf_putc(out, '(');
			for (size_t i = 0; o->choices && o->choices[i]; i++) {
				if (i)
					strbuf_putc(out, ' ');
				zdesc(out, o->choices[i]);
			}
			strbuf_putc(out, ')');
			break;
		case CLI_ARG_FILE: strbuf_puts(out, "_files"); break;
		case CLI_ARG_DIR: strbuf_puts(out, "_files -/"); break;
		default: strbuf_puts(out, " "); break;
		}
	}
	strbuf_puts(out, "' \\\n");
}

static void completion_zsh(const struct cli_doc *const *cmds, size_t ncmds, struct strbuf *out)
{
	strbuf_puts(out,
		    "#compdef aeterna\n"
		    "# zsh completion for aeterna (generated by `aeterna completion zsh`; do not edit)\n"
		    "_aeterna() {\n"
		    "  local -a commands\n"
		    "  commands=(\n");
	for (size_t i = 0; i < ncmds; i++) {
		strbuf_puts(out, "    '");
		zdesc(out, cmds[i]->name);
		strbuf_putc(out, ':');
		zdesc(out, cmds[i]->summary);
		strbuf_puts(out, "'\n");
	}
	strbuf_puts(out,
		    "  )\n"
		    "  if (( CURRENT == 2 )); then\n"
		    "    if [[ $PREFIX == -* ]]; then compadd -- --help --version; else _describe -t commands 'aeterna command' commands; fi\n"
		    "    return\n"
		    "  fi\n"
		    "  local cmd=${words[2]}\n"
		    "  shift words\n"
		    "  (( CURRENT-- ))\n"
		    "  case $cmd in\n");
	for (size_t i = 0; i < ncmds; i++) {
		const struct cli_doc *d = cmds[i];
		strbuf_printf(out, "    %s)\n      _arguments -s \\\n", d->name);
		for (size_t j = 0; j < d->nopts; j++) {
			const struct cli_opt *o = &d->opts[j];
			struct strbuf sp = {0};
			strbuf_printf(&sp, "--%s", o->name);
			zsh_opt(out, o, strbuf_str(&sp));
			strbuf_free(&sp);
			if (o->short_name) {
				char s[3] = { '-', o->short_name, 0 };
				zsh_opt(out, o, s);
			}
		}
		if (d->operands) {
			strbuf_puts(out, "      '1:");
			zdesc(out, d->operand_name ? d->operand_name : "argument");
			strbuf_puts(out, ":(");
			for (size_t k = 0; d->operands[k]; k++) {
				if (k)
					strbuf_putc(out, ' ');
				zdesc(out, d->operands[k]);
			}
			strbuf_puts(out, ")' \\\n");
		}
		strbuf_puts(out, "      && return 0\n      ;;\n");
	}
	strbuf_puts(out,
		    "  esac\n"
		    "  return 1\n"
		    "}\n"
		    "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _aeterna \"$@\"; else compdef _aeterna aeterna; fi\n");
}

static void fish_cond(struct strbuf *out, const struct cli_doc *d)
{
	strbuf_printf(out, "complete -c aeterna -n '__fish_seen_subcommand_from %s'", d->name);
}

static void completion_fish(const struct cli_doc *const *cmds, size_t ncmds, struct strbuf *out)
{
	strbuf_puts(out,
		    "# fish completion for aeterna (generated by `aeterna completion fish`; do not edit)\n"
		    "complete -c aeterna -f\n"
		    "complete -c aeterna -n __fish_use_subcommand -l help -d 'Show help'\n"
		    "complete -c aeterna -n __fish_use_subcommand -l version -d 'Print the versions'\n");
	for (size_t i = 0; i < ncmds; i++) {
		strbuf_printf(out, "complete -c aeterna -n __fish_use_subcommand -a %s -d ", cmds[i]->name);
		squote(out, cmds[i]->summary, true);
		strbuf_putc(out, '\n');
	}
	for (size_t i = 0; i < ncmds; i++) {
		const struct cli_doc *d = cmds[i];
		for (size_t j = 0; j < d->nopts; j++) {
			const struct cli_opt *o = &d->opts[j];
			fish_cond(out, d);
			if (o->short_name)
				strbuf_printf(out, " -s %c", o->short_name);
			strbuf_printf(out, " -l %s", o->name);
			switch (o->arg) {
			case CLI_ARG_NONE: break;
			case CLI_ARG_FILE: strbuf_puts(out, " -r -F"); break;
			case CLI_ARG_DIR: strbuf_puts(out, " -x -a '(__fish_complete_directories)'"); break;
			case CLI_ARG_CHOICE: {
				strbuf_puts(out, " -x -a ");
				struct strbuf w = {0};
				put_choices(&w, o->choices, " ");
				squote(out, strbuf_str(&w), true);
				strbuf_free(&w);
				break;
			}
			default: strbuf_puts(out, " -x"); break;
			}
			strbuf_puts(out, " -d ");
			squote(out, o->help ? o->help : "", true);
			strbuf_putc(out, '\n');
		}
		if (d->operands) {
			fish_cond(out, d);
			strbuf_puts(out, " -a ");
			struct strbuf w = {0};
			put_choices(&w, d->operands, " ");
			squote(out, strbuf_str(&w), true);
			strbuf_free(&w);
			strbuf_putc(out, '\n');
		}
	}
}

void cli_doc_completion(enum cli_shell shell, const struct cli_doc *const *cmds, size_t ncmds,
			struct strbuf *out)
{
	switch (shell) {
	case CLI_SHELL_BASH: completion_bash(cmds, ncmds, out); break;
	case CLI_SHELL_ZSH: completion_zsh(cmds, ncmds, out); break;
	case CLI_SHELL_FISH: completion_fish(cmds, ncmds, out); break;
	}
}
