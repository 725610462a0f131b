#!/usr/bin/env bash
# Stage a chart for offline rendering: copy CHART_DIR to DEST and put the stand-in subcharts
# (test doubles, tests/standin-charts/) under DEST/charts/ for every dependency in Chart.yaml.
# The real subcharts come from `helm dependency build`, which needs the network.
# usage: scripts/stage-chart.sh CHART_DIR DEST
set -euo pipefail
src=$1 dest=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$src/." "$dest/"
rm -rf "$dest/charts"
mkdir -p "$dest/charts"
python3 - "$src/Chart.yaml" "$root/tests/standin-charts" "$dest/charts" <<'PY'
import re, shutil, sys
from pathlib import Path
chart, standins, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
text = chart.read_text()
deps = re.findall(r"^  - name: (\S+)\n    version: (\S+)", text, re.M)
for name, version in deps:
    d = standins / name
    meta = (d / "Chart.yaml").read_text() if d.is_dir() else ""
    if f"\nversion: {version}\n" not in meta:
        sys.exit(f"stage-chart: no stand-in for {name} {version} in {standins}")
    shutil.copytree(d, out / name)
PY
