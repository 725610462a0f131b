#!/usr/bin/env python3
"""Publishing the charts, proven offline (TAP output) — the steps release.yml runs, against real
servers on 127.0.0.1:
  - every chart (charts/aeterna; charts/verta when present) is staged with its real subcharts,
    packaged and signed (`helm package --sign`, helm provenance, a throw-away GPG key made here);
  - pushed to a real OCI registry (the CNCF distribution registry, pinned, started by the test),
    pulled back with helm 3 and helm 4 with `--verify`, byte-identical, and rendered: the same
    objects as a render of the source;
  - served as a classic Helm repository (`helm repo index`, the GitHub Pages layout) by a local
    HTTP server, added and pulled with helm 3 and helm 4 with `--verify`;
  - a tampered package, or a signature checked against another key, is refused;
  - Artifact Hub metadata: artifacthub-repo.yml and the Chart.yaml annotations (images with pinned
    tags matching what the chart renders, license, links, changes, prerelease).
The registry and the HTTP server are stopped at the end (also on failure)."""
import glob
import os
import re
import shutil
import sys
import tarfile
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cli", "tests"))
import publishing as pub  # noqa: E402
from publishing import (CHARTS, CLUSTER_APIS, HELMS, KEY_NAME, OTHER_PUBRING, PKGS, PUBRING, ROOT, STAGED, WORK,  # noqa: E402
                        chart_meta, check_manifests, helm, objects, render_args)
from tap import case, run  # noqa: E402


# --- cases -------------------------------------------------------------------------------------------
@case
def charts_package_with_their_subcharts_and_a_valid_signature():
    assert "charts/aeterna" in PKGS
    for chart, pkg in PKGS.items():
        with tarfile.open(pkg) as t:
            names = t.getnames()
        name = os.path.basename(chart)
        lock = os.path.join(ROOT, chart, "Chart.lock")
        if os.path.exists(lock):
            for dep in yaml.safe_load(open(lock))["dependencies"]:
                assert any(n.startswith(f"{name}/charts/{dep['name']}/") for n in names), f"{pkg} lacks the subchart {dep['name']}"
        assert f"{name}/values.schema.json" in names or not os.path.exists(os.path.join(ROOT, chart, "values.schema.json"))
        for h in HELMS:
            out = helm(h, "verify", "--keyring", PUBRING, pkg).stdout
            assert f"Signed by: {KEY_NAME}" in out, out


@case
def tampered_package_or_foreign_key_fails_verification():
    pkg = PKGS["charts/aeterna"]
    d = os.path.join(WORK, "tampered")
    os.makedirs(d)
    bad = os.path.join(d, os.path.basename(pkg))
    with open(pkg, "rb") as f:
        data = bytearray(f.read())
    data[len(data) // 2] ^= 0xFF
    with open(bad, "wb") as f:
        f.write(data)
    shutil.copy(pkg + ".prov", bad + ".prov")
    for h in HELMS:
        r = helm(h, "verify", "--keyring", PUBRING, bad, check=False)
        assert r.returncode != 0, f"{h} verified a tampered package"
        r = helm(h, "verify", "--keyring", OTHER_PUBRING, pkg, check=False)
        assert r.returncode != 0, f"{h} verified a package signed by a key not in the keyring"


@case
def push_to_the_oci_registry():
    for chart, pkg in PKGS.items():
        r = helm("helm3", "push", pkg, f"oci://{pub.REGISTRY}/charts", "--plain-http")
        assert "Digest: sha256:" in r.stdout + r.stderr, r.stdout + r.stderr
        name, version = os.path.basename(chart), chart_meta(chart)["version"]
        req = urllib.request.Request(f"http://{pub.REGISTRY}/v2/charts/{name}/manifests/{version}",
                                     headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
        manifest = urllib.request.urlopen(req, timeout=5).read().decode()
        for media in ("application/vnd.cncf.helm.chart.content.v1.tar+gzip", "application/vnd.cncf.helm.chart.provenance.v1.prov"):
            assert media in manifest, f"{name} {version}: the registry's manifest has no {media} layer"


@case
def pull_with_helm3_and_helm4_verified_and_identical():
    for chart, pkg in PKGS.items():
        name, version = os.path.basename(chart), chart_meta(chart)["version"]
        for h in HELMS:
            d = os.path.join(WORK, f"pull-oci-{h}-{name}")
            os.makedirs(d)
            out = helm(h, "pull", f"oci://{pub.REGISTRY}/charts/{name}", "--version", version, "--plain-http", "-d", d,
                       "--verify", "--keyring", PUBRING)
            assert f"Signed by: {KEY_NAME}" in out.stdout + out.stderr, out.stdout + out.stderr
            with open(os.path.join(d, os.path.basename(pkg)), "rb") as a, open(pkg, "rb") as b:
                assert a.read() == b.read(), f"{h}: the pulled {name} differs from the pushed package"


@case
def pulled_charts_render_like_the_source_with_helm3_and_helm4():
    for chart in PKGS:
        name, version = os.path.basename(chart), chart_meta(chart)["version"]
        want = objects(helm("helm3", "template", "r", STAGED[chart], *render_args(chart)).stdout)
        assert len(want) > 3, want
        for h in HELMS:
            got = objects(helm(h, "template", "r", f"oci://{pub.REGISTRY}/charts/{name}", "--version", version, "--plain-http",
                               *render_args(chart)).stdout)
            assert got == want, f"{h}: {name} from the registry renders {len(got)} objects, the source {len(want)}"


@case
def oci_chart_carries_the_artifacthub_annotations():
    for h in HELMS:
        meta = yaml.safe_load(helm(h, "show", "chart", f"oci://{pub.REGISTRY}/charts/aeterna",
                                   "--version", chart_meta("charts/aeterna")["version"], "--plain-http").stdout)
        assert "artifacthub.io/images" in meta.get("annotations", {}), meta.get("annotations")


@case
def helm_repository_index_served_over_http_with_helm3_and_helm4():
    for h in HELMS:
        helm(h, "repo", "add", "aeterna-test", pub.REPO_URL)
        for chart, pkg in PKGS.items():
            name, version = os.path.basename(chart), chart_meta(chart)["version"]
            found = helm(h, "search", "repo", f"aeterna-test/{name}", "--devel", "-o", "yaml").stdout
            assert any(e["version"] == version for e in yaml.safe_load(found)), found
            d = os.path.join(WORK, f"pull-http-{h}-{name}")
            os.makedirs(d)
            helm(h, "pull", f"aeterna-test/{name}", "--version", version, "-d", d, "--verify", "--keyring", PUBRING)
            with open(os.path.join(d, os.path.basename(pkg)), "rb") as a, open(pkg, "rb") as b:
                assert a.read() == b.read()
    with urllib.request.urlopen(f"{pub.REPO_URL}/artifacthub-repo.yml", timeout=5) as r:
        assert yaml.safe_load(r.read()) == yaml.safe_load(open(os.path.join(ROOT, "artifacthub-repo.yml")))


# --- Artifact Hub metadata ---------------------------------------------------------------------------
ARTIFACTHUB_CHARTS = [c for c in CHARTS
                      if c == "charts/aeterna" or any(k.startswith("artifacthub.io/") for k in (chart_meta(c).get("annotations") or {}))]
CHANGE_KINDS = {"added", "changed", "deprecated", "removed", "fixed", "security"}
# Renders of ci/air-gapped-values.yaml point every image at a mirror; the mirror is not an image.
MIRROR = "registry.internal.example.com/"


def annotation(chart, key):
    raw = (chart_meta(chart).get("annotations") or {}).get(key)
    assert raw is not None, f"{chart}/Chart.yaml has no annotation {key}"
    return raw


def rendered_images(chart):
    images = set()

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("image", "imageName") and isinstance(v, str):
                    images.add(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for values in sorted(glob.glob(os.path.join(ROOT, chart, "ci", "*-values.yaml"))):
        args = ["-f", values]
        for api in CLUSTER_APIS:
            args += ["--api-versions", api]
        for doc in yaml.safe_load_all(helm("helm3", "template", "r", STAGED[chart], *args).stdout):
            if doc and not check_manifests.excepted(doc):
                walk(doc)
    return {i for i in images if not i.startswith(MIRROR) and "@sha256:" not in i}


@case
def artifacthub_images_are_pinned_and_match_what_the_chart_renders():
    for chart in ARTIFACTHUB_CHARTS:
        entries = yaml.safe_load(annotation(chart, "artifacthub.io/images"))
        listed = set()
        for e in entries:
            assert set(e) == {"name", "image"}, e
            image = e["image"]
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            assert tag and tag != "latest", f"{chart}: {image} has no pinned tag"
            listed.add(image)
        assert len({e["name"] for e in entries}) == len(entries), f"{chart}: duplicate image names"
        rendered = rendered_images(chart)
        assert listed == rendered, (f"{chart}: artifacthub.io/images and the renders differ: "
                                    f"not listed {sorted(rendered - listed)}, never rendered {sorted(listed - rendered)}")


@case
def artifacthub_license_links_changes_prerelease():
    for chart in ARTIFACTHUB_CHARTS:
        meta = chart_meta(chart)
        assert re.fullmatch(r"[A-Za-z0-9.+-]+", annotation(chart, "artifacthub.io/license")), "not an SPDX identifier"
        links = yaml.safe_load(annotation(chart, "artifacthub.io/links"))
        assert links and all(set(l) == {"name", "url"} and l["url"].startswith("https://") for l in links), links
        changes = yaml.safe_load(annotation(chart, "artifacthub.io/changes"))
        assert changes, f"{chart}: artifacthub.io/changes is empty"
        for c in changes:
            assert set(c) <= {"kind", "description", "links"} and c["kind"] in CHANGE_KINDS and c["description"].strip(), c
        changelog = open(os.path.join(ROOT, chart, "CHANGELOG.md")).read()
        assert re.search(rf"^## {re.escape(meta['version'])}\b", changelog, re.M), f"{chart}: CHANGELOG has no entry for {meta['version']}"
        pre = "-" in str(meta["version"]) or "-" in str(meta.get("appVersion", ""))
        assert annotation(chart, "artifacthub.io/prerelease") == ("true" if pre else "false"), \
            f"{chart}: prerelease must be {str(pre).lower()} (version {meta['version']}, appVersion {meta.get('appVersion')})"
        security = any(c["kind"] == "security" for c in changes)
        assert annotation(chart, "artifacthub.io/containsSecurityUpdates") == ("true" if security else "false")


@case
def artifacthub_repository_metadata():
    meta = yaml.safe_load(open(os.path.join(ROOT, "artifacthub-repo.yml")))
    assert set(meta) <= {"repositoryID", "owners", "ignore"}, sorted(meta)
    if "repositoryID" in meta:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", meta["repositoryID"])
    assert meta.get("owners"), "no owners"
    for o in meta["owners"]:
        assert set(o) == {"name", "email"} and re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", o["email"]), o
    names = {os.path.basename(c) for c in CHARTS}
    for i in meta.get("ignore", []):
        assert i["name"] in names, f"ignore names {i['name']}, which is not a chart here"
        re.compile(i.get("version", ".*"))


if __name__ == "__main__":
    try:
        pub.setup()
    except AssertionError as e:
        print("not ok 1 - publishing set-up (key, registry, packages)")
        for line in str(e).splitlines()[-12:]:
            print(f"#   {line}")
        sys.exit(1)
    sys.exit(run())
