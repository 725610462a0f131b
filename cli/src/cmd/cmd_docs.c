/* cmd_docs.c — `aeterna completion SHELL` and `aeterna help --man [COMMAND]`: shell completions
 * and man pages produced from the same option tables the commands parse with (docs.h). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "docs.h"
#include "strbuf.h"

/* The date in the pages' footer: the release's, so a page does not change between builds. */
#ifndef AETERNA_RELEASE_DATE
#define AETERNA_RELEASE_DATE "2026-11-30"
#endif

static const char *const shells[] = { "bash", "zsh", "fish", NULL };

static const struct cli_opt completion_opts[] = {
	{ "help", 'h', CLI_ARG_NONE, NULL, NULL, NULL, "show this help", 0, 'h' },
};

static const struct cli_doc completion_doc = {
	.name = "completion",
	.summary = "print a shell completion script for bash, zsh or fish",
	.synopsis = "bash|zsh|fish",
	.description = "Prints a completion script covering every command, option and option value (choices, "
		       "file and directory names). The installed package puts them where each shell looks; "
		       "from a build, load one for the current shell as shown below.",
	.opts = completion_opts,
	.nopts = 1,
	.exit_status = "0\tthe script was printed\n2\tno shell, or one other than bash, zsh or fish",
	.examples = "source <(aeterna completion bash)\tbash, for this shell\n"
		    "aeterna completion zsh > ~/.zfunc/_aeterna\tzsh, with ~/.zfunc in fpath\n"
		    "aeterna completion fish > ~/.config/fish/completions/aeterna.fish\tfish",
	.operands = shells,
	.operand_name = "SHELL",
};

static const struct cli_opt help_opts[] = {
	{ "man", 0, CLI_ARG_NONE, NULL, NULL, NULL, "print the man page (roff) instead of the help", 0, 'm' },
};

static const struct cli_doc help_doc = {
	.name = "help",
	.summary = "show help for aeterna or for one command",
	.synopsis = "[--man] [COMMAND]",
	.opts = help_opts,
	.nopts = 1,
};

static const struct cli_doc version_doc = {
	.name = "version",
	.summary = "print the versions of the tool, chart and server",
	.synopsis = "",
};

static const struct cli_opt top_opts[] = {
	{ "help", 'h', CLI_ARG_NONE, NULL, NULL, NULL, "show the commands", 0, 'h' },
	{ "version", 'V', CLI_ARG_NONE, NULL, NULL, NULL, "print the versions of the tool, chart and server", 0, 'V' },
};

static const struct cli_doc top_doc = {
	.name = "aeterna",
	.summary = "set up, validate and check an Aeterna deployment",
	.synopsis = "[--help] [--version] COMMAND [ARGS]",
	.description =
		"aeterna is the command-line tool of the Aeterna deployment toolkit. setup writes the Helm "
		"values, a docker-compose stack, its own config and an OpenCode MCP entry; validate checks "
		"those files against the chart's schema and rules without a cluster; status checks every "
		"configured service live.",
	.opts = top_opts,
	.nopts = 2,
	.exit_status = "0\tsuccess\n1\tthe command ran and found problems\n2\tusage error: nothing was done\n"
		       "130\tinterrupted",
	.examples = "aeterna setup\tthe wizard\n"
		    "aeterna validate -f values.yaml\tcheck values before helm install\n"
		    "aeterna status\tevery configured service, live",
};

size_t docs_all(const struct cli_doc **out, size_t max)
{
	const struct cli_doc *all[] = { setup_doc(), &validate_doc, &status_doc, &completion_doc, &help_doc,
					&version_doc };
	size_t n = sizeof(all) / sizeof(all[0]);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

int docs_man(const char *command)
{
	const struct cli_doc *cmds[8];
	size_t n = docs_all(cmds, 8);
	const struct cli_doc *doc = &top_doc;
	if (command) {
		doc = NULL;
		for (size_t i = 0; i < n && !doc; i++)
			if (!strcmp(cmds[i]->name, command))
				doc = cmds[i];
		if (!doc || doc == &help_doc || doc == &version_doc) {
			fprintf(stderr, "aeterna help: no man page for '%s' (pages: aeterna, setup, validate, status, "
					"completion)\n", command);
			return EXIT_USAGE;
		}
	}
	struct strbuf sb = {0};
	cli_doc_man(doc, &top_doc, cmds, n, AETERNA_VERSION, AETERNA_RELEASE_DATE, &sb);
	if (strbuf_failed(&sb)) {
		strbuf_free(&sb);
		fprintf(stderr, "aeterna help: out of memory\n");
		return EXIT_FAILURE_;
	}
	fputs(strbuf_str(&sb), stdout);
	strbuf_free(&sb);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_;
}

int cmd_completion(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		struct strbuf sb = {0};
		cli_doc_usage(&completion_doc, 92, &sb);
		fputs(strbuf_str(&sb), stdout);
		strbuf_free(&sb);
		return EXIT_OK;
	}
	enum cli_shell shell;
	if (argc != 2) {
		fprintf(stderr, "aeterna completion: name one shell: bash, zsh or fish\n");
		return EXIT_USAGE;
	}
	if (cli_shell_parse(argv[1], &shell) < 0) {
		fprintf(stderr, "aeterna completion: '%s' is not a shell this supports (bash, zsh or fish)\n", argv[1]);
		return EXIT_USAGE;
	}
	const struct cli_doc *cmds[8];
	size_t n = docs_all(cmds, 8);
	struct strbuf sb = {0};
	cli_doc_completion(shell, cmds, n, &sb);
	if (strbuf_failed(&sb)) {
		strbuf_free(&sb);
		fprintf(stderr, "aeterna completion: out of memory\n");
		return EXIT_FAILURE_;
	}
	fputs(strbuf_str(&sb), stdout);
	strbuf_free(&sb);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILURE_;
}
