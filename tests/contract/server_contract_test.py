#!/usr/bin/env python3
"""The boot-contract check can fail: renders of charts/aeterna that break the server's contract
(server-env.txt) must be reported, each for its own reason (TAP output)."""
import base64
import os
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import server_contract  # noqa: E402

CHART = os.environ.get("AETERNA_STAGED_CHART") or os.path.join(ROOT, "build", "staged", "aeterna")
HELM = os.path.join(ROOT, ".tools", "bin", "helm3")
CHECK = os.path.join(ROOT, "scripts", "check-manifests.py")
LOCAL = os.path.join(ROOT, "charts", "aeterna", "ci", "local-values.yaml")
APIS = ["--api-versions", "postgresql.cnpg.io/v1"]
n = 0
failed = 0


def tap(ok, name, detail=""):
    global n, failed
    n += 1
    failed += 0 if ok else 1
    print(f"{'ok' if ok else 'not ok'} {n} - {name}")
    if not ok:
        for line in str(detail).splitlines()[-15:]:
            print(f"# {line}")


def render(*args, mutate=None):
    out = subprocess.run([HELM, "template", "r", CHART, "-f", LOCAL, *APIS, *args], capture_output=True, text=True,
                         check=True).stdout
    docs = [d for d in yaml.safe_load_all(out) if d]
    if mutate:
        mutate(docs)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump_all(docs, f)
    r = subprocess.run([sys.executable, CHECK, os.path.join(ROOT, "charts", "aeterna"), f.name], capture_output=True,
                       text=True)
    os.unlink(f.name)
    return r


def expect(name, needle, *args, mutate=None):
    r = render(*args, mutate=mutate)
    tap(r.returncode == 1 and needle in r.stdout, name, f"exit {r.returncode}\n{r.stdout}{r.stderr}")


def short_key(docs):
    for d in docs:
        if d["kind"] == "Secret" and "AETERNA_LOCAL_KMS_KEY" in (d.get("data") or {}):
            d["data"]["AETERNA_LOCAL_KMS_KEY"] = base64.b64encode(base64.b64encode(b"k" * 24)).decode()


def drop(name):
    def m(docs):
        for d in docs:
            if d["kind"] == "ConfigMap" and name in (d.get("data") or {}):
                del d["data"][name]
    return m


def main():
    r = render()
    tap(r.returncode == 0, "the local scenario meets the contract", r.stdout + r.stderr)
    expect("a variable the server never reads (VECTOR_BACKEND) is reported", "sets VECTOR_BACKEND, which the server does not read",
           "--set", "extraEnv[0].name=VECTOR_BACKEND", "--set", "extraEnv[0].value=qdrant")
    expect("a variable the server ignores at this tag (PG_POOL_SIZE) is reported", "sets PG_POOL_SIZE, which the server reads but ignores",
           "--set", "extraEnv[0].name=PG_POOL_SIZE", "--set-string", "extraEnv[0].value=10")
    expect("a secret given inline is reported", "OPENAI_API_KEY is a secret but comes from inline",
           "--set", "extraEnv[0].name=OPENAI_API_KEY", "--set", "extraEnv[0].value=sk-x")
    expect("a KMS key of 24 bytes is reported", "AETERNA_LOCAL_KMS_KEY decodes to 24 bytes, not 32", mutate=short_key)
    expect("a missing PG_HOST is reported", "does not set PG_HOST, without which the server does not boot", mutate=drop("PG_HOST"))
    expect("a missing AETERNA_CONFIG_PATH is reported", "does not set AETERNA_CONFIG_PATH", mutate=drop("AETERNA_CONFIG_PATH"))
    expect("a malformed strict bool is reported", "AETERNA_SYNC_ENABLED='yes' is not lowercase true/false",
           "--set", "extraEnv[0].name=AETERNA_SYNC_ENABLED", "--set", "extraEnv[0].value=yes")
    expect("the local KMS provider without its key is reported", "does not set AETERNA_LOCAL_KMS_KEY",
           "--set", "kms.local.existingSecret=x", mutate=lambda docs: [c.__setitem__("env", [e for e in c.get("env", []) if e["name"] != "AETERNA_LOCAL_KMS_KEY"])
                                                                        for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "r-aeterna"
                                                                        for c in d["spec"]["template"]["spec"]["containers"]])
    # the contract file itself
    c = server_contract.load(os.path.join(ROOT, "charts", "aeterna", "server-env.txt"))
    tap(len(c.names) > 150 and "AETERNA_LOCAL_KMS_KEY" in c.names and "VECTOR_BACKEND" not in c.names,
        f"server-env.txt lists the server's full surface ({len(c.names)} names), none it never reads")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
