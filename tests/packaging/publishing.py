"""Shared set-up of the publishing and docs tests: a throw-away GPG key, a real OCI registry
(the CNCF distribution registry, pinned in tools/versions.env) and a classic Helm repository
served over HTTP, both on 127.0.0.1, and every chart staged, packaged and signed. setup() starts
them; they are stopped and the scratch folder removed when the process exits."""
import atexit
import glob
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

BIN = os.path.join(ROOT, ".tools", "bin")
HELMS = ("helm3", "helm4")
CLUSTER_APIS = ["postgresql.cnpg.io/v1", "psmdb.percona.com/v1", "monitoring.coreos.com/v1", "autoscaling.k8s.io/v1",
                "external-secrets.io/v1"]
CHARTS = [c for c in ("charts/aeterna", "charts/verta") if os.path.isfile(os.path.join(ROOT, c, "Chart.yaml"))]
KEY_NAME = "Aeterna Test Signing"

_spec = importlib.util.spec_from_file_location("check_manifests", os.path.join(ROOT, "scripts", "check-manifests.py"))
check_manifests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_manifests)

WORK = tempfile.mkdtemp(prefix="aeterna-publish-")
PROCS = []


def cleanup():
    for p in PROCS:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
    shutil.rmtree(WORK, ignore_errors=True)


atexit.register(cleanup)


def sh(*args, env=None, check=True, cwd=ROOT):
    r = subprocess.run(list(args), capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd)
    if check:
        assert r.returncode == 0, f"{' '.join(args)} exited {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, what, log):
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not start: {open(log).read()[-2000:]}")


def helm_env(name):
    """Each helm gets its own config, cache and registry-credential files."""
    home = os.path.join(WORK, f"home-{name}")
    os.makedirs(home, exist_ok=True)
    return {"HELM_CONFIG_HOME": f"{home}/config", "HELM_CACHE_HOME": f"{home}/cache", "HELM_DATA_HOME": f"{home}/data",
            "HELM_REPOSITORY_CONFIG": f"{home}/repositories.yaml", "HELM_REGISTRY_CONFIG": f"{home}/registry.json"}


def helm(name, *args, check=True):
    return sh(os.path.join(BIN, name), *args, env=helm_env(name), check=check)


def chart_meta(chart):
    return yaml.safe_load(open(os.path.join(ROOT, chart, "Chart.yaml")))


def render_args(chart):
    args = []
    ci = sorted(glob.glob(os.path.join(ROOT, chart, "ci", "*-values.yaml")))
    local = os.path.join(ROOT, chart, "ci", "local-values.yaml")
    values = local if os.path.exists(local) else (ci[0] if ci else None)
    if values:
        args += ["-f", values]
    for api in CLUSTER_APIS:
        args += ["--api-versions", api]
    return args


def objects(manifest):
    # helm prints "Pulled: …" and "Digest: …" before a render of an OCI chart
    manifest = re.sub(r"^(Pulled|Digest): .*\n", "", manifest, flags=re.M)
    return sorted((d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(manifest) if d)


# --- set-up: key, registry, HTTP repository, packages ---------------------------------------------
GNUPG = os.path.join(WORK, "gnupg")
os.makedirs(GNUPG, mode=0o700)
GPG_ENV = {"GNUPGHOME": GNUPG}
SECRING, PUBRING = os.path.join(WORK, "secring.gpg"), os.path.join(WORK, "pubring.gpg")
OTHER_PUBRING = os.path.join(WORK, "other-pubring.gpg")
STAGED, PKGS = {}, {}
REGISTRY = None
REPO_URL = None


def setup():
    global REGISTRY, REPO_URL
    gpg = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    sh(*gpg, "--quick-gen-key", f"{KEY_NAME} <signing@example.invalid>", "rsa2048", "sign", "1d", env=GPG_ENV)
    with open(SECRING, "wb") as f:
        f.write(subprocess.run(["gpg", "--export-secret-keys"], env={**os.environ, **GPG_ENV}, capture_output=True, check=True).stdout)
    with open(PUBRING, "wb") as f:
        f.write(subprocess.run(["gpg", "--export"], env={**os.environ, **GPG_ENV}, capture_output=True, check=True).stdout)
    other = {"GNUPGHOME": os.path.join(WORK, "gnupg-other")}
    os.makedirs(other["GNUPGHOME"], mode=0o700)
    sh(*gpg, "--quick-gen-key", "Someone Else <else@example.invalid>", "rsa2048", "sign", "1d", env=other)
    with open(OTHER_PUBRING, "wb") as f:
        f.write(subprocess.run(["gpg", "--export"], env={**os.environ, **other}, capture_output=True, check=True).stdout)

    port = free_port()
    config = os.path.join(WORK, "registry.yml")
    with open(config, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {WORK}/registry\n"
                f"  delete:\n    enabled: false\nhttp:\n  addr: 127.0.0.1:{port}\n")
    log = os.path.join(WORK, "registry.log")
    PROCS.append(subprocess.Popen([os.path.join(BIN, "registry"), "serve", config], stdout=open(log, "w"), stderr=subprocess.STDOUT))
    REGISTRY = f"127.0.0.1:{port}"
    wait_http(f"http://{REGISTRY}/v2/", "the OCI registry", log)

    out = os.path.join(WORK, "packages")
    os.makedirs(out)
    for chart in CHARTS:
        name = os.path.basename(chart)
        STAGED[chart] = os.path.join(WORK, "staged", name)
        sh("scripts/stage-chart.sh", chart, STAGED[chart])
        helm("helm3", "package", "--sign", "--key", KEY_NAME, "--keyring", SECRING, STAGED[chart], "-d", out)
        PKGS[chart] = os.path.join(out, f"{name}-{chart_meta(chart)['version']}.tgz")

    pages = os.path.join(WORK, "pages")  # the gh-pages branch as release.yml fills it
    os.makedirs(pages)
    for pkg in PKGS.values():
        shutil.copy(pkg, pages)
        shutil.copy(pkg + ".prov", pages)
    shutil.copy(os.path.join(ROOT, "artifacthub-repo.yml"), pages)
    hport = free_port()
    REPO_URL = f"http://127.0.0.1:{hport}"
    helm("helm3", "repo", "index", pages, "--url", REPO_URL)
    hlog = os.path.join(WORK, "http.log")
    PROCS.append(subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(hport), "--directory", pages],
                                  stdout=open(hlog, "w"), stderr=subprocess.STDOUT))
    wait_http(f"{REPO_URL}/index.yaml", "the HTTP chart repository", hlog)




def push_all():
    """Push every package to the registry (what release.yml does; the publish test checks it)."""
    for pkg in PKGS.values():
        helm("helm3", "push", pkg, f"oci://{REGISTRY}/charts", "--plain-http")
