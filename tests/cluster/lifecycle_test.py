#!/usr/bin/env python3
"""Every scenario of charts/aeterna on a real Kubernetes API server (TAP output).

Starts etcd, kube-apiserver and kube-controller-manager (tests/cluster/kube-cluster.sh) and, for
every charts/aeterna/ci/*-values.yaml with helm 3 and with helm 4, in its own namespace that
enforces Pod Security "restricted":
  strict server-side dry run (fieldValidation=Strict, no PodSecurity warning) -> install ->
  upgrade with the same values -> upgrade with changed values -> helm test -> rollback ->
  uninstall, checking after each step that the controller-manager created every workload's
  pods (no FailedCreate event) and that every Secret the release generated is unchanged;
  after uninstall nothing may remain but the documented leftovers.
Before the operator CRDs are installed, every scenario that needs one must be refused with the
chart's own sentence. A namespace-scoped deployer (a ServiceAccount bound to `admin` in one
namespace) installs, upgrades and uninstalls a release with an Ingress and no class.

No kubelet and no scheduler run here: pods are created and admitted (that is where PodSecurity
rejects), never started. Helm waits on hook Jobs and test pods, so a stand-in for the kubelet
(class KubeletDouble, a test double) marks each hook Job complete and each test pod succeeded
once the controller-manager has created the pods; nothing here proves that a container starts.
"""
import base64
import concurrent.futures
import glob
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".tools", "bin")
CHART_SRC = os.path.join(ROOT, "charts", "aeterna")
CHART = os.environ.get("AETERNA_STAGED_CHART") or ""
WORK = os.environ.get("KUBE_TEST_DIR") or os.path.join(ROOT, "build", "kube")
KUBECONFIG = os.path.join(WORK, "admin.kubeconfig")
CRDS = os.path.join(ROOT, "schemas", "crds")
HELMS = ("helm3", "helm4")
PARALLEL = int(os.environ.get("KUBE_TEST_PARALLEL", "3"))
OPERATOR_SENTENCES = {
    "postgresql.cnpg.io/v1": "needs the CloudNativePG operator",
    "psmdb.percona.com/v1": "needs the Percona Server for MongoDB operator",
    "monitoring.coreos.com/v1": "needs the Prometheus Operator",
    "autoscaling.k8s.io/v1": "needs the Vertical Pod Autoscaler",
    "external-secrets.io/v1": "needs the External Secrets Operator",
}
# Left behind by `helm uninstall` on purpose (documented in the chart README, "Uninstalling"):
# PersistentVolumeClaims that StatefulSets create from their volumeClaimTemplates (data is never
# deleted by an uninstall) and objects annotated helm.sh/resource-policy: keep (the generated
# local KMS key). Plus what Kubernetes itself puts in every namespace.
KUBERNETES_OWN = {("ServiceAccount", "default"), ("ConfigMap", "kube-root-ca.crt")}
LEFTOVER_KINDS = {"PersistentVolumeClaim", "Event"}
# Subchart test hooks no value can turn off or make "restricted" (scripts/check-manifests.py lists
# them by name; the chart's NOTES say so): kept out of the dry run and of `helm test` with the
# filter NOTES gives, together with the hook objects of the same name.
sys.path.insert(0, os.path.join(ROOT, "scripts"))
excepted = importlib.import_module("check-manifests").excepted

_tap_lock = threading.Lock()
_n = 0
_failed = 0


def tap(ok, name, detail=""):
    global _n, _failed
    with _tap_lock:
        _n += 1
        if not ok:
            _failed += 1
        print(f"{'ok' if ok else 'not ok'} {_n} - {name}", flush=True)
        if not ok and detail:
            for line in str(detail).strip().splitlines()[-25:]:
                print(f"# {line}", flush=True)


class Failed(Exception):
    pass


def run(args, env=None, timeout=300, check=True, input_=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(args, capture_output=True, text=True, env=e, timeout=timeout, input=input_)
    if check and p.returncode != 0:
        raise Failed(f"{' '.join(args[:6])}… exited {p.returncode}:\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
    return p


def kubectl(*args, kubeconfig=KUBECONFIG, **kw):
    return run([os.path.join(BIN, "kubectl"), "--kubeconfig", kubeconfig, *args], **kw)


def helm(h, *args, kubeconfig=KUBECONFIG, **kw):
    home = os.path.join(WORK, "helm-home", h)
    env = {"KUBECONFIG": kubeconfig, "HELM_CACHE_HOME": f"{home}/cache", "HELM_CONFIG_HOME": f"{home}/config",
           "HELM_DATA_HOME": f"{home}/data"}
    return run([os.path.join(BIN, h), *args], env=env, **kw)


def scenario_name(path):
    return os.path.basename(path)[: -len("-values.yaml")]


def needed_apis(values):
    """Operator APIs a scenario's render uses (rendered offline with every API offered)."""
    args = []
    for a in OPERATOR_SENTENCES:
        args += ["--api-versions", a]
    out = helm("helm3", "template", "x", CHART, "-f", values, "--kube-version", "1.35.0", *args).stdout
    apis = set()
    for d in yaml.safe_load_all(out):
        if d and d.get("apiVersion") in OPERATOR_SENTENCES:
            apis.add(d["apiVersion"])
    return apis


# --- the kubelet double ---------------------------------------------------------------------
class KubeletDouble(threading.Thread):
    """Test double of a kubelet, for hooks only: once the controller-manager has created a hook
    Job's pod, the Job is marked complete; a `helm test` pod is marked Succeeded. Every other pod
    stays Pending (never scheduled, never run)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.done = set()

    def run(self):
        while not self.stop.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 — a transient API error; the next tick retries
                pass
            self.stop.wait(0.5)

    def tick(self):
        jobs = json.loads(kubectl("get", "jobs", "-A", "-o", "json").stdout)["items"]
        pods = json.loads(kubectl("get", "pods", "-A", "-o", "json").stdout)["items"]
        owners = {}
        for p in pods:
            for o in p["metadata"].get("ownerReferences") or []:
                owners.setdefault(o["uid"], []).append(p)
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for j in jobs:
            m = j["metadata"]
            if "helm.sh/hook" not in (m.get("annotations") or {}) or m["uid"] in self.done:
                continue
            if not owners.get(m["uid"]):
                continue
            status = {"status": {"startTime": j["status"].get("startTime") or now, "completionTime": now,
                                 "active": 0, "ready": 0, "succeeded": 1, "terminating": 0,
                                 "conditions": [
                                     {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached",
                                      "message": "kubelet double", "lastProbeTime": now, "lastTransitionTime": now},
                                     {"type": "Complete", "status": "True", "reason": "CompletionsReached",
                                      "message": "kubelet double", "lastProbeTime": now, "lastTransitionTime": now}]}}
            r = kubectl("-n", m["namespace"], "patch", "job", m["name"], "--subresource=status", "--type=merge",
                        "-p", json.dumps(status), check=False)
            if r.returncode == 0:
                self.done.add(m["uid"])
        for p in pods:
            m = p["metadata"]
            if (m.get("annotations") or {}).get("helm.sh/hook") != "test" or m["uid"] in self.done:
                continue
            status = {"status": {"phase": "Succeeded", "conditions": [
                {"type": "Ready", "status": "False", "reason": "PodCompleted", "lastTransitionTime": now}]}}
            r = kubectl("-n", m["namespace"], "patch", "pod", m["name"], "--subresource=status", "--type=merge",
                        "-p", json.dumps(status), check=False)
            if r.returncode == 0:
                self.done.add(m["uid"])


# --- checks ----------------------------------------------------------------------------------
def create_namespace(ns, kubeconfig=KUBECONFIG):
    manifest = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {
        "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted"}}}
    kubectl("apply", "--server-side", "-f", "-", input_=json.dumps(manifest), kubeconfig=kubeconfig)
    for _ in range(100):  # the controller-manager gives it its default ServiceAccount
        if kubectl("-n", ns, "get", "serviceaccount", "default", check=False).returncode == 0:
            return
        time.sleep(0.2)
    raise Failed(f"namespace {ns}: no default ServiceAccount after 20 s")


def strict_dry_run(h, release, ns, values, extra):
    """Render as helm would for this cluster and send it with fieldValidation=Strict, dry run."""
    out = helm(h, "template", release, CHART, "-n", ns, "-f", values, *extra, "--validate").stdout
    docs = [d for d in yaml.safe_load_all(out) if d]
    skipped = sorted({d["metadata"]["name"] for d in docs if excepted(d)})
    docs = [d for d in docs if d["metadata"]["name"] not in skipped]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump_all(docs, f)
    try:
        r = kubectl("-n", ns, "create", "--dry-run=server", "--validate=strict", "-f", f.name, check=False)
    finally:
        os.unlink(f.name)
    warnings = [l for l in r.stderr.splitlines() if "PodSecurity" in l or l.startswith("Warning")]
    if r.returncode != 0 or warnings:
        raise Failed(f"strict server-side dry run: exit {r.returncode}\n{r.stderr[-3000:]}")
    return skipped


def workloads(ns):
    out = json.loads(kubectl("-n", ns, "get", "deployments,statefulsets,jobs", "-o", "json").stdout)["items"]
    return out


def check_pods_created(ns, timeout=40):
    """Every workload gets its pods from the controller-manager; no FailedCreate event."""
    deadline = time.time() + timeout
    while True:
        missing = []
        pods = json.loads(kubectl("-n", ns, "get", "pods", "-o", "json").stdout)["items"]
        rs = json.loads(kubectl("-n", ns, "get", "replicasets", "-o", "json").stdout)["items"]
        owner = {}
        for p in pods:
            for o in p["metadata"].get("ownerReferences") or []:
                owner.setdefault(o["uid"], 0)
                owner[o["uid"]] += 1
        rs_by_dep = {}
        for r in rs:
            for o in r["metadata"].get("ownerReferences") or []:
                rs_by_dep.setdefault(o["uid"], []).append(r)
        for w in workloads(ns):
            kind, name, uid = w["kind"], w["metadata"]["name"], w["metadata"]["uid"]
            want = w["spec"].get("replicas", 1)
            if kind == "Deployment":
                have = sum(owner.get(r["metadata"]["uid"], 0) for r in rs_by_dep.get(uid, [])
                           if int(r["spec"].get("replicas", 0)) > 0)
            elif kind == "StatefulSet":
                have = owner.get(uid, 0)
                # OrderedReady creates pod 0 and waits for it to be Ready, which needs a kubelet.
                if w["spec"].get("podManagementPolicy", "OrderedReady") == "OrderedReady":
                    want = min(want, 1)
            else:  # Job
                if any(c["type"] == "Complete" for c in w.get("status", {}).get("conditions") or []):
                    continue
                have, want = owner.get(uid, 0), 1
            if want and have < want:
                missing.append(f"{kind} {name}: {have} of {want} pods")
        events = json.loads(kubectl("-n", ns, "get", "events", "-o", "json").stdout)["items"]
        failed = [f"{e['involvedObject']['kind']} {e['involvedObject']['name']}: {e['message']}" for e in events
                  if e.get("reason") in ("FailedCreate", "FailedCreatePodSandBox")]
        if failed:
            raise Failed("pods refused:\n" + "\n".join(sorted(set(failed))))
        if not missing:
            return
        if time.time() > deadline:
            raise Failed("pods never created:\n" + "\n".join(missing))
        time.sleep(1)


def run_cronjobs(ns):
    """A Job from each CronJob (`kubectl create job --from`), as an operator starts a backup by hand; the
    following check_pods_created proves its pod is admitted (Pod Security "restricted")."""
    for cj in json.loads(kubectl("-n", ns, "get", "cronjobs", "-o", "json").stdout)["items"]:
        name = cj["metadata"]["name"]
        kubectl("-n", ns, "create", "job", f"{name[:50]}-manual", f"--from=cronjob/{name}")


def secrets(ns, release):
    out = json.loads(kubectl("-n", ns, "get", "secrets", "-o", "json").stdout)["items"]
    return {s["metadata"]["name"]: s.get("data") or {} for s in out
            if s.get("type") != "helm.sh/release.v1" and not s["metadata"]["name"].startswith("sh.helm.")}


def remaining(ns):
    kinds = kubectl("api-resources", "--verbs=list", "--namespaced", "-o", "name").stdout.split()
    kinds = [k for k in kinds if k not in ("events", "events.events.k8s.io")]
    out = json.loads(kubectl("-n", ns, "get", ",".join(kinds), "-o", "json", "--ignore-not-found").stdout)
    left = []
    for d in out.get("items") or []:
        key = (d["kind"], d["metadata"]["name"])
        if key in KUBERNETES_OWN or d["kind"] in LEFTOVER_KINDS:
            continue
        # kept on purpose (the local KMS key: the database's tenant secrets need it)
        if (d["metadata"].get("annotations") or {}).get("helm.sh/resource-policy") == "keep":
            continue
        left.append(f"{d['kind']} {d['metadata']['name']}")
    return left


def lifecycle(h, values):
    sc = scenario_name(values)
    ns = f"{sc}-{h}"[:63]
    rel = "ci-release"
    step = "namespace"
    try:
        create_namespace(ns)
        step = "strict server-side dry run"
        skipped = strict_dry_run(h, rel, ns, values, [])
        test_filter = [a for n in skipped for a in ("--filter", f"!name={n}")]
        step = "install"
        helm(h, "install", rel, CHART, "-n", ns, "-f", values, "--timeout", "3m")
        check_pods_created(ns)
        step = "a Job from each CronJob"
        run_cronjobs(ns)
        check_pods_created(ns)
        before = secrets(ns, rel)
        step = "upgrade (same values)"
        helm(h, "upgrade", rel, CHART, "-n", ns, "-f", values, "--timeout", "3m")
        check_pods_created(ns)
        if secrets(ns, rel) != before:
            raise Failed("a generated Secret changed on an upgrade with the same values")
        step = "upgrade (changed values)"
        helm(h, "upgrade", rel, CHART, "-n", ns, "-f", values, "--set", "podAnnotations.changed=yes",
             "--set", "commonLabels.tier=changed", "--timeout", "3m")
        check_pods_created(ns)
        after = secrets(ns, rel)
        for name, data in before.items():
            if after.get(name) != data:
                raise Failed(f"Secret {name} changed on an upgrade with changed values")
        step = "helm test"
        helm(h, "test", rel, "-n", ns, *test_filter, "--timeout", "3m")
        step = "rollback"
        helm(h, "rollback", rel, "1", "-n", ns, "--timeout", "3m")
        check_pods_created(ns)
        for name, data in before.items():
            if secrets(ns, rel).get(name) != data:
                raise Failed(f"Secret {name} changed on rollback")
        step = "uninstall"
        helm(h, "uninstall", rel, "-n", ns, "--timeout", "3m")
        deadline = time.time() + 30
        while (left := remaining(ns)) and time.time() < deadline:
            time.sleep(1)
        if left:
            raise Failed("left behind after uninstall (not documented):\n" + "\n".join(left))
        cluster = json.loads(kubectl("get", "clusterroles,clusterrolebindings", "-l", f"app.kubernetes.io/instance={rel}",
                                     "-o", "json").stdout)["items"]
        left = [f"{d['kind']} {d['metadata']['name']}" for d in cluster if d["metadata"]["name"].startswith(f"{ns}-")]
        if left:
            raise Failed("cluster-scoped objects left behind after uninstall:\n" + "\n".join(left))
        tap(True, f"{sc} {h}: dry run, install, upgrade ×2, test, rollback, uninstall")
    except (Failed, subprocess.TimeoutExpired) as e:
        tap(False, f"{sc} {h}: {step}", e)
    finally:
        kubectl("delete", "namespace", ns, "--wait=false", check=False)


def without_operators(values, apis):
    sc = scenario_name(values)
    ns = f"noop-{sc}"[:63]
    try:
        create_namespace(ns)
        r = helm("helm3", "install", "ci-release", CHART, "-n", ns, "-f", values, check=False)
        if apis:
            want = [OPERATOR_SENTENCES[a] for a in sorted(apis)]
            ok = r.returncode != 0 and any(w in r.stderr for w in want)
            tap(ok, f"{sc} without {', '.join(sorted(apis))}: refused with the chart's sentence",
                f"exit {r.returncode}; expected one of {want}\n{r.stderr[-1500:]}")
        else:
            tap(r.returncode == 0, f"{sc} needs no operator: installs on a cluster without CRDs", r.stderr[-1500:])
            helm("helm3", "uninstall", "ci-release", "-n", ns, check=False)
    except Failed as e:
        tap(False, f"{sc} without operators", e)
    finally:
        kubectl("delete", "namespace", ns, "--wait=false", check=False)


def negative_control():
    """The rig must be able to fail: a bundled pod made to run as root is refused by PodSecurity,
    and check_pods_created says so."""
    ns = "control-root"
    try:
        create_namespace(ns)
        values = os.path.join(CHART_SRC, "ci", "local-values.yaml")
        helm("helm3", "install", "ci-release", CHART, "-n", ns, "-f", values, "--set", "dragonfly.securityContext.runAsNonRoot=false",
             "--set", "dragonfly.podSecurityContext.runAsNonRoot=false", "--timeout", "3m")
        try:
            check_pods_created(ns, timeout=20)
            tap(False, "control: a root Dragonfly pod is reported as refused", "check_pods_created saw no problem")
        except Failed as e:
            tap("dragonfly" in str(e) and ("PodSecurity" in str(e) or "violates" in str(e)),
                "control: a root Dragonfly pod is reported as refused", e)
    except Failed as e:
        tap(False, "control: a root Dragonfly pod is reported as refused", e)
    finally:
        kubectl("delete", "namespace", ns, "--wait=false", check=False)


def kms_existing_secret():
    """An existing KMS Secret whose key is not 32 bytes is refused at install, before the server
    would crash-loop on it; a good one is used as is."""
    ns = "kms-existing"
    values = os.path.join(CHART_SRC, "ci", "external-only-values.yaml")
    try:
        create_namespace(ns)
        for name, raw in (("short-key", base64.b64encode(b"x" * 24).decode()),
                          ("good-key", base64.b64encode(os.urandom(32)).decode())):
            kubectl("-n", ns, "create", "secret", "generic", name, f"--from-literal=AETERNA_LOCAL_KMS_KEY={raw}")
        r = helm("helm3", "install", "short", CHART, "-n", ns, "-f", values, "--set", "kms.local.existingSecret=short-key",
                 check=False)
        tap(r.returncode != 0 and 'kms.local.existingSecret "short-key", key "AETERNA_LOCAL_KMS_KEY", must hold the standard base64 of exactly 32 bytes' in r.stderr,
            "an existing KMS Secret holding 24 bytes is refused at install, naming the key", r.stderr[-1500:])
        r = helm("helm4", "install", "good", CHART, "-n", ns, "-f", values, "--set", "kms.local.existingSecret=good-key",
                 check=False)
        dep = kubectl("-n", ns, "get", "deployment", "good-aeterna", "-o", "json", check=False)
        env = json.loads(dep.stdout)["spec"]["template"]["spec"]["containers"][0].get("env", []) if dep.returncode == 0 else []
        ref = next((e["valueFrom"]["secretKeyRef"] for e in env if e["name"] == "AETERNA_LOCAL_KMS_KEY"), {})
        tap(r.returncode == 0 and ref.get("name") == "good-key", "an existing 32-byte KMS Secret is given to the server",
            r.stderr[-1500:] + json.dumps(ref))
    except Failed as e:
        tap(False, "existing KMS Secret", e)
    finally:
        kubectl("delete", "namespace", ns, "--wait=false", check=False)


def setup_files_install():
    """What a user does first: `aeterna setup`, apply its secrets.yaml, `helm install` its values.yaml."""
    ns = "from-setup"
    binary = os.environ.get("AETERNA_BIN") or os.path.join(ROOT, "build", "aeterna")
    try:
        create_namespace(ns)
        with tempfile.TemporaryDirectory() as out:
            env = {"OPENAI_API_KEY": "sk-setup0123456789abcdefXYZ", "AETERNA_POSTGRES_PASSWORD": "pw-from-setup"}
            run([binary, "setup", "--non-interactive", "-o", out, "--llm", "openai", "--postgres", "external",
                 "--postgres-host", "db.example.com", "--network-policy"], env=env)
            kubectl("-n", ns, "apply", "-f", os.path.join(out, "secrets.yaml"))
            for h in HELMS:
                rel = f"setup-{h}"
                r = helm(h, "install", rel, CHART, "-n", ns, "-f", os.path.join(out, "values.yaml"), "--timeout", "3m",
                         check=False)
                ok = r.returncode == 0
                detail = r.stderr[-2000:]
                if ok:
                    try:
                        check_pods_created(ns)
                        dep = json.loads(kubectl("-n", ns, "get", "deployment", f"{rel}-aeterna", "-o", "json").stdout)
                        env_refs = {e["name"]: e.get("valueFrom", {}).get("secretKeyRef", {}).get("name")
                                    for e in dep["spec"]["template"]["spec"]["containers"][0].get("env", [])}
                        ok = env_refs.get("OPENAI_API_KEY") == "aeterna-setup-secrets" and \
                            env_refs.get("PG_PASSWORD") == "aeterna-setup-secrets"
                        detail = json.dumps(env_refs)
                    except Failed as e:
                        ok, detail = False, str(e)
                tap(ok, f"aeterna setup's files install with {h}: secrets.yaml applied, values.yaml refers to it", detail)
                helm(h, "uninstall", rel, "-n", ns, check=False)
    except (Failed, subprocess.CalledProcessError) as e:
        tap(False, "aeterna setup's files install", e)
    finally:
        kubectl("delete", "namespace", ns, "--wait=false", check=False)


def namespace_admin():
    """A deployer that holds `admin` in one namespace only, as many platform teams run Helm."""
    ns = "team-a"
    try:
        create_namespace(ns)
        kubectl("-n", ns, "create", "serviceaccount", "deployer")
        kubectl("-n", ns, "create", "rolebinding", "deployer-admin", "--clusterrole=admin", "--serviceaccount", f"{ns}:deployer")
        token = kubectl("-n", ns, "create", "token", "deployer", "--duration", "2h").stdout.strip()
        port = open(os.path.join(WORK, "apiserver.port")).read().strip()
        kc = os.path.join(WORK, "deployer.kubeconfig")
        with open(kc, "w") as f:
            yaml.safe_dump({"apiVersion": "v1", "kind": "Config",
                            "clusters": [{"name": "t", "cluster": {"server": f"https://127.0.0.1:{port}",
                                                                 "certificate-authority": os.path.join(WORK, "pki", "ca.crt")}}],
                            "users": [{"name": "deployer", "user": {"token": token}}],
                            "contexts": [{"name": "t", "context": {"cluster": "t", "user": "deployer", "namespace": ns}}],
                            "current-context": "t"}, f)
        os.chmod(kc, 0o600)
        values = os.path.join(CHART_SRC, "ci", "mixed-values.yaml")
        args = ["-f", values, "--set", "ingress.enabled=true", "--set", "ingress.hosts[0].host=aeterna.example.com",
                "--set", "ingress.hosts[0].paths[0].path=/", "--set", "ingress.hosts[0].paths[0].pathType=Prefix"]
        # the cluster's default class, which the DefaultIngressClass admission gives a class-less Ingress
        kubectl("apply", "--server-side", "-f", "-", input_=json.dumps({
            "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": {"name": "default-nginx", "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
            "spec": {"controller": "k8s.io/ingress-nginx"}}))
        for h in HELMS:
            rel = f"team-{h}"
            for verb in ("install", "upgrade"):
                r = helm(h, verb, rel, CHART, "-n", ns, *args, "--timeout", "3m", kubeconfig=kc, check=False)
                tap(r.returncode == 0, f"namespace admin {h}: {verb} with an Ingress and no class", r.stderr[-2000:])
            ing = json.loads(kubectl("-n", ns, "get", "ingress", "-l", f"app.kubernetes.io/instance={rel}",
                                     "-o", "json").stdout)["items"]
            tap(len(ing) == 1 and ing[0]["spec"].get("ingressClassName") == "default-nginx",
                f"namespace admin {h}: the API server gives the Ingress the cluster's default class",
                json.dumps([i["spec"] for i in ing])[:1500])
            r = helm(h, "uninstall", rel, "-n", ns, "--timeout", "3m", kubeconfig=kc, check=False)
            tap(r.returncode == 0, f"namespace admin {h}: uninstall", r.stderr[-2000:])
    except Failed as e:
        tap(False, "namespace admin", e)
    finally:
        kubectl("delete", "namespace", ns, "--wait=false", check=False)


def main():
    global CHART
    if not CHART:
        CHART = os.path.join(WORK, "staged", "aeterna")
        run([os.path.join(ROOT, "scripts", "stage-chart.sh"), CHART_SRC, CHART])
    scenarios = sorted(glob.glob(os.path.join(CHART_SRC, "ci", "*-values.yaml")))
    only = os.environ.get("KUBE_TEST_SCENARIOS")
    if only:
        scenarios = [s for s in scenarios if scenario_name(s) in only.split(",")]
    t0 = time.time()
    start = run([os.path.join(ROOT, "tests", "cluster", "kube-cluster.sh"), "start", WORK], check=False, timeout=180)
    tap(start.returncode == 0, "etcd, kube-apiserver and kube-controller-manager start", start.stderr)
    if start.returncode != 0:
        print(f"1..{_n}")
        return 1
    kubelet = KubeletDouble()
    try:
        ver = json.loads(kubectl("version", "-o", "json").stdout)["serverVersion"]["gitVersion"]
        tap(ver.startswith("v1.35."), f"API server reports {ver}")
        print(f"# control plane ready in {time.time() - t0:.1f} s", flush=True)
        kubelet.start()
        apis = {s: needed_apis(s) for s in scenarios}
        # Phase 1: no operator CRDs in the cluster.
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            list(pool.map(lambda s: without_operators(s, apis[s]), scenarios))
        # Phase 2: the CRDs of every operator the chart can use.
        kubectl("apply", "--server-side", "-f", CRDS)
        # A CRD created a moment ago may have no status yet, which `kubectl wait` reports as an
        # error instead of waiting (seen under load): ask again.
        for attempt in range(5):
            w = kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s", check=attempt == 4)
            if w.returncode == 0:
                break
            time.sleep(2)
        time.sleep(2)  # discovery caches refresh
        t1 = time.time()
        jobs = [(h, s) for s in scenarios for h in HELMS]
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            list(pool.map(lambda a: lifecycle(*a), jobs))
        print(f"# {len(jobs)} lifecycles in {time.time() - t1:.0f} s", flush=True)
        negative_control()
        kms_existing_secret()
        setup_files_install()
        namespace_admin()
    finally:
        kubelet.stop.set()
        run([os.path.join(ROOT, "tests", "cluster", "kube-cluster.sh"), "stop", WORK], check=False)
    print(f"# API-server suite: {time.time() - t0:.0f} s")
    print(f"1..{_n}")
    return 1 if _failed else 0


if __name__ == "__main__":
    # SIGTERM/SIGINT unwind through main's finally, which stops the control plane.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
