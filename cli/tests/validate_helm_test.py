#!/usr/bin/env python3
"""aeterna validate agrees with helm: a corpus of tricky values files (NUL bytes, control
characters, %YAML directives, `~` keys, !!set and other tags, several documents, `...`, huge,
negative and oddly written numbers, nulls) goes through `aeterna validate` and through
`helm template` (helm 3 and helm 4) on the staged chart, each layered over the local scenario.
Both must accept, or both reject (where helm 3 and helm 4 differ, validate takes the stricter:
a values file must work with both); when helm fails on one of the chart's own rules, validate must
print the same sentence. The only disagreements allowed are the deliberate ones in DELIBERATE,
each with its reason; a deliberate case must still disagree (so the list cannot go stale)."""
import os
import re
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from staged_chart import CLUSTER_APIS, staged_chart  # noqa: E402
from tap import case, run  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("AETERNA_BIN", os.path.join(ROOT, "build", "aeterna"))
BASE = os.path.join(ROOT, "charts", "aeterna", "ci", "local-values.yaml")
HELMS = [os.path.join(ROOT, ".tools", "bin", h) for h in ("helm3", "helm4")]
CHART = staged_chart()

OPAL = b"opal:\n  enabled: true\n  server:\n    broadcast:\n      backend: none\n    replicas: "
CORPUS = {
    # bytes and characters
    "nul-byte": b"commonLabels:\n  a: x\x00y\n",
    "bell-raw": b"commonLabels:\n  a: x\x07y\n",
    "bell-escaped": b'commonLabels:\n  a: "x\\x07y"\n',
    "escape-sequence-raw": b"commonLabels:\n  a: \x1b[31mred\n",
    "delete-char": b"commonLabels:\n  a: x\x7fy\n",
    "c1-control": b"commonLabels:\n  a: x\xc2\x90y\n",
    "nel-plain": b"commonLabels:\n  a: x\xc2\x85y\n",
    "nel-quoted": b'commonLabels:\n  a: "x\xc2\x85y"\n',
    "line-separator": "commonLabels:\n  a: x\u2028y\n".encode(),
    "invalid-utf8": b"commonLabels:\n  a: x\xffy\n",
    "overlong-utf8": b"commonLabels:\n  a: x\xc0\xafy\n",
    "surrogate-utf8": b"commonLabels:\n  a: x\xed\xa0\x80y\n",
    "bom": b"\xef\xbb\xbfcommonLabels:\n  a: b\n",
    "crlf": b"commonLabels:\r\n  a: b\r\n",
    "tab-indent": b"commonLabels:\n\ta: b\n",
    "emoji": "commonLabels:\n  a: \U0001F600\n".encode(),
    # directives and documents
    "yaml-1.1-directive": b"%YAML 1.1\n---\ncommonLabels: {a: b}\n",
    "yaml-1.2-directive": b"%YAML 1.2\n---\ncommonLabels: {a: b}\n",
    "tag-directive": b"%TAG !e! tag:example.com,2000:\n---\ncommonLabels: {a: b}\n",
    "bad-directive": b"%FOO bar\n---\ncommonLabels: {a: b}\n",
    "document-end": b"commonLabels: {a: b}\n...\n",
    "two-documents": b"commonLabels: {a: b}\n---\nfoo: 1\n",
    "empty": b"",
    "only-comment": b"# nothing\n",
    "null-document": b"null\n",
    "scalar-document": b"42\n",
    "list-document": b"- a\n",
    # keys and tags
    "tilde-key": b"~: x\n",
    "null-key": b"null: x\n",
    "set-tag": b"commonLabels: !!set {a, b}\n",
    "map-tag": b"commonLabels: !!map {a: b}\n",
    "str-tag-number": b"replicaCount: !!str 3\n",
    "int-tag-string": b'replicaCount: !!int "3"\n',
    "binary-tag": b"commonLabels:\n  a: !!binary aGVsbG8=\n",
    "duplicate-keys": b"commonLabels: {a: b, a: c}\n",
    "anchor-alias": b"commonLabels: &l {a: b}\ncommonAnnotations: *l\n",
    "merge-key": b"commonLabels: &l {a: b}\ncommonAnnotations:\n  <<: *l\n  c: d\n",
    "null-label": b"commonLabels: {a: null}\n",
    "bool-word-label": b"commonLabels: {a: yes}\n",
    "long-key": b"commonLabels:\n  " + b"k" * 5000 + b": v\n",
    # numbers in the cross-key rules
    "replicas-2^31": b"replicaCount: 2147483648\n",
    "replicas-3e9": b"replicaCount: 3000000000\n",
    "replicas-2^63": b"replicaCount: 9223372036854775808\n",
    "replicas-1e20-digits": b"replicaCount: 99999999999999999999\n",
    "replicas-float-exp": b"replicaCount: 1e3\n",
    "replicas-hex": b"replicaCount: 0x10\n",
    "replicas-octal": b"replicaCount: 010\n",
    "replicas-underscore": b"replicaCount: 1_000\n",
    "replicas-negative": b"replicaCount: -5\n",
    "replicas-fraction": b"replicaCount: 1.5\n",
    "replicas-inf": b"replicaCount: .inf\n",
    "replicas-nan": b"replicaCount: .nan\n",
    "opal-replicas-5e9": OPAL + b"5000000000\n",
    "opal-replicas-negative-huge": OPAL + b"-9999999999999999999999\n",
    "opal-replicas-zero": OPAL + b"0\n",
    "opal-replicas-null": OPAL + b"null\n",
    "hpa-min-over-max-64bit": b"autoscaling:\n  enabled: true\n  minReplicas: 4294967297\n  maxReplicas: 2\n",
    "hpa-min-2^32-wrap": b"autoscaling:\n  enabled: true\n  minReplicas: 4294967296\n  maxReplicas: 1\n",
}

# name -> (what validate does, what helm does, why validate differs on purpose)
DELIBERATE = {
    "duplicate-keys": "validate rejects a repeated key; helm silently keeps the last one, which hides typos",
    "nel-quoted": "validate rejects U+0085 (a YAML 1.1 line break) everywhere; inside quotes helm folds it into "
                  "a space",
}


def write(d, name, data):
    p = os.path.join(d, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def helm(helm_bin, path):
    r = subprocess.run([helm_bin, "template", "a", CHART, "-f", BASE, "-f", path, *CLUSTER_APIS],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stderr


def validate(path):
    r = subprocess.run([BIN, "validate", "-f", BASE, "-f", path, *CLUSTER_APIS], capture_output=True, text=True,
                       env={**os.environ, "NO_COLOR": "1"})
    assert r.returncode in (0, 1), f"validate exit {r.returncode}: {r.stdout}{r.stderr}"
    return r.returncode == 0, r.stdout + r.stderr


def compare(name, data):
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "case.yaml", data)
        ours, out = validate(path)
        theirs = [helm(h, path) for h in HELMS]
    ok = theirs[0][0] and theirs[1][0]
    err = theirs[0][1] or theirs[1][1]
    if name in DELIBERATE:
        assert ours != ok, f"{name}: listed as a deliberate disagreement but both now {'accept' if ok else 'reject'}"
        return
    assert ours == ok, (f"{name}: validate {'accepts' if ours else 'rejects'}, helm {'accepts' if ok else 'rejects'}\n"
                        f"validate: {out}\nhelm: {err}")
    m = re.search(r"execution error at \(aeterna/templates/validate\.yaml[^)]*\): (.*)", err)
    if m:  # one of the chart's rules: the same sentence
        sentence = m.group(1).strip()
        assert sentence in out, f"{name}: helm says\n{sentence}\nvalidate says\n{out}"


def corpus_case(name, data):
    def check():
        compare(name, data)
    check.__name__ = f"agrees with helm: {name}"
    return check


for _name, _data in CORPUS.items():
    case(corpus_case(_name, _data))


@case
def every_top_level_section_set_to_null_agrees():
    """Helm drops a section set to null; the chart's templates need most of them."""
    with open(os.path.join(ROOT, "charts", "aeterna", "values.yaml"), encoding="utf-8") as f:
        defaults = yaml.safe_load(f)
    bad = []
    for key in sorted(defaults):
        with tempfile.TemporaryDirectory() as d:
            path = write(d, "case.yaml", f"{key}: null\n".encode())
            ours, out = validate(path)
            ok, err = helm(HELMS[0], path)
        if ours != ok:
            bad.append(f"{key}: validate {'accepts' if ours else 'rejects'}, helm {'accepts' if ok else 'rejects'}")
    assert not bad, "\n".join(bad)


if __name__ == "__main__":
    sys.exit(run("validate-helm: "))
