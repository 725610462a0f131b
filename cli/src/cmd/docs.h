/* docs.h — each command's description (cli_doc.h) for --help, `aeterna help --man` and
 * `aeterna completion`. The descriptions are static data owned by their command files;
 * setup's is built once from the model's field table (see setup_doc). */
#ifndef AETERNA_DOCS_H
#define AETERNA_DOCS_H

#include "cli_doc.h"

extern const struct cli_doc validate_doc;
extern const struct cli_doc status_doc;
const struct cli_doc *setup_doc(void);

/* aeterna completion SHELL */
int cmd_completion(int argc, char **argv);

/* aeterna help --man [COMMAND]: the man page of the tool (NULL) or of COMMAND on stdout. */
int docs_man(const char *command);

/* The docs of every command, in the table's order (for the tool's page and the completions). */
size_t docs_all(const struct cli_doc **out, size_t max);

#endif
