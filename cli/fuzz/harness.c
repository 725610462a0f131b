/* libFuzzer harness: FUZZ_TARGET names the entry point (see targets.h). */
#include "targets.h"

#define CAT(a, b) a##b
#define TARGET(name) CAT(fuzz_, name)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return TARGET(FUZZ_TARGET)(data, size); }
