/* setup.h — pieces of `aeterna setup` shared between its files. */
#ifndef AETERNA_SETUP_H
#define AETERNA_SETUP_H

#include "model.h"

int cmd_setup(int argc, char **argv);

/* The interactive question flow. d holds the defaults (previous answers and flags) and receives
 * the answers; questions whose field is set in `given` (flags) are not asked.
 * Returns 0, or an exit code (130 when interrupted). */
int wizard_run(struct deployment *d, const struct deployment *given);

/* --validate: checks the files in dir. prev is the loaded config.toml (NULL when absent).
 * Prints findings; returns 0 when clean, 1 when a file has problems, 2 when none exist. */
int setup_validate_files(const char *dir, const struct deployment *prev);

#endif
