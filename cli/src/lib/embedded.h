/* embedded.h — files built into the binary.
 *
 * embedded_values_yaml holds charts/aeterna/values.yaml's bytes followed by a NUL (_len excludes
 * it), for quoting its lines in diagnostics (build/generated/embedded.c, written by CMake).
 *
 * The trees are the same files parsed at build time (build/generated/embedded_trees.c, written by
 * cli/tools/embed_trees.c): the chart's defaults as ytree_parse reads them (nodes carry
 * positions in "charts/aeterna/values.yaml"), and the two JSON schemas as ynode_from_json makes
 * them. They are static (ynode.static_): read-only, shared, never freed.
 */
#ifndef AETERNA_EMBEDDED_H
#define AETERNA_EMBEDDED_H

#include <stddef.h>

#include "ytree.h"

extern const unsigned char embedded_values_yaml[];          /* charts/aeterna/values.yaml */
extern const size_t embedded_values_yaml_len;

extern const struct ynode *const embedded_values_tree;          /* charts/aeterna/values.yaml */
extern const struct ynode *const embedded_values_schema_tree;   /* charts/aeterna/values.schema.json */
extern const struct ynode *const embedded_compose_schema_tree;  /* schemas/compose-spec.json */

#endif
