#!/usr/bin/env bash
# make run: the main job on the local default.
#   1. build the aeterna CLI;
#   2. aeterna setup --non-interactive --mode local --target kubernetes into a scratch folder;
#   3. render charts/aeterna with the generated values.yaml and summarise what was rendered;
#   4. render charts/verta's defaults (with the minimum it needs) and summarise them.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-out}
cd "$ROOT"
cmake -S . -B build -G Ninja -DAETERNA_WERROR=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build >/dev/null
rm -rf "$OUT/setup"
mkdir -p "$OUT/setup"
echo "== aeterna setup --non-interactive --mode local --target kubernetes -o $OUT/setup"
build/aeterna setup --non-interactive --mode local --target kubernetes -o "$OUT/setup"
manifest="$OUT/aeterna-local.yaml"
tmp=$(mktemp "$OUT/.render.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# The real subcharts at the versions Chart.lock pins, staged with the chart (stage-chart.sh takes
# them from $AETERNA_SUBCHARTS, ../shared/subcharts or `helm dependency build`'s charts/aeterna/charts/).
chart=build/staged/aeterna
scripts/stage-chart.sh charts/aeterna "$chart"
subcharts="the real subcharts pinned in charts/aeterna/Chart.lock"
# The default bundles PostgreSQL as a CloudNativePG Cluster: render as for a cluster running the operator.
if ! .tools/bin/helm3 template aeterna "$chart" -n aeterna -f "$OUT/setup/values.yaml" --kube-version 1.35.0 \
     --api-versions postgresql.cnpg.io/v1 >"$tmp"; then
  echo "run: rendering charts/aeterna with $OUT/setup/values.yaml failed (message above)" >&2
  exit 1
fi
mv "$tmp" "$manifest"
trap - EXIT
echo
echo "== Rendered charts/aeterna (values: $OUT/setup/values.yaml; $subcharts) to $manifest:"
.tools/venv/bin/python scripts/manifest-summary.py "$manifest"

# 4. charts/verta: its defaults with the documented minimum (an external TiDB URL and a bot token
#    have no default: ci/minimal-values.yaml gives placeholders), the valkey subchart staged as pinned.
verta_manifest="$OUT/verta-default.yaml"
verta_chart=build/staged/verta
scripts/stage-chart.sh charts/verta "$verta_chart"
tmp=$(mktemp "$OUT/.render.XXXXXX")
trap 'rm -f "$tmp"' EXIT
if ! .tools/bin/helm3 template verta "$verta_chart" -n verta -f charts/verta/ci/minimal-values.yaml \
     --kube-version 1.35.0 >"$tmp"; then
  echo "run: rendering charts/verta with charts/verta/ci/minimal-values.yaml failed (message above)" >&2
  exit 1
fi
mv "$tmp" "$verta_manifest"
trap - EXIT
echo
echo "== Rendered charts/verta (default values + charts/verta/ci/minimal-values.yaml; valkey subchart pinned in charts/verta/Chart.lock) to $verta_manifest:"
.tools/venv/bin/python scripts/manifest-summary.py "$verta_manifest"
