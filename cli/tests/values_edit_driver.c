/* values_edit_driver — runs the in-place values.yaml editor on files, for the property test
 * (cli/tests/values_edit_property_test.py).
 * usage: values_edit_driver EXISTING GENERATED [PREVIOUS]
 * Prints the edited text and exits 0, or prints the reason on stderr and exits 3 when the file
 * cannot be edited in place (setup then rewrites it and keeps a backup). */
#include <stdio.h>
#include <stdlib.h>

#include "atomic_file.h"
#include "values_merge.h"

static char *load(const char *path)
{
	char *text = NULL;
	int e = 0;
	struct ae_error err;
	if (read_file(path, &text, NULL, &e, &err) < 0) {
		fprintf(stderr, "values_edit_driver: %s: %s\n", path, err.msg);
		exit(2);
	}
	return text;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: values_edit_driver EXISTING GENERATED [PREVIOUS]\n");
		return 2;
	}
	char *existing = load(argv[1]), *generated = load(argv[2]), *previous = argc == 4 ? load(argv[3]) : NULL;
	struct strbuf out = {0};
	struct ae_error err;
	int rc = values_merge(existing, generated, previous, &out, &err);
	if (rc == 0)
		fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
	else
		fprintf(stderr, "cannot edit in place: %s\n", err.msg);
	strbuf_free(&out);
	free(existing);
	free(generated);
	free(previous);
	return rc == 0 ? 0 : 3;
}
