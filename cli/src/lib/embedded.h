/* embedded.h — files built into the binary by CMake (build/generated/embedded.c). Each array
 * holds the file's bytes followed by a NUL; *_len excludes the NUL. */
#ifndef AETERNA_EMBEDDED_H
#define AETERNA_EMBEDDED_H

#include <stddef.h>

extern const unsigned char embedded_values_yaml[];          /* charts/aeterna/values.yaml */
extern const size_t embedded_values_yaml_len;
extern const unsigned char embedded_values_schema[];        /* charts/aeterna/values.schema.json */
extern const size_t embedded_values_schema_len;
extern const unsigned char embedded_compose_schema[];       /* schemas/compose-spec.json */
extern const size_t embedded_compose_schema_len;

#endif
