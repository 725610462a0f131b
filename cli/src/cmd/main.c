/* main.c — entry point and command table of the `aeterna` tool. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <jansson.h>

#include "commands.h"
#include "docs.h"
#include "net_helper.h"
#include "setup.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

#ifdef AETERNA_STATIC_MAIN
/* status needs libcurl and libpq, which a static program cannot load: aeterna-net runs it */
static int status_in_helper(int argc, char **argv)
{
	struct ae_error err;
	net_helper_exec(argc, argv, &err);
	fprintf(stderr, "aeterna status: %s\n", err.msg);
	return EXIT_USAGE;
}
#define CMD_STATUS status_in_helper
#else
#define CMD_STATUS cmd_status
#endif

/* The command table. New commands add a line here and a cmd_<name>.c file. */
static const struct command commands[] = {
	{ "setup", "Ask how Aeterna should run and write its deployment files", cmd_setup },
	{ "validate", "Check values files, docker-compose.yaml and config.toml without a cluster", cmd_validate },
	{ "status", "Check every configured service live, concurrently", CMD_STATUS },
	{ "completion", "Print a shell completion script (bash, zsh or fish)", cmd_completion },
	{ "help", "Show help for aeterna or for one command", cmd_help },
	{ "version", "Print the versions of the tool, chart and server", cmd_version },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: aeterna [--help] [--version] <command> [<args>]\n"
		"\n"
		"Deployment toolkit for the Aeterna memory and knowledge server.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Run 'aeterna help <command>' or 'aeterna <command> --help' for a command's options.\n");
}

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: aeterna version\n\nPrint the versions of the tool, chart and server.\n");
		return EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "aeterna version: %s '%s' (version takes no options or arguments)\n",
			argv[1][0] == '-' ? "unknown option" : "unexpected argument", argv[1]);
		return EXIT_USAGE;
	}
	printf("aeterna %s (chart %s, server %s)\n", AETERNA_VERSION, AETERNA_CHART_VERSION,
	       AETERNA_SERVER_VERSION);
	return EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--man")) {
		if (argc > 3) {
			fprintf(stderr, "aeterna help: --man takes at most one command\n");
			return EXIT_USAGE;
		}
		return docs_man(argc == 3 ? argv[2] : NULL);
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "aeterna help: usage: aeterna help [--man] [COMMAND]\n");
		return EXIT_USAGE;
	}
	if (argc < 2) {
		print_usage(stdout);
		return EXIT_OK;
	}
	const struct command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "aeterna: unknown command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	if (c->run == cmd_help || c->run == cmd_version) {
		printf("Usage: aeterna %s\n\n%s.\n", c->name, c->summary);
		return EXIT_OK;
	}
	char *sub[] = { (char *)c->name, "--help", NULL };
	return c->run(2, sub);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		name = "help";
	else if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
		name = "version";
	else if (name[0] == '-') {
		fprintf(stderr, "aeterna: unknown option '%s'\n\n", name);
		print_usage(stderr);
		return EXIT_USAGE;
	}
#ifndef AETERNA_STATIC_MAIN /* the static executable leaves libcurl and libpq to aeterna-net (net_helper.h) */
	net_reach_in_process = reach_curl;
	if (!strcmp(name, "__reach")) /* for the static executable's wizard (not a user command) */
		return wizard_reach_main(argc - 1, argv + 1);
#endif
	const struct command *c = find_command(name);
	if (!c) {
		fprintf(stderr, "aeterna: '%s' is not an aeterna command. See 'aeterna --help'.\n", name);
		return EXIT_USAGE;
	}
	/* jansson's hash seed (it guards JSON from servers and users against colliding keys): one
	 * getrandom(2) instead of jansson's own open/read/close of /dev/urandom */
	uint32_t seed = 0;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed) && seed)
		json_object_seed(seed);
	return c->run(argc - 1, argv + 1);
}
