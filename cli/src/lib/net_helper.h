/* net_helper.h — the statically linked `aeterna` and its network helper.
 *
 * A release `aeterna` is one static executable: setup and validate start without loading any
 * shared library (make bench). What needs libcurl and libpq — `status`, and the wizard's check
 * that a URL answers — runs in `aeterna-net`, the same program linked dynamically, which loads
 * them with dlopen (netlibs.h). The static binary hands such work to it:
 *   - `aeterna status ...` replaces itself with `aeterna-net status ...` (exec);
 *   - the wizard runs `aeterna-net __reach URL` and waits for it.
 * The helper is looked up, in order, in $AETERNA_EXEC_PATH, next to the running executable (a
 * build tree), and in ../libexec/aeterna/ from it (an installation), like git's exec path.
 * A dynamically linked `aeterna` (sanitizer builds, -DAETERNA_STATIC=OFF) does it all itself:
 * net_helper_active is false there. */
#ifndef AETERNA_NET_HELPER_H
#define AETERNA_NET_HELPER_H

#include <stdbool.h>

#include "error.h"

/* The helper's path (caller frees), or NULL with err naming where it was looked for. */
char *net_helper_path(struct ae_error *err);

/* Replaces the process with `aeterna-net <argv...>` (argv[0] is the command name, as a command's
 * run function receives it). Returns only on failure: err says why. */
int net_helper_exec(int argc, char **argv, struct ae_error *err);

/* The wizard's URL check (wizard.c) in this process, with libcurl loaded by dlopen: set by the
 * dynamically linked main (reach_curl.c); NULL in the static executable, whose wizard asks the
 * helper instead. Returns 0 or PROMPT_INTERRUPTED. */
extern int (*net_reach_in_process)(const char *url);
int reach_curl(const char *url);

#endif
