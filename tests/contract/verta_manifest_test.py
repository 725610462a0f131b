#!/usr/bin/env python3
"""The charts/verta checks of scripts/check-manifests.py can fail: renders of charts/verta that
bring back an upstream defect or break the app contract (../shared/contracts/verta.md) must be
reported, each for its own reason; the unmodified render passes (TAP output)."""
import copy
import os
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "cli", "tests"))
from tap import case, run  # noqa: E402

CHART = os.environ.get("VERTA_STAGED_CHART") or os.path.join(ROOT, "build", "staged", "verta")
HELM = os.path.join(ROOT, ".tools", "bin", "helm3")
CHECK = os.path.join(ROOT, "scripts", "check-manifests.py")
MINIMAL = os.path.join(ROOT, "charts", "verta", "ci", "minimal-values.yaml")
_docs = None


def base():
    global _docs
    if _docs is None:
        out = subprocess.run([HELM, "template", "r", CHART, "-f", MINIMAL], capture_output=True, text=True,
                             check=True).stdout
        _docs = [d for d in yaml.safe_load_all(out) if d]
    return copy.deepcopy(_docs)


def check(docs):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump_all(docs, f)
    try:
        p = subprocess.run([sys.executable, CHECK, os.path.join(ROOT, "charts", "verta"), f.name], capture_output=True,
                           text=True)
    finally:
        os.unlink(f.name)
    return p.returncode, p.stdout


def find(docs, kind, suffix):
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"].endswith(suffix))


def container(docs, kind, suffix):
    return find(docs, kind, suffix)["spec"]["template"]["spec"]["containers"][0]


def reported(mutate, expect):
    docs = base()
    mutate(docs)
    rc, out = check(docs)
    assert rc == 1 and expect in out, f"exit {rc}, expected a line with {expect!r}:\n{out}"


@case
def unmodified_render_passes():
    rc, out = check(base())
    assert rc == 0, out


@case
def a_configmap_no_pod_reads_is_reported():
    reported(lambda d: container(d, "Deployment", "-ml").pop("envFrom"), "ConfigMap r-verta-ml is read by no pod")


@case
def an_ml_url_built_from_the_release_name_is_reported():
    reported(lambda d: find(d, "ConfigMap", "-verta-backend")["data"].update(ML_SERVICE_URL="http://r-ml:8000"),
             "ML_SERVICE_URL=http://r-ml:8000 names no Service")


@case
def a_redis_host_built_from_the_release_name_is_reported():
    reported(lambda d: find(d, "ConfigMap", "-verta-backend")["data"].update(REDIS_HOST="r-redis"),
             "REDIS_HOST=r-redis names no Service")


@case
def a_backend_url_on_the_wrong_port_is_reported():
    reported(lambda d: find(d, "ConfigMap", "-verta-frontend")["data"].update(BACKEND_URL="http://r-verta-backend:3000"),
             "BACKEND_URL=http://r-verta-backend:3000 names no Service")


@case
def a_frontend_without_the_admin_key_is_reported():
    reported(lambda d: container(d, "Deployment", "-frontend").update(env=[]), "ADMIN_API_KEY is not set")


@case
def an_inline_bot_token_is_reported():
    def mutate(d):
        env = container(d, "StatefulSet", "-backend")["env"]
        env[:] = [e for e in env if e["name"] != "DISCORD_BOT_TOKEN"] + [{"name": "DISCORD_BOT_TOKEN", "value": "x"}]
    reported(mutate, "DISCORD_BOT_TOKEN comes from an inline value, not a Secret")


@case
def node_env_test_is_reported():
    reported(lambda d: find(d, "ConfigMap", "-verta-backend")["data"].update(NODE_ENV="test"), "NODE_ENV=test")


@case
def a_reference_to_a_missing_key_is_reported():
    def mutate(d):
        for e in container(d, "StatefulSet", "-backend")["env"]:
            if e["name"] == "DATABASE_URL":
                e["valueFrom"]["secretKeyRef"]["key"] = "DB_URL"
    reported(mutate, "refers to key DB_URL that Secret r-verta does not hold")


@case
def service_links_are_reported():
    reported(lambda d: find(d, "Deployment", "-ml")["spec"]["template"]["spec"].pop("enableServiceLinks"),
             "enableServiceLinks is not false")


if __name__ == "__main__":
    sys.exit(run())
