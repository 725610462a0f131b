#!/usr/bin/env python3
"""Write or check a chart's Chart.lock without network access.

`helm dependency update` resolves versions from the repositories, which this machine cannot
reach. Our Chart.yaml pins exact versions, so the lock is fully determined by it: this script
writes the same file helm would (dependencies with name/version/repository, and the digest
helm computes as sha256 over the JSON of [Chart.yaml dependencies, lock dependencies]).
`helm dependency build` compares that digest and refuses a stale lock, so a wrong one shows.

usage: chart-lock.py CHART_DIR --write | --check
"""
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

# Field order and omitempty rules of helm's chart.Dependency JSON encoding.
FIELDS = [("name", False), ("version", True), ("repository", False), ("condition", True),
          ("tags", True), ("enabled", True), ("import-values", True), ("alias", True)]
EXACT = re.compile(r"^\d+\.\d+\.\d+$")


def go_json(deps):
    out = []
    for d in deps:
        item = {}
        for key, omitempty in FIELDS:
            val = d.get(key)
            if omitempty and not val:
                continue
            item[key] = val if val is not None else ""
        out.append(item)
    return out


def render(chart_dir):
    meta = yaml.safe_load((chart_dir / "Chart.yaml").read_text())
    deps = meta.get("dependencies") or []
    for d in deps:
        if not EXACT.match(str(d.get("version", ""))):
            raise SystemExit(f"{chart_dir}/Chart.yaml: dependency {d.get('name')} is not pinned to an exact version "
                             f"(got {d.get('version')!r})")
    lock = [{"name": d["name"], "repository": d["repository"], "version": str(d["version"])} for d in deps]
    data = json.dumps([go_json(deps), go_json(lock)], separators=(",", ":"), ensure_ascii=False)
    digest = "sha256:" + hashlib.sha256(data.encode()).hexdigest()
    lines = ["dependencies:"]
    for d in lock:
        lines += [f"- name: {d['name']}", f"  repository: {d['repository']}", f"  version: {d['version']}"]
    lines += [f"digest: {digest}", 'generated: "2026-11-23T00:00:00Z"', ""]
    return "\n".join(lines)


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("--write", "--check"):
        raise SystemExit(__doc__.strip().splitlines()[-1])
    chart_dir = Path(sys.argv[1])
    want = render(chart_dir)
    lock_path = chart_dir / "Chart.lock"
    if sys.argv[2] == "--write":
        lock_path.write_text(want)
        return
    have = lock_path.read_text() if lock_path.exists() else ""
    strip = lambda t: re.sub(r"(?m)^generated:.*$", "", t)
    if strip(have) != strip(want):
        raise SystemExit(f"{lock_path} is out of date with Chart.yaml: run scripts/chart-lock.py {chart_dir} --write")


if __name__ == "__main__":
    main()
