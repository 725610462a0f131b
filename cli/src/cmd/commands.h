/* commands.h — the command table's entries. Each command lives in cmd_<name>.c, parses its
 * own arguments, prints its own messages, and returns the process exit code. */
#ifndef AETERNA_COMMANDS_H
#define AETERNA_COMMANDS_H

/* Exit codes shared by every command. */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_ = 1, /* the command ran and found problems */
	EXIT_USAGE = 2,    /* bad flags or input: nothing was done */
	EXIT_INTERRUPTED = 130,
};

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

int cmd_validate(int argc, char **argv);
int cmd_status(int argc, char **argv);

#endif
