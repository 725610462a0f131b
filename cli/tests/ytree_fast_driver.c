/* Test driver for ytree's fast path (setup_e2e_test.py runs it on every generated file):
 *   ytree_fast_driver FILE...
 * Each file must be read by the fast path (the writers stay inside its subset, so setup's checks
 * never fall back to libfyaml) and give the tree libfyaml gives, node for node. Prints one line per
 * file that fails; exits 1 if any does, 2 on a usage or read error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "ytree.h"
#include "ytree_internal.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ytree_fast_driver FILE...\n");
		return 2;
	}
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		char *text = NULL;
		size_t len = 0;
		int e = 0;
		struct ae_error err;
		if (read_file(argv[i], &text, &len, &e, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
		struct ynode *fast = NULL;
		int fr = ytree_fast_parse(argv[i], text, len, &fast);
		struct ytree slow;
		struct diag_list d = {0};
		int sr = ytree_parse_ex(&slow, argv[i], text, len, &d, YTREE_NO_FAST);
		if (fr != 1) {
			printf("%s: the fast path declines it (a writer left its subset)\n", argv[i]);
			bad = 1;
		} else if (sr != 0 || d.len) {
			printf("%s: the fast path reads it, libfyaml does not: %s\n", argv[i], d.len ? d.items[0].message : "?");
			bad = 1;
		} else if (!ynode_identical(fast, slow.root)) {
			printf("%s: the fast path's tree differs from libfyaml's\n", argv[i]);
			bad = 1;
		}
		ynode_free(fast);
		ytree_free(&slow);
		diag_list_free(&d);
		free(text);
	}
	return bad;
}
