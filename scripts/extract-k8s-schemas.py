#!/usr/bin/env python3
"""Turn the Kubernetes JSON schemas shipped by the PyPI package kubernetes-validate into the
standalone layout kubeconform reads offline.

kubernetes-validate stores one file per type that points at a shared _definitions.json through an
absolute URL ("/api/_definitions.json#/$defs/..."), which kubeconform cannot resolve from disk.
For every top-level kind this writes a self-contained schema: the kind's own schema plus the
transitive closure of definitions it references, with refs rewritten to "#/$defs/...".

Usage: extract-k8s-schemas.py OUT_DIR 1.30 1.35 ...
Writes OUT_DIR/v<ver>.0-standalone-strict/<kind>-<group>-<version>.json (and the non-strict
variant), matching kubeconform's default file naming.
"""
import json
import os
import sys

import kubernetes_validate

REF_PREFIX = "/api/_definitions.json#/$defs/"
LOCAL_PREFIX = "#/$defs/"  # how definitions inside _definitions.json refer to each other


def def_name(ref):
    for prefix in (REF_PREFIX, LOCAL_PREFIX):
        if isinstance(ref, str) and ref.startswith(prefix):
            return ref[len(prefix):]
    return None


def collect_refs(node, out):
    if isinstance(node, dict):
        name = def_name(node.get("$ref"))
        if name is not None:
            out.add(name)
        for value in node.values():
            collect_refs(value, out)
    elif isinstance(node, list):
        for value in node:
            collect_refs(value, out)


def rewrite_refs(node):
    if isinstance(node, dict):
        return {k: (LOCAL_PREFIX + def_name(v) if k == "$ref" and def_name(v) is not None
                    else rewrite_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [rewrite_refs(v) for v in node]
    return node


def convert(src_dir, dst_dir):
    with open(os.path.join(src_dir, "_definitions.json"), encoding="utf-8") as f:
        defs = json.load(f)["$defs"]
    os.makedirs(dst_dir, exist_ok=True)
    written = 0
    for name in sorted(os.listdir(src_dir)):
        if not name.endswith(".json") or name.startswith("_") or name == "all.json":
            continue
        with open(os.path.join(src_dir, name), encoding="utf-8") as f:
            schema = json.load(f)
        if "x-kubernetes-group-version-kind" not in schema:
            continue  # not a top-level kind
        needed, queue = set(), []
        collect_refs(schema, needed)
        queue.extend(needed)
        while queue:
            ref = queue.pop()
            found = set()
            collect_refs(defs[ref], found)
            for r in found - needed:
                needed.add(r)
                queue.append(r)
        out = rewrite_refs(schema)
        out.pop("$id", None)
        out["$defs"] = {r: rewrite_refs(defs[r]) for r in sorted(needed)}
        with open(os.path.join(dst_dir, name), "w", encoding="utf-8") as f:
            json.dump(out, f, separators=(",", ":"))
        written += 1
    if written == 0:
        raise SystemExit(f"no kind schemas found in {src_dir}")
    return written


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    out_root = argv[1]
    base = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema")
    for ver in argv[2:]:
        for suffix, dst_suffix in (("-local-strict", "-standalone-strict"), ("-local", "-standalone")):
            src = os.path.join(base, f"v{ver}.0{suffix}")
            if not os.path.isdir(src):
                raise SystemExit(f"kubernetes-validate has no schemas for Kubernetes {ver} ({src})")
            n = convert(src, os.path.join(out_root, f"v{ver}.0{dst_suffix}"))
            print(f"Kubernetes {ver}{suffix}: {n} kinds")


if __name__ == "__main__":
    main(sys.argv)
