#!/usr/bin/env python3
"""ops/aeterna.mk against a real Kubernetes API server (TAP output).

Starts its own etcd + kube-apiserver + kube-controller-manager (tests/cluster/kube-cluster.sh, in
KUBE_OPS_DIR or build/kube-ops), installs charts/aeterna twice with helm 3 (`--no-hooks`: no kubelet
runs the migration hook) — release "ops-demo" with fullnameOverride "memory-svc" (the targets must
find objects by label, not by name) and release "plain" — and runs every target that needs only the
Kubernetes API. No kubelet and no scheduler run: pods are created and admitted, never started. So
the checks look at what the API server holds (Jobs and their admitted pods, replicas, restart
annotations, Secret data, dry-run evictions), never at a container's output; `logs`, `shell` and
`port-forward` need a running container and are only checked for reaching the right pods.

Doubles: the backup CronJobs "ops-demo-backup-pg", "ops-demo-backup-verify" and "ops-demo-restore"
stand in for the ones templates/backup/ renders (same naming rule: the release name and the words
backup / verify / restore); their busybox command is never run. Nodes "node-a"/"node-b" are Node
objects without a kubelet, and a pod's Running/Ready status is written by the test, as a kubelet
would, so that PodDisruptionBudgets count it.
"""
import base64
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "cli", "tests"))
from tap import case, run  # noqa: E402

BIN = os.path.join(ROOT, ".tools", "bin")
WORK = os.environ.get("KUBE_OPS_DIR") or os.path.join(ROOT, "build", "kube-ops")
KUBECONFIG = os.path.join(WORK, "admin.kubeconfig")
CHART_SRC = os.path.join(ROOT, "charts", "aeterna")
CHART = os.environ.get("AETERNA_STAGED_CHART") or os.path.join(ROOT, "build", "staged", "aeterna")
MK = os.path.join(ROOT, "ops", "aeterna.mk")
NS = "ops"
ENV = dict(os.environ, KUBECONFIG=KUBECONFIG, HELM_CACHE_HOME=os.path.join(WORK, "helm", "cache"),
           HELM_CONFIG_HOME=os.path.join(WORK, "helm", "config"), HELM_DATA_HOME=os.path.join(WORK, "helm", "data"))
RESTRICTED = {"runAsNonRoot": True, "runAsUser": 1000, "allowPrivilegeEscalation": False,
              "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}


def sh(args, check=True, input_=None, timeout=180):
    p = subprocess.run(args, capture_output=True, text=True, env=ENV, input=input_, timeout=timeout)
    if check:
        assert p.returncode == 0, f"{' '.join(args[:6])}… exited {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
    return p


def kubectl(*args, **kw):
    return sh([os.path.join(BIN, "kubectl"), *args], **kw)


def kget(*args):
    return json.loads(kubectl("-n", NS, "get", *args, "-o", "json").stdout)


def ops(target, release="ops-demo", **vars_):
    args = ["make", "--no-print-directory", "-f", MK, target, f"KUBECTL={os.path.join(BIN, 'kubectl')}"]
    if release is not None:
        args += [f"RELEASE={release}", f"NAMESPACE={NS}"]
    args += [f"{k}={v}" for k, v in vars_.items()]
    return sh(args, check=False)


def apply(obj):
    kubectl("apply", "--server-side", "-f", "-", input_=json.dumps(obj))


def wait_for(fn, what, timeout=40):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def no_failed_create(owner_prefix):
    ev = kget("events")["items"]
    bad = [e["message"] for e in ev if e.get("reason") == "FailedCreate" and e["involvedObject"]["name"].startswith(owner_prefix)]
    assert not bad, "\n".join(bad)


def pods_of_job(job):
    return [p for p in kget("pods", "-l", f"job-name={job}")["items"]]


# --- the rig -------------------------------------------------------------------------------
def setup():
    r = sh([os.path.join(ROOT, "tests", "cluster", "kube-cluster.sh"), "start", WORK], check=False, timeout=240)
    assert r.returncode == 0, r.stderr
    apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS, "labels": {
        "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest"}}})
    wait_for(lambda: kubectl("-n", NS, "get", "serviceaccount", "default", check=False).returncode == 0, "default SA")
    values = os.path.join(CHART_SRC, "ci", "external-only-values.yaml")
    common = ["-n", NS, "-f", values, "--no-hooks", "--set", "auth.allowUnauthenticated=true"]
    sh([os.path.join(BIN, "helm3"), "install", "ops-demo", CHART, *common,
        "--set", "fullnameOverride=memory-svc", "--set", "replicaCount=2",
        "--set", "server.knowledgeRepo.url=https://github.com/acme/knowledge.git",
        "--set", "podDisruptionBudget.enabled=true", "--set", "podDisruptionBudget.minAvailable=1",
        "--set", "auth.plugin.enabled=true", "--set", "opal.enabled=true",
        "--set-file", f"auth.cedar.policyText={ROOT}/examples/cedar/policy.cedar",
        "--set-file", f"auth.cedar.schemaText={ROOT}/examples/cedar/schema.cedarschema"])
    sh([os.path.join(BIN, "helm3"), "install", "plain", CHART, *common])
    # doubles of the backup templates' CronJobs (suspended; their command is never run)
    for name in ("ops-demo-backup-pg", "ops-demo-backup-verify", "ops-demo-restore"):
        apply({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {
            "name": name, "namespace": NS, "labels": {"app.kubernetes.io/instance": "ops-demo"}},
            "spec": {"schedule": "0 3 * * *", "suspend": True, "jobTemplate": {"spec": {"backoffLimit": 0, "template": {
                "spec": {"restartPolicy": "Never", "containers": [{
                    "name": "main", "image": "docker.io/library/busybox:1.37.0", "command": ["true"],
                    "securityContext": RESTRICTED}]}}}}}})


def teardown():
    sh([os.path.join(ROOT, "tests", "cluster", "kube-cluster.sh"), "stop", WORK], check=False)


# --- cases -----------------------------------------------------------------------------------
@case
def the_rig_starts_and_two_releases_install():
    setup()


@case
def help_lists_every_target_with_one_line():
    phony = open(MK).read().split(".PHONY:", 1)[1].split("\n\n", 1)[0].replace("\\", " ").split()
    out = ops("help", release=None).stdout
    lines = {l.split()[0]: l for l in out.splitlines()[1:] if l.strip()}
    missing = [t for t in phony if t not in lines or len(lines[t].split()) < 3]
    assert not missing and len(phony) >= 14, f"missing or without description: {missing}\n{out}"


@case
def release_and_namespace_are_required_and_checked():
    r = ops("status", release=None)
    assert r.returncode != 0 and "RELEASE is required" in r.stderr, r.stderr
    r = ops("status", release=None, RELEASE="ops-demo")
    assert r.returncode != 0 and "NAMESPACE is required" in r.stderr, r.stderr
    r = ops("status", release="nope")
    assert r.returncode != 0 and 'no Aeterna server Deployment of release nope in namespace ops' in r.stderr, r.stderr


@case
def status_finds_the_release_by_label():
    r = ops("status")
    assert r.returncode == 0, r.stderr
    for want in ("deployment.apps/memory-svc", "memory-svc-opal-server", "poddisruptionbudget.policy/memory-svc",
                 "== server:", "of 2 replicas"):
        assert want in r.stdout, f"{want!r} not in\n{r.stdout}"
    assert "plain-aeterna" not in r.stdout, "status shows another release"


@case
def logs_address_the_components_pods():
    r = ops("logs", TAIL="5")
    # no kubelet: no container has a log; the target must still address the release's server pods only
    pods = [p["metadata"]["name"] for p in kget("pods", "-l", "app.kubernetes.io/instance=ops-demo,app.kubernetes.io/component=server")["items"]]
    assert pods and all(f"pod/{p}" in r.stdout for p in pods) and "plain-aeterna" not in r.stdout, r.stdout + r.stderr
    r = ops("logs", COMPONENT="nothing-like-this")
    assert r.returncode != 0 and "has no pod of component nothing-like-this" in r.stderr, r.stderr


@case
def migrate_now_creates_an_admitted_job_from_the_server_template():
    r = ops("migrate-now", WAIT="false")
    assert r.returncode == 0, r.stderr
    jobs = [j for j in kget("jobs")["items"] if "-migrate-" in j["metadata"]["name"]]
    assert len(jobs) == 1, [j["metadata"]["name"] for j in jobs]
    job = jobs[0]
    spec = job["spec"]["template"]["spec"]
    c = spec["containers"]
    dep = kget("deployment", "memory-svc")
    assert len(c) == 1 and c[0]["args"] == ["admin", "migrate", "up"] and "readinessProbe" not in c[0], c
    assert c[0]["image"] == dep["spec"]["template"]["spec"]["containers"][0]["image"]
    labels = job["spec"]["template"]["metadata"]["labels"]
    assert labels.get("app.kubernetes.io/component") == "migrations" and labels.get("app.kubernetes.io/instance") == "ops-demo", labels
    name = job["metadata"]["name"]
    wait_for(lambda: pods_of_job(name), f"the pod of {name}")
    no_failed_create(name)


@case
def backup_now_starts_a_job_from_each_backup_cronjob():
    r = ops("backup-now")
    assert r.returncode == 0, r.stderr
    jobs = [j["metadata"]["name"] for j in kget("jobs")["items"]]
    made = [j for j in jobs if j.startswith("ops-demo-backup-pg-now-")]
    assert len(made) == 1 and not any(j.startswith(("ops-demo-backup-verify-now", "ops-demo-restore-now")) for j in jobs), jobs
    job = kget("job", made[0])
    assert job["metadata"]["annotations"].get("cronjob.kubernetes.io/instantiate") == "manual", job["metadata"]
    wait_for(lambda: pods_of_job(made[0]), "the backup pod")
    no_failed_create(made[0])
    r = ops("backup-now", release="plain")
    assert r.returncode != 0 and "release plain has no backup CronJob" in r.stderr, r.stderr


@case
def list_backups_shows_the_runs():
    r = ops("list-backups")
    assert r.returncode == 0 and "ops-demo-backup-pg-now-" in r.stdout, r.stdout + r.stderr
    assert "-migrate-" not in r.stdout, r.stdout


@case
def verify_backup_starts_the_verification():
    r = ops("verify-backup", WAIT="false")
    assert r.returncode == 0, r.stderr
    jobs = [j["metadata"]["name"] for j in kget("jobs")["items"] if j["metadata"]["name"].startswith("ops-demo-backup-verify-now-")]
    assert len(jobs) == 1, jobs
    r = ops("verify-backup", release="plain")
    assert r.returncode != 0 and "no backup verification CronJob" in r.stderr, r.stderr


@case
def restore_needs_the_release_name_as_confirmation():
    before = kget("deployment", "memory-svc")["spec"]["replicas"]
    for confirm in (None, "yes", "plain"):
        r = ops("restore", **({"CONFIRM": confirm} if confirm else {}))
        assert r.returncode != 0 and "run it again with CONFIRM=ops-demo" in r.stderr, r.stderr
    assert kget("deployment", "memory-svc")["spec"]["replicas"] == before
    assert not [j for j in kget("jobs")["items"] if j["metadata"]["name"].startswith("ops-demo-restore-now-")]
    r = ops("restore", release="plain", CONFIRM="plain")
    assert r.returncode != 0 and "has no restore CronJob" in r.stderr, r.stderr
    assert kget("deployment", "plain-aeterna")["spec"]["replicas"] == 1, "plain was scaled although nothing restored"


@case
def restore_confirmed_stops_the_server_and_starts_the_restore():
    r = ops("restore", CONFIRM="ops-demo", WAIT="false")
    assert r.returncode == 0, r.stderr
    dep = kget("deployment", "memory-svc")
    assert dep["spec"]["replicas"] == 0, dep["spec"]["replicas"]
    assert dep["metadata"]["annotations"].get("aeterna.io/replicas-before-restore") == "2", dep["metadata"]["annotations"]
    assert [j for j in kget("jobs")["items"] if j["metadata"]["name"].startswith("ops-demo-restore-now-")]
    assert "REPLICAS=2" in r.stdout, r.stdout


@case
def scale_checks_its_input_and_the_replica_facts():
    r = ops("scale", REPLICAS="two")
    assert r.returncode != 0 and "REPLICAS must be a whole number" in r.stderr, r.stderr
    r = ops("scale", REPLICAS="2")
    assert r.returncode == 0 and kget("deployment", "memory-svc")["spec"]["replicas"] == 2, r.stderr
    r = ops("scale", release="plain", REPLICAS="3")
    assert r.returncode != 0 and "needs a remote knowledge repository" in r.stderr, r.stderr
    assert kget("deployment", "plain-aeterna")["spec"]["replicas"] == 1


@case
def scale_is_refused_under_an_hpa():
    apply({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "plain-hpa", "namespace": NS},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "plain-aeterna"},
                    "minReplicas": 1, "maxReplicas": 2}})
    try:
        r = ops("scale", release="plain", REPLICAS="1")
        assert r.returncode != 0 and "a HorizontalPodAutoscaler scales plain-aeterna" in r.stderr, r.stderr
    finally:
        kubectl("-n", NS, "delete", "hpa", "plain-hpa")


@case
def rolling_restart_restarts_the_server_only():
    r = ops("rolling-restart", WAIT="false")
    assert r.returncode == 0, r.stderr
    ann = kget("deployment", "memory-svc")["spec"]["template"]["metadata"].get("annotations") or {}
    assert "kubectl.kubernetes.io/restartedAt" in ann, ann
    other = kget("deployment", "plain-aeterna")["spec"]["template"]["metadata"].get("annotations") or {}
    assert "kubectl.kubernetes.io/restartedAt" not in other, "another release was restarted"
    r = ops("rolling-restart", COMPONENT="nothing-like-this", WAIT="false")
    assert r.returncode != 0 and "no workload of component nothing-like-this" in r.stderr, r.stderr


def running_pod(name, node, labels):
    apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": NS, "labels": labels},
           "spec": {"nodeName": node, "containers": [{"name": "c", "image": "docker.io/library/busybox:1.37.0",
                                                         "securityContext": RESTRICTED}]}})
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    kubectl("-n", NS, "patch", "pod", name, "--subresource=status", "--type=merge", "-p", json.dumps({"status": {
        "phase": "Running", "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": now}]}}))


@case
def drain_check_reports_a_pdb_a_drain_would_violate():
    for n in ("node-a", "node-b"):
        apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": n}})
    # a healthy server pod on node-a, covered by the release's PDB (minAvailable 1): budget 0
    running_pod("memory-svc-on-node-a", "node-a", {"app.kubernetes.io/name": "aeterna", "app.kubernetes.io/instance": "ops-demo",
                                                     "app.kubernetes.io/component": "server"})
    running_pod("unguarded-on-node-b", "node-b", {"app": "unguarded"})
    wait_for(lambda: (kget("pdb", "memory-svc").get("status") or {}).get("currentHealthy") == 1, "the PDB to count the pod")
    r = ops("drain-check", NODE="node-a")
    assert r.returncode != 0 and "BLOCKED: draining node node-a" in r.stdout and "memory-svc-on-node-a" in r.stdout, r.stdout + r.stderr
    r = ops("drain-check")  # every node with a pod of the release: node-a
    assert r.returncode != 0 and "node-a" in r.stdout, r.stdout + r.stderr
    r = ops("drain-check", NODE="node-b")
    assert r.returncode == 0 and "ok: node node-b can be drained" in r.stdout, r.stdout + r.stderr
    # the check is a dry run: nothing was cordoned or evicted
    assert not json.loads(kubectl("get", "node", "node-a", "-o", "json").stdout)["spec"].get("unschedulable")
    assert kget("pod", "memory-svc-on-node-a")["metadata"].get("deletionTimestamp") is None


@case
def drain_check_passes_when_the_budget_allows():
    kubectl("-n", NS, "patch", "pdb", "memory-svc", "--type=merge", "-p", json.dumps({"spec": {"minAvailable": 0}}))
    wait_for(lambda: (kget("pdb", "memory-svc").get("status") or {}).get("disruptionsAllowed") == 1, "the PDB to allow one")
    r = ops("drain-check", NODE="node-a")
    assert r.returncode == 0 and "ok: node node-a can be drained" in r.stdout, r.stdout + r.stderr


def secret_data(name):
    return {k: base64.b64decode(v).decode() for k, v in kget("secret", name)["data"].items()}


@case
def rotate_secret_replaces_the_jwt_key_and_restarts_the_server():
    kubectl("-n", NS, "patch", "deployment", "memory-svc", "--type=json", "-p",
            json.dumps([{"op": "remove", "path": "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt"}]))
    before = secret_data("memory-svc-auth")
    r = ops("rotate-secret", SECRET="jwt")
    assert r.returncode == 0, r.stderr
    after = secret_data("memory-svc-auth")
    key = "AETERNA_PLUGIN_AUTH_JWT_SECRET"
    assert after[key] != before[key] and len(after[key]) == 64 and after[key].isalnum(), after
    assert after[key] not in r.stdout + r.stderr, "the new key was printed"
    ann = kget("deployment", "memory-svc")["spec"]["template"]["metadata"].get("annotations") or {}
    assert "kubectl.kubernetes.io/restartedAt" in ann, ann


@case
def rotate_secret_replaces_the_opal_tokens_and_restarts_opal():
    before = secret_data("memory-svc-opal")
    r = ops("rotate-secret", SECRET="opal")
    assert r.returncode == 0, r.stderr
    after = secret_data("memory-svc-opal")
    assert all(after[k] != before[k] and len(after[k]) == 48 for k in ("master-token", "client-token")), after
    sts = kget("statefulset", "memory-svc-opal-server")["spec"]["template"]["metadata"].get("annotations") or {}
    assert "kubectl.kubernetes.io/restartedAt" in sts, sts


@case
def rotate_secret_refuses_the_kms_key_and_unknown_names():
    r = ops("rotate-secret", SECRET="kms")
    assert r.returncode != 0 and "never rotated by replacement" in r.stderr, r.stderr
    r = ops("rotate-secret", SECRET="db")
    assert r.returncode != 0 and "SECRET must be jwt or opal" in r.stderr, r.stderr
    r = ops("rotate-secret", release="plain", SECRET="jwt")
    assert r.returncode != 0 and "secret plain-aeterna-auth not found" in r.stderr, r.stderr


if __name__ == "__main__":
    # SIGTERM/SIGINT unwind through the finally below, which stops the control plane.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        rc = run()
    finally:
        teardown()
    sys.exit(rc)
