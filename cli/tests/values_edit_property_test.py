#!/usr/bin/env python3
"""Property test of the in-place values.yaml editor (`setup --reconfigure` on a file the user
edited): random files in every style a user may write — block and flow mappings, 2/3/4-space
indentation, plain/single/double quotes, comments, `key: null` / `key:` / `~` where setup writes a
mapping, anchors and aliases, merge keys, CRLF line ends, a byte order mark — with user keys
beside and inside setup's, then random new answers. The editor (run through
build/values_edit_driver) must either edit in place — and then the result parses with no repeated
key, carries every generated value, keeps every user value and comment, and keeps the file's line
ends and byte order mark — or refuse (exit 3), and setup rewrites the file with a backup. Plain
block files must always be edited in place. The meaning is checked with PyYAML, independently of
the C parser."""
import os
import random
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from tap import case, run  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DRIVER = os.environ.get("VALUES_EDIT_DRIVER", os.path.join(ROOT, "build", "values_edit_driver"))
CASES = int(os.environ.get("VALUES_EDIT_CASES", "400"))


class DupLoader(yaml.SafeLoader):
    pass


def _no_dups(loader, node, deep=False):
    keys = set()
    for k, _ in node.value:
        if k.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(k, deep=deep)
        if key in keys:
            raise AssertionError(f"repeated key {key!r}")
        keys.add(key)
    loader.flatten_mapping(node)
    return loader.construct_mapping(node, deep=deep)


DupLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_dups)

# What setup owns (a sample of the real tree's shape): path -> kind of value
OWNED = {
    ("deploymentMode",): "word",
    ("image", "tag"): "str",
    ("postgresql", "bundled", "enabled"): "bool",
    ("postgresql", "external", "host"): "word",
    ("postgresql", "external", "port"): "int",
    ("vector", "backend"): "word",
    ("vector", "qdrant", "url"): "str",
    ("opal", "enabled"): "bool",
}
USER = [("commonLabels", "team"), ("image", "pullPolicy"), ("postgresql", "external", "sslmode"),
        ("resources", "limits", "cpu"), ("nodeSelector", "disk"), ("vector", "qdrant", "collection")]


def value(rnd, kind):
    if kind == "bool":
        return rnd.choice([True, False])
    if kind == "int":
        return rnd.randint(1, 65535)
    if kind == "word":
        return rnd.choice(["local", "hybrid", "remote", "qdrant", "weaviate", "db.example", "pg-1"])
    return rnd.choice(["0.8.0-rc.12", "1.0", "http://q:6333", "a b", "x#y", "yes", "null-ish", "12"])


def put(tree, path, v):
    for k in path[:-1]:
        tree = tree.setdefault(k, {})
    tree[path[-1]] = v


def get(tree, path):
    for k in path:
        if not isinstance(tree, dict) or k not in tree:
            return KeyError
        tree = tree[k]
    return tree


def leaves(tree, prefix=()):
    for k, v in tree.items():
        if isinstance(v, dict) and v:
            yield from leaves(v, prefix + (k,))
        else:
            yield prefix + (k,), v


def scalar(rnd, v, style):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if style == "single":
        return "'" + v.replace("'", "''") + "'"
    if style == "plain" and v and all(c.isalnum() or c in "-._:/" for c in v) and v not in ("yes", "no", "null-ish") \
            and not v[0].isdigit() and ":" not in v:
        return v
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Emitter:
    def __init__(self, rnd, indent, flow_prob, comments):
        self.rnd, self.indent, self.flow_prob, self.comments = rnd, indent, flow_prob, comments
        self.comment_tokens = []

    def flow(self, tree):
        parts = []
        for k, v in tree.items():
            parts.append(f"{k}: " + (self.flow(v) if isinstance(v, dict) else scalar(self.rnd, v, self.rnd.choice(["plain", "double", "single"]))))
        return "{" + ", ".join(parts) + "}"

    def block(self, tree, level, lines, top=False):
        pad = " " * (self.indent * level)
        for k, v in tree.items():
            if self.comments and top and self.rnd.random() < 0.5:
                tok = f"# note-{len(self.comment_tokens)}-{self.rnd.randint(0, 10**6)}"
                self.comment_tokens.append(tok)
                lines.append(pad + tok)
            if isinstance(v, dict) and v is not None:
                if not v:
                    lines.append(f"{pad}{k}: {{}}")
                elif level > 0 and self.rnd.random() < self.flow_prob:
                    lines.append(f"{pad}{k}: {self.flow(v)}")
                else:
                    lines.append(f"{pad}{k}:")
                    self.block(v, level + 1, lines)
            else:
                trail = ""
                if self.comments and self.rnd.random() < 0.3:
                    trail = f"  # trailing-{self.rnd.randint(0, 10**6)}"
                lines.append(f"{pad}{k}: {scalar(self.rnd, v, self.rnd.choice(['plain', 'double', 'single']))}{trail}")


def emit_generated(tree):
    """setup's own style: block mappings, two spaces, double-quoted strings."""
    lines = []

    def walk(t, level):
        for k, v in t.items():
            if isinstance(v, dict):
                lines.append("  " * level + f"{k}:")
                walk(v, level + 1)
            else:
                lines.append("  " * level + f"{k}: " + scalar(None, v, "double"))
    walk(tree, 0)
    return "\n".join(lines) + "\n"


def make_case(seed):
    rnd = random.Random(seed)
    old, new, user = {}, {}, {}
    owned_paths = list(OWNED)
    for p in owned_paths:
        if rnd.random() < 0.85:
            put(old, p, value(rnd, OWNED[p]))
        if rnd.random() < 0.9:
            put(new, p, value(rnd, OWNED[p]))
    for p in USER:
        if rnd.random() < 0.7:
            put(user, p, value(rnd, "str"))
    # the existing file: the old answers with the user's keys mixed in
    existing = {}
    for tree in (old, user) if rnd.random() < 0.5 else (user, old):
        for p, v in leaves(tree):
            if get(existing, p[:-1]) is KeyError or isinstance(get(existing, p[:-1]), dict):
                put(existing, p, v)
    styles = {"flow": rnd.random() < 0.4, "crlf": rnd.random() < 0.25, "bom": rnd.random() < 0.2,
              "nulls": rnd.random() < 0.25, "anchors": rnd.random() < 0.25, "merge": rnd.random() < 0.2}
    indent = rnd.choice([2, 2, 3, 4])
    em = Emitter(rnd, indent, 0.5 if styles["flow"] else 0.0, comments=True)
    # nulls: a mapping setup writes, spelt as null in the file (and with no user key inside)
    nulled = []
    if styles["nulls"]:
        for k in ("opal", "vector"):
            if k in existing and not any(p[0] == k for p in USER if get(user, p) is not KeyError):
                existing[k] = None
                nulled.append(k)
    lines = []
    em.block({k: v for k, v in existing.items() if v is not None}, 0, lines, top=True)
    for k in nulled:
        lines.append(f"{k}: " + rnd.choice(["null", "~", "", "Null"]))
    if styles["anchors"]:
        lines.append("shared: &shared {zone: eu-1, tier: gold}")
        lines.append("copyOfShared: *shared")
    if styles["merge"]:
        if not styles["anchors"]:
            lines.append("base: &base {zone: eu-1, tier: gold}")
        anchor = "shared" if styles["anchors"] else "base"
        lines.append("merged:")
        lines.append(" " * indent + f"<<: *{anchor}")
        lines.append(" " * indent + "tier: silver")
    text = "\n".join(lines) + "\n"
    if styles["crlf"]:
        text = text.replace("\n", "\r\n")
    data = text.encode()
    if styles["bom"]:
        data = b"\xef\xbb\xbf" + data
    simple = not any(styles.values())
    return data, emit_generated(new), emit_generated(old) if old else None, old, new, em.comment_tokens, styles, simple


def owned_by(path, new, old):
    for i in range(1, len(path) + 1):
        for tree in (new, old):
            v = get(tree, path[:i])
            if v is not KeyError and (not isinstance(v, dict) or i == len(path)):
                return True
    return False


def check(seed):
    data, generated, previous, old, new, comments, styles, simple = make_case(seed)
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for name, content in (("existing.yaml", data), ("generated.yaml", generated.encode()),
                              ("previous.yaml", previous.encode() if previous else None)):
            if content is None:
                continue
            p = os.path.join(d, name)
            with open(p, "wb") as f:
                f.write(content)
            paths.append(p)
        r = subprocess.run([DRIVER, *paths], capture_output=True)
    assert r.returncode in (0, 3), f"seed {seed}: exit {r.returncode}: {r.stderr.decode()}"
    if r.returncode == 3:
        assert not simple, f"seed {seed}: a plain block file was not edited in place: {r.stderr.decode()}\n{data.decode()}"
        return "refused"
    out = r.stdout
    ctx = f"seed {seed} ({', '.join(k for k, v in styles.items() if v) or 'plain'})\n--- existing\n{data.decode()}\n--- generated\n{generated}\n--- edited\n{out.decode()}"
    if styles["bom"]:
        assert out.startswith(b"\xef\xbb\xbf"), "byte order mark lost\n" + ctx
    if styles["crlf"]:
        assert out.count(b"\n") == out.count(b"\r\n"), "mixed line ends\n" + ctx
    text = out.decode("utf-8-sig")
    try:
        got = yaml.load(text, Loader=DupLoader) or {}
    except (yaml.YAMLError, AssertionError) as e:
        raise AssertionError(f"the edited file does not load: {e}\n" + ctx)
    before = yaml.load(data.decode("utf-8-sig"), Loader=DupLoader) or {}
    for p, v in leaves(new):
        assert get(got, p) == v, f"owned {'.'.join(p)}: {get(got, p)!r}, want {v!r}\n" + ctx
    for p, v in leaves(before):
        if not owned_by(p, new, old):
            assert get(got, p) == v, f"user {'.'.join(p)}: {get(got, p)!r}, was {v!r}\n" + ctx
    for tok in comments:
        assert tok in text, f"comment {tok} lost\n" + ctx
    return "edited"


@case
def random_edits_in_every_style_are_safe():
    outcome = {"edited": 0, "refused": 0}
    failures = []
    for seed in range(CASES):
        try:
            outcome[check(seed)] += 1
        except AssertionError as e:
            failures.append(str(e))
    print(f"# {CASES} cases: {outcome['edited']} edited in place, {outcome['refused']} refused (rewritten with a backup)",
          flush=True)
    assert not failures, f"{len(failures)} failing cases; the first:\n" + failures[0]
    assert outcome["edited"] > CASES // 2, outcome


if __name__ == "__main__":
    sys.exit(run("values-edit: ", tail=400))
