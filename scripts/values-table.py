#!/usr/bin/env python3
"""Generate a chart README's values table from the `# --` comments in its values.yaml.

Usage: values-table.py CHART --write | --check

A comment block starting with `# --` documents the key on the line after it. The table goes
between `<!-- values-table:start -->` and `<!-- values-table:end -->` in CHART/README.md.
--check fails when the README differs from what would be generated, or when a value that is
not inside a documented key has no `# --` comment.
"""
import json
import re
import sys

import yaml

KEY_RE = re.compile(r"^(\s*)([A-Za-z0-9_.\-]+):(\s|$)")
START, END = "<!-- values-table:start -->", "<!-- values-table:end -->"


def parse_docs(text):
    """Returns {dotted.key: description} for keys preceded by a `# --` block."""
    docs, stack, pending = {}, [], None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# --"):
            pending = [stripped[4:].strip()]
            continue
        if pending is not None and stripped.startswith("#"):
            pending.append(stripped[1:].strip())
            continue
        m = KEY_RE.match(line)
        if not m or stripped.startswith("- "):
            if stripped and not stripped.startswith("#"):
                pending = None
            continue
        indent, key = len(m.group(1)), m.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        path = ".".join(k for _, k in stack)
        if pending is not None:
            docs[path] = " ".join(p for p in pending if p)
            pending = None
    return docs


def leaves(values, prefix=""):
    for k, v in values.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            yield from leaves(v, path + ".")
        else:
            yield path


def lookup(values, path):
    node = values
    for part in path.split("."):
        node = node[part]
    return node


def type_name(v):
    if v is None:
        return "null"
    return {bool: "bool", int: "int", float: "float", str: "string", list: "list", dict: "object"}[type(v)]


def table(chart):
    with open(f"{chart}/values.yaml", encoding="utf-8") as f:
        text = f.read()
    values = yaml.safe_load(text)
    docs = parse_docs(text)
    rows = ["| Key | Type | Default | Description |", "|-----|------|---------|-------------|"]
    for path in sorted(docs, key=lambda p: list(docs).index(p)):
        v = lookup(values, path)
        default = json.dumps(v, separators=(",", ":")) if not isinstance(v, str) else json.dumps(v)
        if len(default) > 80:
            default = "see values.yaml"
        desc = docs[path].replace("|", "\\|")
        default = default.replace("|", "\\|")
        rows.append(f"| `{path}` | {type_name(v)} | `{default}` | {desc} |")
    undocumented = [p for p in leaves(values)
                    if p != "global" and not any(p == d or p.startswith(d + ".") for d in docs)]
    return "\n".join(rows) + "\n", undocumented


def main(argv):
    if len(argv) != 3 or argv[2] not in ("--write", "--check"):
        raise SystemExit(__doc__)
    chart, mode = argv[1], argv[2]
    body, undocumented = table(chart)
    readme_path = f"{chart}/README.md"
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    if START not in readme or END not in readme:
        raise SystemExit(f"{readme_path}: missing {START} / {END} markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{body}{END}{tail}"
    if mode == "--write":
        with open(readme_path, "w", encoding="utf-8") as f:
            f.write(new)
        print(f"{readme_path}: values table written")
    else:
        ok = True
        if undocumented:
            ok = False
            for p in undocumented:
                print(f"{chart}/values.yaml: {p} has no '# --' comment")
        if new != readme:
            ok = False
            print(f"{readme_path}: values table is out of date; run 'make readme'")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
