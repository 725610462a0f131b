#!/usr/bin/env python3
"""The facts the CLI states once (cli/src/model/facts.h: ports, the server image, the bundled service
URLs) agree with the chart that deploys them (charts/aeterna: values.yaml, Chart.yaml and the
helpers that build the bundled services' URLs). Prints TAP lines. Run by `make test`."""
import os
import re
import sys

import yaml

from tap import case, run

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHART = os.path.join(ROOT, "charts", "aeterna")


def facts():
    text = open(os.path.join(ROOT, "cli", "src", "model", "facts.h"), encoding="utf-8").read()
    out = {}
    for name, value in re.findall(r"^#define (\w+) (.+?)(?:\s*/\*.*)?$", text, re.M):
        out[name] = value.strip()
    return out


F = facts()
VALUES = yaml.safe_load(open(os.path.join(CHART, "values.yaml"), encoding="utf-8"))
CHART_YAML = yaml.safe_load(open(os.path.join(CHART, "Chart.yaml"), encoding="utf-8"))


def port(name):
    return int(F[name])


@case
def server_ports_match_the_chart_service():
    assert VALUES["service"]["port"] == port("PORT_SERVER"), (VALUES["service"], F["PORT_SERVER"])
    assert VALUES["service"]["metricsPort"] == port("PORT_METRICS")


@case
def postgres_and_cache_default_ports_match_the_chart():
    assert VALUES["postgresql"]["external"]["port"] == port("PORT_POSTGRES")
    assert VALUES["cache"]["external"]["port"] == port("PORT_CACHE")


@case
def bundled_qdrant_ports_match_the_chart_helpers():
    tpl = open(os.path.join(CHART, "templates", "_backing.tpl"), encoding="utf-8").read()
    url = re.search(r'define "aeterna.vector.url".*?svc:(\d+)', tpl, re.S)
    http = re.search(r'define "aeterna.vector.qdrantHttpUrl".*?svc:(\d+)', tpl, re.S)
    assert url and int(url.group(1)) == port("PORT_QDRANT_GRPC"), url
    assert http and int(http.group(1)) == port("PORT_QDRANT_HTTP"), http
    assert F["BUNDLED_QDRANT_URL"].endswith("PORT_QDRANT_GRPC_S"), F["BUNDLED_QDRANT_URL"]


@case
def server_image_is_the_charts_default():
    image = VALUES["image"]
    assert F["AETERNA_IMAGE"] == '"%s/%s:v" AETERNA_SERVER_VERSION' % (image["registry"], image["repository"]), F["AETERNA_IMAGE"]
    assert image["tag"] == "", "the chart's tag follows appVersion, as AETERNA_SERVER_VERSION does"
    assert CHART_YAML["appVersion"], CHART_YAML


@case
def mode_rule_is_stated_once_in_the_chart():
    hits = []
    for root, _, files in os.walk(os.path.join(CHART, "templates")):
        for f in files:
            text = open(os.path.join(root, f), encoding="utf-8").read()
            hits += [f for _ in re.finditer(r'ne \S*deploymentMode "remote"', text)]
    assert hits == ["_helpers.tpl"], hits


if __name__ == "__main__":
    sys.exit(run())
