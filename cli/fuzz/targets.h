/* targets.h — fuzz entry points, shared by the libFuzzer harnesses (make fuzz) and the
 * regression runner in ctest (every file under cli/fuzz/regressions/<target>/ replayed). */
#ifndef AETERNA_FUZZ_TARGETS_H
#define AETERNA_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

int fuzz_ytree(const uint8_t *data, size_t size);   /* YAML parser and scalar resolution */
int fuzz_yfast(const uint8_t *data, size_t size);   /* ytree's fast path against libfyaml: same verdict, same tree */
int fuzz_jschema(const uint8_t *data, size_t size); /* schema loading + validation: "schema\0instance" */
int fuzz_merge(const uint8_t *data, size_t size);   /* values merging: "yaml\0yaml" */
int fuzz_toml(const uint8_t *data, size_t size);    /* config.toml reader */
int fuzz_edit(const uint8_t *data, size_t size);    /* in-place values.yaml editor: "existing\0generated\0previous" */
int fuzz_diff(const uint8_t *data, size_t size);    /* the dry-run diff: "a\0b" (the diff must turn a into b) */
int fuzz_resp(const uint8_t *data, size_t size);    /* status: Redis replies (RESP), byte by byte and whole */
int fuzz_reply(const uint8_t *data, size_t size);   /* status: HTTP /health JSON, INFO text, cleaning, URL masking */
int fuzz_objlist(const uint8_t *data, size_t size); /* status: object-store listings (S3/Azure XML, GCS JSON), times, escaping */

#endif
