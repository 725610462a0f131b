#!/usr/bin/env python3
"""Checks on a rendered manifest that schemas cannot express.

Usage: check-manifests.py CHART MANIFEST

- Pod Security Standards "restricted" for every pod (and pod template): non-root, no privilege
  escalation, capabilities drop ALL, seccomp RuntimeDefault, read-only root filesystem.
- For charts/aeterna: the server container gets only environment variables the server reads
  (the contract in charts/aeterna/server-env.txt), from env and from its ConfigMap, and no
  Service links (which would add AETERNA_*-looking variables).
Prints one line per problem and exits 1 when there is any.
"""
import os
import sys

import yaml

POD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}


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


def check_server_env(chart, docs, problems):
    contract_file = os.path.join(chart, "server-env.txt")
    if not os.path.exists(contract_file):
        return
    with open(contract_file, encoding="utf-8") as f:
        allowed = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    configmaps = {d["metadata"]["name"]: d.get("data") or {} for d in docs if d.get("kind") == "ConfigMap"}
    for doc in docs:
        for name, spec in pod_specs(doc):
            servers = [c for c in spec.get("containers") or [] if c["name"] in ("server", "migrate")]
            if servers and spec.get("enableServiceLinks") is not False:
                problems.append(f"{name}: enableServiceLinks is not false (Service env vars would reach the server)")
            for c in spec.get("containers") or []:
                if c["name"] not in ("server", "migrate"):
                    continue
                names = [e["name"] for e in c.get("env") or []]
                for src in c.get("envFrom") or []:
                    ref = (src.get("configMapRef") or {}).get("name")
                    if ref in configmaps:
                        names += list(configmaps[ref])
                for n in names:
                    if n not in allowed:
                        problems.append(f"{name}/{c['name']}: sets {n}, which the server does not read")


def main(chart, manifest):
    with open(manifest, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    problems = []
    for doc in docs:
        for name, spec in pod_specs(doc):
            check_restricted(f"{doc['kind']} {name}", spec, problems)
    check_server_env(chart, docs, problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
