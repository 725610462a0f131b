/* opencode.json: the Aeterna MCP entry, merged into the user's existing file. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "generate.h"

int gen_opencode(const struct deployment *d, const char *existing, const char *existing_name,
		 struct strbuf *out, struct ae_error *err)
{
	json_t *root;
	if (existing && *existing) {
		json_error_t je;
		root = json_loads(existing, JSON_REJECT_DUPLICATES, &je);
		if (!root)
			return ae_error_set(err, "%s:%d:%d: not valid JSON (%s); fix or move it, nothing was written",
					    existing_name, je.line, je.column, je.text);
		if (!json_is_object(root)) {
			json_decref(root);
			return ae_error_set(err, "%s:1:1: the top level is not a JSON object; nothing was written", existing_name);
		}
	} else {
		root = json_object();
		if (!root)
			return ae_error_set(err, "out of memory");
		json_object_set_new(root, "$schema", json_string("https://opencode.ai/config.json"));
	}
	json_t *mcp = json_object_get(root, "mcp");
	if (mcp && !json_is_object(mcp)) {
		json_decref(root);
		return ae_error_set(err, "%s: \"mcp\" is not an object; nothing was written", existing_name);
	}
	if (!mcp) {
		mcp = json_object();
		json_object_set_new(root, "mcp", mcp);
	}
	char *url = mcp_url(d);
	json_t *entry = json_object();
	if (!url || !entry) {
		free(url);
		json_decref(entry);
		json_decref(root);
		return ae_error_set(err, "out of memory");
	}
	json_object_set_new(entry, "type", json_string("remote"));
	json_object_set_new(entry, "url", json_string(url));
	json_object_set_new(entry, "enabled", json_true());
	if (d->mode != MODE_LOCAL && d->central_auth == AUTH_API_KEY) {
		/* The key stays out of the file: OpenCode substitutes {env:VAR} when it loads it. */
		json_t *headers = json_object();
		json_object_set_new(headers, "Authorization", json_string("Bearer {env:AETERNA_API_KEY}"));
		json_object_set_new(entry, "headers", headers);
	}
	free(url);
	json_object_set_new(mcp, "aeterna", entry);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return ae_error_set(err, "out of memory");
	strbuf_puts(out, text);
	strbuf_putc(out, '\n');
	free(text);
	return 0;
}
