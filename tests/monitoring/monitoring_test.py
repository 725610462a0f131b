#!/usr/bin/env python3
"""Alerts and dashboard of charts/aeterna, checked with the pinned promtool (TAP output).

The rules under test are the ones the chart renders (never a copy): the chart is rendered with
every monitored component on (RENDER_ARGS), the PrometheusRule's groups are written to a rule
file, `promtool check rules` checks it, and `promtool test rules` runs tests/monitoring/alerts.test.yaml
against it (synthetic series: each alert fires when it must and stays silent when it must not).
The Grafana dashboard is checked the same way: valid JSON, each query parsed by promtool's PromQL
parser (as recording rules), and every metric name it or the alerts use listed in
charts/aeterna/files/monitoring/metrics.txt.
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "cli", "tests"))
from tap import case, run  # noqa: E402

CHART_SRC = os.path.join(ROOT, "charts", "aeterna")
CHART = os.environ.get("AETERNA_STAGED_CHART") or os.path.join(ROOT, "build", "staged", "aeterna")
HELM = os.path.join(ROOT, ".tools", "bin", "helm3")
PROMTOOL = os.path.join(ROOT, ".tools", "bin", "promtool")
TESTS = os.path.join(ROOT, "tests", "monitoring", "alerts.test.yaml")
METRICS = os.path.join(CHART_SRC, "files", "monitoring", "metrics.txt")
DASHBOARD = os.path.join(CHART_SRC, "files", "monitoring", "aeterna-dashboard.json")
ALERTS_DOC = os.path.join(ROOT, "docs", "alerts.md")
APIS = []
for a in ("postgresql.cnpg.io/v1", "monitoring.coreos.com/v1"):
    APIS += ["--api-versions", a]
# Every monitored component on: bundled PostgreSQL with its PodMonitor, Dragonfly, Qdrant, OPAL.
RENDER_ARGS = ["-f", os.path.join(CHART_SRC, "ci", "local-values.yaml"),
               "--set", "monitoring.prometheusRule.enabled=true", "--set", "monitoring.dashboards.enabled=true",
               "--set", "monitoring.componentMonitors.enabled=true", "--set", "metrics.serviceMonitor.enabled=true",
               "--set", "postgresql.bundled.monitoring.podMonitor=true", "--set", "opal.enabled=true",
               "--set-file", f"auth.cedar.policyText={ROOT}/examples/cedar/policy.cedar",
               "--set-file", f"auth.cedar.schemaText={ROOT}/examples/cedar/schema.cedarschema"]


def sh(args, check=True):
    p = subprocess.run(args, capture_output=True, text=True)
    if check:
        assert p.returncode == 0, f"{' '.join(args[:4])}… exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return p


def render(*extra, apis=APIS):
    out = sh([HELM, "template", "ci-release", CHART, "-n", "ci", *apis, *RENDER_ARGS, *extra]).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def rule_objects(docs):
    return [d for d in docs if d["kind"] == "PrometheusRule"]


def chart_groups(docs):
    """Groups of the chart's own PrometheusRule (templates/monitoring/)."""
    objs = [d for d in rule_objects(docs) if d["metadata"]["labels"].get("app.kubernetes.io/component") == "monitoring"]
    assert len(objs) == 1, f"expected one PrometheusRule of templates/monitoring, got {len(objs)}"
    return objs[0]["spec"]["groups"]


def all_groups(docs):
    return [g for d in rule_objects(docs) for g in d["spec"]["groups"]]


def alerts(groups):
    return [r for g in groups for r in g["rules"] if "alert" in r]


DOCS = render()
GROUPS = all_groups(DOCS)
OWN = chart_groups(DOCS)
WORK = tempfile.mkdtemp(prefix="aeterna-monitoring-")


def write(name, obj):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        yaml.safe_dump(obj, f, sort_keys=False)
    return path


def promtool_test(groups):
    """Runs alerts.test.yaml against GROUPS with annotations removed; returns the process."""
    stripped = copy.deepcopy(groups)
    for g in stripped:
        for r in g["rules"]:
            r.pop("annotations", None)
    d = tempfile.mkdtemp(dir=WORK)
    with open(os.path.join(d, "rules.yaml"), "w") as f:
        yaml.safe_dump({"groups": stripped}, f, sort_keys=False)
    with open(TESTS) as src, open(os.path.join(d, "alerts.test.yaml"), "w") as dst:
        dst.write(src.read())
    return sh([PROMTOOL, "test", "rules", os.path.join(d, "alerts.test.yaml")], check=False)


# --- metric names ------------------------------------------------------------------------
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
            "inf", "nan", "atan2"}


def metric_names(expr):
    """Metric names of a PromQL expression: identifiers that are not functions, keywords or labels."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)               # string literals
    e = re.sub(r"\{[^}]*\}", "", e)                               # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                              # ranges
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)  # label lists
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        word = m.group(0)
        rest = e[m.end():].lstrip()
        if rest.startswith("(") or word.lower() in KEYWORDS:
            continue
        if re.fullmatch(r"[0-9.]+(e[0-9]+)?", word):
            continue
        names.add(word)
    return names


def listed_metrics():
    names = {}
    for line in open(METRICS):
        line = line.split("#", 1)[0].strip()
        if line:
            parts = line.split()
            assert parts[2] in ("contract", "assumed", "upstream"), f"metrics.txt: unknown status in {line!r}"
            names[parts[0]] = parts[2]
    return names


def dashboard_queries(dash):
    """(where, expr) of every panel target and every query variable (label_values' series selector)."""
    out = []

    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels") or [])

    for p in panels(dash["panels"]):
        for t in p.get("targets") or []:
            out.append((f"panel {p['id']} {p['title']!r} {t['refId']}", t["expr"]))
    for v in dash["templating"]["list"]:
        if v["type"] == "query":
            m = re.fullmatch(r"label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)", v["query"])
            assert m, f"variable {v['name']}: not a label_values(selector, label) query: {v['query']}"
            out.append((f"variable {v['name']}", m.group(1)))
    return out


# --- cases -------------------------------------------------------------------------------
@case
def promtool_is_the_pinned_version():
    env = dict(l.split("=", 1) for l in open(os.path.join(ROOT, "tools", "versions.env")).read().splitlines()
               if l and not l.startswith("#") and "=" in l)
    want = env["PROMTOOL_VERSION"].strip('"')
    p = sh([PROMTOOL, "--version"])
    assert f"version {want}" in p.stdout + p.stderr, f"promtool --version does not report {want}:\n{p.stdout}{p.stderr}"


@case
def rendered_rules_pass_promtool_check_rules():
    p = sh([PROMTOOL, "check", "rules", write("rules-full.yaml", {"groups": GROUPS})], check=False)
    assert p.returncode == 0, p.stdout + p.stderr


@case
def every_alert_has_severity_summary_description_and_a_runbook_section():
    doc = open(ALERTS_DOC).read()
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-")
               for h in re.findall(r"^#{2,3} (.+)$", doc, re.M)}
    bad = []
    for r in alerts(OWN):
        a = r.get("annotations") or {}
        if r["labels"].get("severity") not in ("critical", "warning", "info"):
            bad.append(f"{r['alert']}: severity {r['labels'].get('severity')!r}")
        for k in ("summary", "description", "runbook_url"):
            if not a.get(k):
                bad.append(f"{r['alert']}: no {k}")
        url = a.get("runbook_url", "")
        if not url.startswith("docs/alerts.md#") or url.split("#", 1)[1] not in anchors:
            bad.append(f"{r['alert']}: runbook_url {url!r} is not a section of docs/alerts.md")
    assert not bad, "\n".join(bad)


@case
def runbook_base_url_is_used():
    docs = render("--set", "monitoring.prometheusRule.runbookBaseUrl=https://runbooks.example.com/aeterna")
    urls = {r["annotations"]["runbook_url"] for r in alerts(chart_groups(docs))}
    assert urls and all(u.startswith("https://runbooks.example.com/aeterna/alerts.md#") for u in urls), urls


@case
def promtool_test_rules_every_alert_fires_and_stays_silent():
    p = promtool_test(GROUPS)
    assert p.returncode == 0, p.stdout + p.stderr


@case
def every_alert_has_a_firing_and_a_silent_test():
    tests = yaml.safe_load(open(TESTS))["tests"]
    fires, silent = set(), set()
    for t in tests:
        for a in t.get("alert_rule_test") or []:
            (fires if a.get("exp_alerts") else silent).add(a["alertname"])
    names = {r["alert"] for r in alerts(OWN)}
    missing = [f"{n}: no firing case" for n in sorted(names - fires)] + [f"{n}: no silent case" for n in sorted(names - silent)]
    unknown = sorted((fires | silent) - names)
    assert not missing and not unknown, "\n".join(missing + [f"tested but not rendered: {u}" for u in unknown])


@case
def control_a_broken_rule_fails_the_promtool_test():
    broken = copy.deepcopy(GROUPS)
    for g in broken:
        for r in g["rules"]:
            if r.get("alert") == "AeternaHighErrorRate":
                r["expr"] = r["expr"].replace("> 0.05", "> 0.5")
            if r.get("alert") == "AeternaCacheDown":
                r["expr"] = r["expr"].replace('condition="true"', 'condition="false"')
    p = promtool_test(broken)
    out = p.stdout + p.stderr
    assert p.returncode != 0 and "AeternaHighErrorRate" in out and "AeternaCacheDown" in out, out[-2000:]


@case
def alerts_follow_the_components_rendered():
    def names(*extra):
        return {r["alert"] for r in alerts(chart_groups(render(*extra)))}
    full = names()
    assert {"AeternaCacheDown", "AeternaVectorStoreDown", "AeternaOPALDisconnected", "AeternaHighErrorRate",
            "AeternaPostgresReplicationLag"} <= full, full
    no_sm = names("--set", "metrics.serviceMonitor.enabled=false")
    assert not ({"AeternaHighErrorRate", "AeternaHighLatency", "AeternaMetricsTargetDown"} & no_sm), no_sm
    ext = names("--set", "dragonfly.enabled=false", "--set", "cache.external.host=redis.example.com",
                "--set", "opal.enabled=false", "--set", "postgresql.bundled.monitoring.podMonitor=false")
    assert "AeternaCacheDown" not in ext and "AeternaOPALDisconnected" not in ext, ext
    assert "AeternaPostgresDown" not in ext and "AeternaPostgresStorageAlmostFull" in ext, ext
    valkey = alerts(chart_groups(render("--set", "dragonfly.enabled=false", "--set", "valkey.enabled=true")))
    expr = next(r["expr"] for r in valkey if r["alert"] == "AeternaCacheDown")
    assert 'pod=~"ci-release-valkey-.+"' in expr, expr


@case
def monitoring_without_the_prometheus_operator_is_refused():
    for key in ("prometheusRule", "componentMonitors"):
        p = sh([HELM, "template", "ci-release", CHART, "-n", "ci", "--api-versions", "postgresql.cnpg.io/v1",
                "-f", os.path.join(CHART_SRC, "ci", "local-values.yaml"), "--set", f"monitoring.{key}.enabled=true"],
               check=False)
        want = f"monitoring.{key}.enabled needs the Prometheus Operator"
        assert p.returncode != 0 and want in p.stderr, p.stderr[-1500:]


@case
def component_service_monitors_select_the_bundled_services():
    sms = {d["metadata"]["name"]: d for d in DOCS if d["kind"] == "ServiceMonitor"}
    services = {d["metadata"]["name"]: d for d in DOCS if d["kind"] == "Service"}
    for name in ("ci-release-dragonfly", "ci-release-qdrant"):
        assert name in sms, sorted(sms)
        sel = sms[name]["spec"]["selector"]
        port = sms[name]["spec"]["endpoints"][0]["port"]
        hits = [s for s, d in services.items()
                if all(d["metadata"].get("labels", {}).get(k) == v for k, v in sel["matchLabels"].items())
                and all(e["key"] not in d["metadata"].get("labels", {}) for e in sel.get("matchExpressions", []))]
        assert len(hits) == 1, f"{name}: selects {hits}"
        assert port in [p.get("name") for p in services[hits[0]]["spec"]["ports"]], f"{name}: no port {port}"


@case
def network_policies_let_prometheus_scrape_the_monitored_components():
    docs = render("--set", "networkPolicy.enabled=true")
    nps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "NetworkPolicy"}
    prom_ns = {"kubernetes.io/metadata.name": "monitoring"}
    for name, port in (("ci-release-aeterna-cache", 6379), ("ci-release-aeterna-vector", 6333)):
        rules = [r for r in nps[name]["spec"]["ingress"]
                 if any(p.get("namespaceSelector", {}).get("matchLabels") == prom_ns for p in r.get("from", []))]
        assert [p["port"] for r in rules for p in r["ports"]] == [port], f"{name}: {rules}"
    off = render("--set", "networkPolicy.enabled=true", "--set", "monitoring.componentMonitors.enabled=false")
    for d in off:
        if d["kind"] == "NetworkPolicy" and d["metadata"]["name"] in ("ci-release-aeterna-cache", "ci-release-aeterna-vector"):
            assert "monitoring" not in json.dumps(d["spec"]["ingress"]), d["metadata"]["name"]


@case
def dashboard_configmap_has_the_sidecar_label_and_the_file():
    cms = [d for d in DOCS if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "ci-release-aeterna-dashboard"]
    assert len(cms) == 1, "no dashboard ConfigMap"
    assert cms[0]["metadata"]["labels"].get("grafana_dashboard") == "1", cms[0]["metadata"]["labels"]
    assert json.loads(cms[0]["data"]["aeterna.json"]) == json.load(open(DASHBOARD))


@case
def dashboard_is_valid_json_with_unique_panel_ids():
    dash = json.load(open(DASHBOARD))
    ids = []

    def walk(ps):
        for p in ps:
            ids.append(p["id"])
            walk(p.get("panels") or [])
    walk(dash["panels"])
    assert len(ids) == len(set(ids)) and dash.get("uid") and dash.get("title"), ids


@case
def every_dashboard_query_parses_with_promtool():
    qs = dashboard_queries(json.load(open(DASHBOARD)))
    assert len(qs) > 10, qs
    rules = [{"record": f"dashboard:query_{i}", "expr": e} for i, (_, e) in enumerate(qs)]
    p = sh([PROMTOOL, "check", "rules", write("dashboard-rules.yaml", {"groups": [{"name": "dashboard", "rules": rules}]})],
           check=False)
    detail = "\n".join(f"query_{i}: {w}" for i, (w, _) in enumerate(qs))
    assert p.returncode == 0, p.stdout + p.stderr + detail


@case
def control_an_unparsable_query_is_reported():
    p = sh([PROMTOOL, "check", "rules", write("bad.yaml", {"groups": [{"name": "x", "rules": [
        {"record": "x:y", "expr": 'sum(rate(http_requests_total{namespace="$namespace"}[5m])'}]}]})], check=False)
    assert p.returncode != 0, p.stdout


@case
def every_metric_used_is_in_the_checked_list():
    listed = listed_metrics()
    used = {}
    for w, e in dashboard_queries(json.load(open(DASHBOARD))):
        for m in metric_names(e):
            used.setdefault(m, w)
    for r in [r for g in GROUPS for r in g["rules"]]:
        for m in metric_names(r["expr"]):
            used.setdefault(m, f"alert {r.get('alert')}")
    unknown = [f"{m} (in {w})" for m, w in sorted(used.items()) if m not in listed]
    unused = sorted(set(listed) - set(used))
    assert not unknown and not unused, "not in metrics.txt: " + ", ".join(unknown) + "\nlisted but unused: " + ", ".join(unused)


@case
def control_the_metric_extraction_finds_names():
    got = metric_names('histogram_quantile(0.95, sum by (le) (rate(foo_bucket{a="b", le=~"x"}[5m]))) / on (pod) bar > 3')
    assert got == {"foo_bucket", "bar"}, got


def contract_path():
    """../shared/contracts/aeterna-server.md above the clone (as scripts/stage-chart.sh finds shared/)."""
    d = ROOT
    while d != os.path.dirname(d):
        p = os.path.join(d, "shared", "contracts", "aeterna-server.md")
        if os.path.exists(p):
            return p
        d = os.path.dirname(d)
    p = "/work/shared/contracts/aeterna-server.md"
    return p if os.path.exists(p) else None


@case
def server_metrics_are_only_those_the_contract_names():
    path = contract_path()
    assert path, "shared/contracts/aeterna-server.md not found above the clone"
    contract = open(path).read()
    server = [l.split() for l in open(METRICS) if l.strip() and not l.startswith("#") and l.split()[1] == "aeterna-server"]
    assert server, "no server metric listed"
    for name, _, status, *_ in server:
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert status in ("contract", "assumed"), f"{name}: status {status}"
        assert base in contract, f"{base} is not named in the server contract"


if __name__ == "__main__":
    sys.exit(run())
