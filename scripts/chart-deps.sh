#!/usr/bin/env bash
# Fetch the pinned subcharts of charts/aeterna (needs network access): adds the chart
# repositories Chart.yaml names and runs `helm dependency build`, which checks Chart.lock.
# usage: scripts/chart-deps.sh [HELM]   (default: helm on PATH)
set -euo pipefail
helm=${1:-helm}
chart=$(cd "$(dirname "$0")/../charts/aeterna" && pwd)
"$helm" repo add valkey https://valkey.io/valkey-helm/ --force-update >/dev/null
"$helm" repo add qdrant https://qdrant.github.io/qdrant-helm --force-update >/dev/null
"$helm" repo add weaviate https://weaviate.github.io/weaviate-helm --force-update >/dev/null
"$helm" dependency build "$chart"
