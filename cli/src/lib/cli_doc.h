/* cli_doc.h — one description of each command's options, from which the option parser's
 * table, --help, the man pages and the shell completions are all produced, so none of them
 * can drift from the others.
 *
 * A command describes itself with a struct cli_doc (static data, or built at run time by the
 * command, which then owns it). The functions here only read the descriptions and append to a
 * caller-owned strbuf; they allocate nothing else. */
#ifndef AETERNA_CLI_DOC_H
#define AETERNA_CLI_DOC_H

#include <stddef.h>

#include "strbuf.h"

/* What an option takes: drives getopt (has_arg) and what a shell offers after it. */
enum cli_arg {
	CLI_ARG_NONE,   /* a switch */
	CLI_ARG_TEXT,   /* free text: nothing to complete */
	CLI_ARG_NUMBER, /* an integer */
	CLI_ARG_FILE,   /* a path to a file: the shell completes file names */
	CLI_ARG_DIR,    /* a directory: the shell completes directory names */
	CLI_ARG_CHOICE, /* one of choices[] */
};

struct cli_opt {
	const char *name;           /* long name without "--" */
	char short_name;            /* 0: none */
	enum cli_arg arg;
	const char *metavar;        /* shown after the name ("FILE"); NULL for CLI_ARG_NONE */
	const char *const *choices; /* CLI_ARG_CHOICE: NULL-terminated */
	const char *group;          /* heading in --help and the man page; NULL: "Options" */
	const char *help;           /* one sentence, no trailing period needed */
	int repeatable;             /* may be given several times */
	int id;                     /* what getopt_long returns for it (cli_doc_getopt); not 0 */
};

struct cli_doc {
	const char *name;        /* "setup"; "aeterna" for the tool itself */
	const char *summary;     /* one line, for NAME and the command list */
	const char *synopsis;    /* after "aeterna <name> " */
	const char *description; /* paragraphs separated by an empty line */
	const struct cli_opt *opts;
	size_t nopts;
	const char *environment; /* "NAME\ttext" lines, or NULL */
	const char *exit_status; /* "CODE\ttext" lines, or NULL */
	const char *examples;    /* "command\ttext" lines, or NULL */
	const char *files;       /* "path\ttext" lines, or NULL */
	const char *const *operands; /* choices for the first operand (NULL-terminated), or NULL */
	const char *operand_name;    /* its name in messages ("SHELL"), or NULL */
};

struct option;

/* The getopt_long table of doc's options, into opts (doc->nopts + 1 entries, the last zeroed),
 * and the short-option string ("+:" then each short name, ':' after those taking a value) into
 * shorts (shorts_size >= 3 + 2 * nopts). The parser and every text then share one table. */
void cli_doc_getopt(const struct cli_doc *doc, struct option *opts, char *shorts, size_t shorts_size);

enum cli_shell { CLI_SHELL_BASH, CLI_SHELL_ZSH, CLI_SHELL_FISH };

/* Parses "bash", "zsh" or "fish". Returns 0, or -1 for any other name. */
int cli_shell_parse(const char *name, enum cli_shell *out);

/* The option list of --help: "  -o, --output DIR   text" rows grouped under their headings,
 * wrapped at width columns. */
void cli_doc_help(const struct cli_doc *doc, int width, struct strbuf *out);

/* The whole --help text: "Usage: aeterna NAME SYNOPSIS", the description's paragraphs wrapped at
 * width, the option rows (cli_doc_help), the environment, the examples and the exit status. */
void cli_doc_usage(const struct cli_doc *doc, int width, struct strbuf *out);

/* A man(7) page for doc in section 1. top is the tool's own description (its SEE ALSO lists
 * the commands' pages); for a command page (doc != top) SEE ALSO names aeterna(1).
 * cmds/ncmds are every command, for the tool's page and for SEE ALSO. */
void cli_doc_man(const struct cli_doc *doc, const struct cli_doc *top, const struct cli_doc *const *cmds,
		 size_t ncmds, const char *version, const char *date, struct strbuf *out);

/* A completion script for shell covering the commands, their options and each option's
 * choices (or file/directory names). */
void cli_doc_completion(enum cli_shell shell, const struct cli_doc *const *cmds, size_t ncmds,
			struct strbuf *out);

#endif
