#!/usr/bin/env python3
"""The runbooks' commands, extracted and checked (TAP output).

Every fenced block of docs/*.md and examples/*/README.md is one case:
  ```bash run   -> executed here (bash -euo pipefail) in a copy of the tree whose charts/aeterna is
                   the staged chart (real subcharts), with `helm` = helm 3 and the pinned tools on
                   PATH, RELEASE=aeterna, NAMESPACE=aeterna;
  ```bash cluster -> executed the same way against a real API server (tests/cluster/kube-cluster.sh
                   in KUBE_DOCS_DIR or build/kube-docs; no kubelet, so nothing that needs a running
                   pod is marked so) holding the operator CRDs, a Node "node-a" (NODE) and release
                   "aeterna" in namespace "aeterna" (installed with --no-hooks: the migration hook
                   needs a kubelet); blocks of docs/install.md get a fresh namespace instead;
  ```bash       -> syntax-checked only (bash -n): it needs a cluster, a cloud or a secret;
  ```yaml       -> parsed; a block of chart values (top-level keys of values.schema.json) is also
                   validated against charts/aeterna/values.schema.json;
  ```json       -> parsed.
The blocks only syntax-checked are listed at the end (TAP comments) and in
build/docs-syntax-only.txt. Other cases: every render refusal (`fail` sentence of the chart's
templates) and every NOTES.txt warning has an entry in the docs, every relative link resolves, and
every `make -f ops/aeterna.mk <target>` the docs name exists.
"""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import jsonschema
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "cli", "tests"))
from tap import case, run  # noqa: E402

CHART_SRC = os.path.join(ROOT, "charts", "aeterna")
CHART = os.environ.get("AETERNA_STAGED_CHART") or os.path.join(ROOT, "build", "staged", "aeterna")
BIN = os.path.join(ROOT, ".tools", "bin")
DOCS = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")) + glob.glob(os.path.join(ROOT, "examples", "*", "README.md")))
SCHEMA = json.load(open(os.path.join(CHART_SRC, "values.schema.json")))
FENCE = re.compile(r"^[ \t]*```([A-Za-z]*)([^\n]*)\n(.*?)^[ \t]*```[ \t]*$", re.M | re.S)
SYNTAX_ONLY = []


def rel(p):
    return os.path.relpath(p, ROOT)


def blocks():
    for path in DOCS:
        text = open(path).read()
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            yield path, line, m.group(1).lower(), m.group(2).split(), textwrap.dedent(m.group(3))


def sandbox():
    d = tempfile.mkdtemp(prefix="aeterna-docs-")
    os.makedirs(os.path.join(d, "charts"))
    os.symlink(CHART, os.path.join(d, "charts", "aeterna"))
    for name in ("examples", "ops", "docs", "tools", "scripts"):
        os.symlink(os.path.join(ROOT, name), os.path.join(d, name))
    os.makedirs(os.path.join(d, ".bin"))
    os.symlink(os.path.join(BIN, "helm3"), os.path.join(d, ".bin", "helm"))
    env = dict(os.environ, PATH=f"{d}/.bin:{BIN}:{os.environ['PATH']}", RELEASE="aeterna", NAMESPACE="aeterna",
               HOME=d, HELM_CACHE_HOME=f"{d}/.helm/cache", HELM_CONFIG_HOME=f"{d}/.helm/config",
               HELM_DATA_HOME=f"{d}/.helm/data")
    return d, env


SANDBOX, ENV = sandbox()
KUBE = os.environ.get("KUBE_DOCS_DIR") or os.path.join(ROOT, "build", "kube-docs")
CLUSTER = {"up": None}


def kubectl(*args, input_=None):
    p = subprocess.run([os.path.join(BIN, "kubectl"), *args], env=ENV, capture_output=True, text=True, input=input_,
                       timeout=120)
    assert p.returncode == 0, f"kubectl {' '.join(args[:4])}: {p.stderr[-1500:]}"
    return p.stdout


def cluster():
    """The API-server rig with release "aeterna", started on first use (None when it could not start)."""
    if CLUSTER["up"] is None:
        CLUSTER["up"] = False
        r = subprocess.run([os.path.join(ROOT, "tests", "cluster", "kube-cluster.sh"), "start", KUBE],
                           capture_output=True, text=True, timeout=240)
        assert r.returncode == 0, f"the API-server rig did not start: {r.stderr[-1500:]}"
        ENV["KUBECONFIG"] = os.path.join(KUBE, "admin.kubeconfig")
        ENV["NODE"] = "node-a"
        kubectl("apply", "--server-side", "-f", os.path.join(ROOT, "schemas", "crds"))
        kubectl("apply", "--server-side", "-f", "-", input_=json.dumps({"apiVersion": "v1", "kind": "Node",
                                                                       "metadata": {"name": "node-a"}}))
        kubectl("apply", "--server-side", "-f", "-", input_=json.dumps({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "aeterna", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}))
        for _ in range(100):
            if subprocess.run([os.path.join(BIN, "kubectl"), "-n", "aeterna", "get", "sa", "default"], env=ENV,
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        p = subprocess.run([os.path.join(BIN, "helm3"), "install", "aeterna", CHART, "-n", "aeterna", "--no-hooks",
                            "-f", os.path.join(CHART_SRC, "ci", "external-only-values.yaml"),
                            "--set", "auth.plugin.enabled=true", "--set", "auth.allowUnauthenticated=true",
                            "--set", "opal.enabled=true", "--set", "podDisruptionBudget.enabled=true",
                            "--set", "podDisruptionBudget.minAvailable=null", "--set", "podDisruptionBudget.maxUnavailable=1",
                            "--set-file", f"auth.cedar.policyText={ROOT}/examples/cedar/policy.cedar",
                            "--set-file", f"auth.cedar.schemaText={ROOT}/examples/cedar/schema.cedarschema"],
                           env=ENV, capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, f"helm install: {p.stderr[-1500:]}"
        CLUSTER["up"] = True
    assert CLUSTER["up"], "the API-server rig failed to start earlier"


def stop_cluster():
    if CLUSTER["up"] is not None:
        subprocess.run([os.path.join(ROOT, "tests", "cluster", "kube-cluster.sh"), "stop", KUBE], capture_output=True)


def check_block(path, line, lang, flags, body):
    where = f"{rel(path)}:{line}"
    if lang in ("bash", "sh", "shell"):
        p = subprocess.run(["bash", "-n"], input=body, capture_output=True, text=True)
        assert p.returncode == 0, f"{where}: bash -n: {p.stderr}"
        for t in re.findall(r"make -f ops/aeterna\.mk ([a-z-]+)", body):
            assert t in TARGETS, f"{where}: ops target {t} does not exist"
        if "run" in flags or "cluster" in flags:
            env = ENV
            if "cluster" in flags:
                cluster()
                env = dict(ENV)
                if os.path.basename(path) == "install.md":
                    env["NAMESPACE"] = "aeterna-install"  # the install steps create their namespace
            p = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=SANDBOX, env=env, capture_output=True,
                               text=True, timeout=180)
            assert p.returncode == 0, f"{where}: exited {p.returncode}\n{p.stdout[-1500:]}\n{p.stderr[-1500:]}"
            return "ran against the API server" if "cluster" in flags else "ran"
        SYNTAX_ONLY.append(f"{where} (bash): {body.strip().splitlines()[0][:90]}")
        return "syntax-checked"
    if lang in ("yaml", "yml"):
        docs = [d for d in yaml.safe_load_all(body) if d is not None]
        assert docs, f"{where}: empty YAML"
        if all(isinstance(d, dict) for d in docs) and all(set(d) <= set(SCHEMA["properties"]) for d in docs):
            for d in docs:
                errs = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(d), key=lambda e: list(e.path))
                assert not errs, f"{where}: not valid chart values: " + "; ".join(
                    f"{'.'.join(map(str, e.path))}: {e.message}" for e in errs[:5])
            return "parsed, valid chart values"
        return "parsed"
    if lang == "json":
        json.loads(body)
        return "parsed"
    return None


TARGETS = set(open(os.path.join(ROOT, "ops", "aeterna.mk")).read().split(".PHONY:", 1)[1]
              .split("\n\n", 1)[0].replace("\\", " ").split())

for _path, _line, _lang, _flags, _body in blocks():
    def _make(path=_path, line=_line, lang=_lang, flags=_flags, body=_body):
        def fn():
            how = check_block(path, line, lang, flags, body)
            fn.__name__ = f"{rel(path)}:{line} {lang or 'text'} ({how or 'not code: skipped'})"
        fn.__name__ = f"{rel(path)}:{line} {lang or 'text'}"
        return fn
    case(_make())


def docs_text():
    return re.sub(r"\s+", " ", "\n".join(open(p).read() for p in DOCS).replace("`", "").replace("\\|", "|"))


@case
def every_render_refusal_has_an_entry():
    text = docs_text()
    msgs = set()
    for tpl in glob.glob(os.path.join(CHART_SRC, "templates", "**", "*.tpl"), recursive=True) + \
            glob.glob(os.path.join(CHART_SRC, "templates", "**", "*.yaml"), recursive=True):
        for m in re.finditer(r'fail \(?(?:printf )?"((?:[^"\\]|\\.)*)"', open(tpl).read()):
            msgs.add(m.group(1))
    assert len(msgs) > 50, len(msgs)
    missing = []
    for msg in sorted(msgs):
        head = msg.split(": ", 1)[0].replace('\\"', '"')
        head = " ".join(head.split()[:5]).rstrip(",.:")  # the first words name the key and the rule
        pattern = re.escape(head)
        for verb in ("%s", "%q", "%v", "%d", "%t"):
            pattern = pattern.replace(re.escape(verb), ".+?")
        if not re.search(pattern, text):
            missing.append(head)
    assert not missing, f"{len(missing)} refusals without an entry in docs/:\n" + "\n".join(missing)


@case
def every_notes_warning_has_an_entry():
    notes = open(os.path.join(CHART_SRC, "templates", "NOTES.txt")).read()
    text = docs_text()
    missing = []
    for m in re.finditer(r"^(?:WARNING|Note): (.+)$", notes, re.M):
        plain = re.sub(r"\(\s*\)", "", re.sub(r"\{\{.*?\}\}", "", m.group(1)))
        words = " ".join(plain.split()[:3]).rstrip(",:")
        if words not in text:
            missing.append(words)
    assert not missing, "NOTES warnings without an entry in docs/: " + "; ".join(missing)


@case
def every_relative_link_resolves():
    bad = []
    for path in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", open(path).read()):
            if re.match(r"[a-z]+://", target):
                continue
            if not os.path.exists(os.path.join(os.path.dirname(path), target)):
                bad.append(f"{rel(path)}: {target}")
    assert not bad, "\n".join(bad)


@case
def docs_name_only_files_that_exist():
    text = "\n".join(open(p).read() for p in DOCS)
    bad = sorted({f for f in re.findall(r"`((?:docs|examples|charts/aeterna|ops|tests)/[A-Za-z0-9_./-]+\.(?:md|yaml|mk|py|json|txt))`", text)
                  if "<" not in f and not os.path.exists(os.path.join(ROOT, f))})
    allowed = {"docs/backup-restore.md"}  # written with the backup templates (issue 13)
    assert not (set(bad) - allowed), "named but missing: " + ", ".join(sorted(set(bad) - allowed))


@case
def control_a_broken_block_is_reported():
    try:
        check_block(os.path.join(ROOT, "docs", "x.md"), 1, "bash", ["run"], "helm template x charts/aeterna --set nope.nope=1\n")
    except AssertionError:
        pass
    else:
        raise AssertionError("a failing runnable block was not reported")
    try:
        check_block(os.path.join(ROOT, "docs", "x.md"), 1, "yaml", [], "replicaCount: many\n")
    except AssertionError:
        return
    raise AssertionError("invalid chart values were not reported")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        rc = run()
    finally:
        stop_cluster()
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "docs-syntax-only.txt"), "w") as f:
        f.write("\n".join(SYNTAX_ONLY) + "\n")
    print(f"# {len(SYNTAX_ONLY)} blocks only syntax-checked (they need a cluster, a cloud or a secret):")
    for s in SYNTAX_ONLY:
        print(f"#   {s}")
    shutil.rmtree(SANDBOX, ignore_errors=True)
    sys.exit(rc)
