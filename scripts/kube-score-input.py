#!/usr/bin/env python3
"""Prepares a rendered manifest for kube-score as the API server would store it.

Usage: kube-score-input.py NAMESPACE < rendered.yaml > for-kube-score.yaml

- every namespaced object gets metadata.namespace (helm installs into the release namespace; the
  valkey, qdrant and weaviate charts leave it out, and kube-score compares it literally when it
  matches NetworkPolicies to pods);
- objects a subchart renders that cannot pass one kube-score check through any value get that
  check ignored by name (KUBE_SCORE_EXCEPTIONS; each is said in the chart README);
- the subchart test pods listed in check-manifests.RESTRICTED_EXCEPTIONS are dropped (they are
  kept out of `helm test`, see the chart's NOTES).
"""
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from importlib import import_module  # noqa: E402

excepted = import_module("check-manifests").excepted
# (kind, name suffix) -> kube-score check to ignore on that object only, and why.
KUBE_SCORE_EXCEPTIONS = {
    ("Deployment", "-dragonfly"): ("deployment-replicas",
                                   "Dragonfly instances do not replicate each other: the bundled cache runs one pod"),
    # the valkey chart (charts/verta's queue store) in its one-primary mode: `replicas: 1` and no readinessProbe are
    # fixed in its template; `Recreate` because the ReadWriteOnce volume cannot be mounted by a second pod
    ("Deployment", "-valkey"): ("pod-probes,deployment-replicas,deployment-strategy",
                                "Valkey one-primary mode: one pod, no readiness probe value, Recreate for its volume"),
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "IngressClass",
                  "PriorityClass", "StorageClass", "PersistentVolume"}


def main(ns):
    docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
    out = []
    for d in docs:
        if excepted(d):
            continue
        meta = d.setdefault("metadata", {})
        if d.get("kind") not in CLUSTER_SCOPED:
            meta.setdefault("namespace", ns)
        for (kind, suffix), (check, _why) in KUBE_SCORE_EXCEPTIONS.items():
            if d.get("kind") == kind and meta.get("name", "").endswith(suffix):
                meta.setdefault("annotations", {})["kube-score/ignore"] = check
        out.append(d)
    yaml.safe_dump_all(out, sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1])
