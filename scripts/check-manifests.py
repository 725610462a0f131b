#!/usr/bin/env python3
"""Checks on a rendered manifest that schemas cannot express.

Usage: check-manifests.py CHART MANIFEST [VALUES]

- Pod Security Standards "restricted" for every pod (and pod template): non-root, no privilege
  escalation, capabilities drop ALL, seccomp RuntimeDefault, read-only root filesystem
  (exceptions by name: RESTRICTED_EXCEPTIONS).
- every Service is ClusterIP (nothing reachable from outside the cluster by default), every
  image pinned (a tag other than latest, or a digest).
- For charts/aeterna, the server's boot contract (charts/aeterna/server-env.txt, read by
  scripts/server_contract.py) on every server and migration container, as the kubelet would
  build its environment (env, envFrom, ConfigMaps and Secrets of the render): only variables the
  server reads, none it ignores at this tag, secrets only from Secrets, every variable it needs
  to boot present, values well formed (e.g. the local KMS key decodes to 32 bytes); and no
  Service links (which would add AETERNA_*-looking variables).
- For charts/verta, the app contract (../shared/contracts/verta.md): every ConfigMap is read by a pod;
  the backend, frontend and ML containers get ADMIN_API_KEY from a Secret (never the app's built-in
  default), the backend every variable it needs to start (from Secrets for the secret ones) and never
  NODE_ENV=test; ML_SERVICE_URL, BACKEND_URL and a bundled REDIS_HOST name Services of the render on
  the right port; a reference to a Secret of the render names a key it holds; no Service links.
- with VALUES setting global.imageRegistry / global.imagePullSecrets: every image of every pod
  (subcharts included) comes from that registry and every pod carries those pull secrets.
Prints one line per problem and exits 1 when there is any.
"""
import base64
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_contract  # noqa: E402

POD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}
# Pods that cannot meet "restricted" through any value of their chart, by name suffix. Each is
# said in NOTES.txt and the chart README, and kept out of `helm test` by the command NOTES gives.
RESTRICTED_EXCEPTIONS = {
    # the qdrant chart's helm test pod: no securityContext value, root, a `latest` image
    "-qdrant-test-db-interaction": "qdrant subchart test (helm test --filter '!name=…')",
}


def excepted(doc):
    name = doc["metadata"]["name"]
    hook = (doc["metadata"].get("annotations") or {}).get("helm.sh/hook")
    return doc.get("kind") == "Pod" and hook == "test" and any(name.endswith(s) for s in RESTRICTED_EXCEPTIONS)


def pod_specs(doc):
    kind = doc.get("kind")
    if kind == "Pod":
        yield doc["metadata"]["name"], doc["spec"]
    elif kind in POD_KINDS:
        yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]
    elif kind == "CronJob":
        yield doc["metadata"]["name"], doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def check_restricted(name, spec, problems):
    pod_sc = spec.get("securityContext") or {}
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        sc = c.get("securityContext") or {}
        where = f"{name}/{c['name']}"
        non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        if non_root is not True:
            problems.append(f"{where}: runAsNonRoot is not true")
        if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
            problems.append(f"{where}: runs as uid 0")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: allowPrivilegeEscalation is not false")
        if sc.get("privileged"):
            problems.append(f"{where}: privileged")
        drops = (sc.get("capabilities") or {}).get("drop") or []
        if "ALL" not in drops:
            problems.append(f"{where}: capabilities do not drop ALL")
        adds = (sc.get("capabilities") or {}).get("add") or []
        if any(a != "NET_BIND_SERVICE" for a in adds):
            problems.append(f"{where}: adds capabilities {adds}")
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            problems.append(f"{where}: seccompProfile is not RuntimeDefault")
        if sc.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}: readOnlyRootFilesystem is not true")
    for v in spec.get("volumes") or []:
        if "hostPath" in v:
            problems.append(f"{name}: hostPath volume {v['name']}")
    if spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC"):
        problems.append(f"{name}: uses host namespaces")


def container_env(c, configmaps, secrets):
    """{name: (value or None, source)} of a container, as the kubelet would build it."""
    env = {}
    for src in c.get("envFrom") or []:
        if "configMapRef" in src:
            for k, v in (configmaps.get(src["configMapRef"]["name"]) or {}).items():
                env[k] = (str(v), "configmap")
        elif "secretRef" in src:
            data = secrets.get(src["secretRef"]["name"])
            for k, v in (data or {}).items():
                env[k] = (v, "secret")
    for e in c.get("env") or []:
        vf = e.get("valueFrom")
        if vf is None:
            env[e["name"]] = (str(e.get("value", "")), "inline")
        elif "secretKeyRef" in vf:
            ref = vf["secretKeyRef"]
            env[e["name"]] = ((secrets.get(ref["name"]) or {}).get(ref["key"]), "secret")
        elif "configMapKeyRef" in vf:
            ref = vf["configMapKeyRef"]
            cm = configmaps.get(ref["name"])
            env[e["name"]] = (None if cm is None else cm.get(ref["key"]), "configmap")
        else:
            env[e["name"]] = (None, "fieldRef")
    return env


def check_server_env(chart, docs, problems):
    contract_file = os.path.join(chart, "server-env.txt")
    if not os.path.exists(contract_file):
        return
    contract = server_contract.load(contract_file)
    configmaps = {d["metadata"]["name"]: d.get("data") or {} for d in docs if d.get("kind") == "ConfigMap"}
    secrets = {}
    for d in docs:
        if d.get("kind") == "Secret":
            data = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in (d.get("data") or {}).items()}
            data.update(d.get("stringData") or {})
            secrets[d["metadata"]["name"]] = data
    for doc in docs:
        for name, spec in pod_specs(doc):
            servers = [c for c in spec.get("containers") or [] if c["name"] in ("server", "migrate")]
            if servers and spec.get("enableServiceLinks") is not False:
                problems.append(f"{name}: enableServiceLinks is not false (Service env vars would reach the server)")
            for c in servers:
                env = container_env(c, configmaps, secrets)
                for p in contract.check(env, c["name"]):
                    problems.append(f"{name}/{c['name']}: {p}")


VERTA_APPS = ("backend", "frontend", "ml")
VERTA_BACKEND_SECRETS = ("ADMIN_API_KEY", "DATABASE_URL", "DISCORD_BOT_TOKEN", "ML_SERVICE_API_KEY")


def check_verta(docs, problems):
    configmaps = {d["metadata"]["name"]: d.get("data") or {} for d in docs if d.get("kind") == "ConfigMap"}
    secrets = {}
    for d in docs:
        if d.get("kind") == "Secret":
            data = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in (d.get("data") or {}).items()}
            data.update(d.get("stringData") or {})
            secrets[d["metadata"]["name"]] = data
    services = {d["metadata"]["name"]: {p["port"] for p in d["spec"].get("ports") or []}
                for d in docs if d.get("kind") == "Service"}
    used = set()
    for doc in docs:
        for name, spec in pod_specs(doc):
            for v in spec.get("volumes") or []:
                if "configMap" in v:
                    used.add(v["configMap"]["name"])
            for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
                for src in c.get("envFrom") or []:
                    if "configMapRef" in src:
                        used.add(src["configMapRef"]["name"])
                for e in c.get("env") or []:
                    ref = (e.get("valueFrom") or {}).get("configMapKeyRef")
                    if ref:
                        used.add(ref["name"])
                    ref = (e.get("valueFrom") or {}).get("secretKeyRef")
                    if ref and ref["name"] in secrets and ref["key"] not in secrets[ref["name"]]:
                        problems.append(f"{name}/{c['name']}: {e['name']} refers to key {ref['key']} that Secret {ref['name']} does not hold")
            apps = [c for c in spec.get("containers") or [] if c["name"] in VERTA_APPS]
            if apps and spec.get("enableServiceLinks") is not False:
                problems.append(f"{name}: enableServiceLinks is not false")
            for c in apps:
                env = container_env(c, configmaps, secrets)
                where = f"{name}/{c['name']}"
                need = VERTA_BACKEND_SECRETS if c["name"] == "backend" else ("ADMIN_API_KEY",)
                for var in need:
                    if var not in env:
                        problems.append(f"{where}: {var} is not set (the app exits, or falls back to its built-in key)")
                    elif env[var][1] != "secret":
                        problems.append(f"{where}: {var} comes from an {env[var][1]} value, not a Secret")
                if c["name"] == "backend" and (env.get("NODE_ENV") or ("", ""))[0] == "test":
                    problems.append(f"{where}: NODE_ENV=test skips the database migrations")
                for var, port in (("ML_SERVICE_URL", 8000), ("BACKEND_URL", 25000)):
                    value = (env.get(var) or (None, ""))[0]
                    if value is None:
                        continue
                    host = value.split("://", 1)[-1].split("/", 1)[0]
                    svc, _, p = host.partition(":")
                    if svc not in services or int(p or 80) not in services[svc]:
                        problems.append(f"{where}: {var}={value} names no Service of the release on that port")
                redis = (env.get("REDIS_HOST") or (None, ""))[0]
                if redis and "." not in redis and redis not in services:
                    problems.append(f"{where}: REDIS_HOST={redis} names no Service of the release")
    for cm in configmaps:
        # the valkey subchart's own ConfigMaps are mounted by its pod; every one must be read by some pod
        if cm not in used:
            problems.append(f"ConfigMap {cm} is read by no pod")


# Checks of one chart's application contract, by chart folder name.
CHART_CHECKS = {
    "aeterna": lambda chart, docs, problems: check_server_env(chart, docs, problems),
    "verta": lambda chart, docs, problems: check_verta(docs, problems),
}


def check_global(values_file, docs, problems):
    with open(values_file, encoding="utf-8") as f:
        g = (yaml.safe_load(f) or {}).get("global") or {}
    reg = (g.get("imageRegistry") or "").rstrip("/")
    secrets = set(g.get("imagePullSecrets") or [])
    for doc in docs:
        if excepted(doc):
            continue
        for name, spec in pod_specs(doc):
            have = {s.get("name") for s in spec.get("imagePullSecrets") or []}
            for s in sorted(secrets - have):
                problems.append(f"{doc['kind']} {name}: no image pull secret {s} (global.imagePullSecrets)")
            for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
                if reg and not (c.get("image") or "").startswith(reg + "/"):
                    problems.append(f"{doc['kind']} {name}/{c['name']}: image {c.get('image')} is not from {reg} (global.imageRegistry)")
        if doc.get("kind") == "Cluster" and reg:
            image = (doc.get("spec") or {}).get("imageName") or ""
            if not image.startswith(reg + "/"):
                problems.append(f"Cluster {doc['metadata']['name']}: imageName {image} is not from {reg} (global.imageRegistry)")


def main(chart, manifest, values=None):
    with open(manifest, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    problems = []
    if values:
        check_global(values, docs, problems)
    for doc in docs:
        if excepted(doc):
            continue
        for name, spec in pod_specs(doc):
            check_restricted(f"{doc['kind']} {name}", spec, problems)
        if doc.get("kind") == "Service" and (doc.get("spec") or {}).get("type", "ClusterIP") != "ClusterIP":
            problems.append(f"Service {doc['metadata']['name']}: type {doc['spec']['type']} is reachable from outside the cluster")
        for _, spec in pod_specs(doc):
            for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
                image = c.get("image") or ""
                if image.endswith(":latest") or ("@" not in image and ":" not in image.rsplit("/", 1)[-1]):
                    problems.append(f"{doc['kind']} {doc['metadata']['name']}/{c['name']}: image {image} is not pinned")
    check = CHART_CHECKS.get(os.path.basename(os.path.normpath(chart)))
    if check:
        check(chart, docs, problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
