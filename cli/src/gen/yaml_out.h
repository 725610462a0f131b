/* yaml_out.h — helpers to emit YAML text: scalars are always written as double-quoted
 * strings with JSON-compatible escapes (valid YAML 1.2), so no value changes type or meaning. */
#ifndef AETERNA_YAML_OUT_H
#define AETERNA_YAML_OUT_H

#include <stdbool.h>

#include "strbuf.h"

void yaml_quote(struct strbuf *out, const char *s);
/* "<indent>key: "value"\n" */
void yaml_kv(struct strbuf *out, int indent, const char *key, const char *value);
void yaml_kv_int(struct strbuf *out, int indent, const char *key, long value);
void yaml_kv_bool(struct strbuf *out, int indent, const char *key, bool value);
/* "<indent>key:\n" */
void yaml_key(struct strbuf *out, int indent, const char *key);
/* literal block scalar: "<indent>key: |\n" then text indented by indent+2 */
void yaml_block(struct strbuf *out, int indent, const char *key, const char *text);

#endif
