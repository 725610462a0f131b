#!/usr/bin/env bash
# make run: render the chart's local scenario to a file and summarise what was rendered.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-out}
cd "$ROOT"
mkdir -p "$OUT"
manifest="$OUT/aeterna-local.yaml"
values=charts/aeterna/ci/local-values.yaml
tmp=$(mktemp "$OUT/.render.XXXXXX")
trap 'rm -f "$tmp"' EXIT
if ! .tools/bin/helm3 template aeterna charts/aeterna -n aeterna -f "$values" --kube-version 1.35.0 >"$tmp"; then
  echo "run: rendering charts/aeterna with $values failed (message above)" >&2
  exit 1
fi
mv "$tmp" "$manifest"
trap - EXIT
echo "Rendered charts/aeterna (values: $values) to $manifest:"
.tools/venv/bin/python scripts/manifest-summary.py "$manifest"
echo
echo "Install it with:  helm install aeterna charts/aeterna -n aeterna --create-namespace -f $values"
