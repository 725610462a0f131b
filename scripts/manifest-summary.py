#!/usr/bin/env python3
"""Print the kinds and names of the objects in a rendered manifest, one per line."""
import sys

import yaml


def main(path):
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    width = max((len(d.get("kind", "?")) for d in docs), default=4)
    for d in docs:
        meta = d.get("metadata", {})
        hook = (meta.get("annotations") or {}).get("helm.sh/hook")
        extra = f"  (hook: {hook})" if hook else ""
        print(f"  {d.get('kind', '?'):<{width}}  {meta.get('name', '?')}{extra}")
    print(f"{len(docs)} objects")


if __name__ == "__main__":
    main(sys.argv[1])
