#!/usr/bin/env bash
# Stage a chart for rendering with its REAL subcharts: copy CHART_DIR to DEST and unpack, under
# DEST/charts/, the archive of every dependency Chart.lock pins, at exactly that version.
# The archives come from the first of:
#   1. $AETERNA_SUBCHARTS (a folder of packaged charts, e.g. an offline mirror);
#   2. shared/subcharts beside this checkout or a folder above it, or /work/shared/subcharts (the
#      offline build machines' copy);
#   3. CHART_DIR/charts/, filled by `helm dependency build` (scripts/chart-deps.sh; needs network).
# A missing or mismatched archive fails with one sentence saying what is missing and how to get it.
# usage: scripts/stage-chart.sh CHART_DIR DEST
set -euo pipefail
src=$1 dest=$2
root=$(cd "$(dirname "$0")/.." && pwd)
sources=()
[ -n "${AETERNA_SUBCHARTS:-}" ] && sources+=("$AETERNA_SUBCHARTS")
# shared/subcharts beside this checkout or beside any folder above it (a clone may sit deeper),
# then the build machines' usual place
dir=$root
while [ "$dir" != / ]; do
  dir=$(dirname "$dir")
  [ -d "$dir/shared/subcharts" ] && { sources+=("$dir/shared/subcharts"); break; }
done
[ -d /work/shared/subcharts ] && sources+=(/work/shared/subcharts)
sources+=("$(cd "$src" && pwd)/charts")
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$src/." "$dest/"
rm -rf "$dest/charts"
[ -f "$src/Chart.lock" ] || exit 0
mkdir -p "$dest/charts"
# name version pairs from Chart.lock (helm writes it; one "- name:" block per dependency)
mapfile -t deps < <(awk '/^dependencies:/{d=1;next} /^[a-z]/{d=0} d&&/^- name:/{n=$3} d&&/^  version:/{print n" "$2}' "$src/Chart.lock")
for dep in "${deps[@]}"; do
  name=${dep% *} version=${dep#* }
  found=""
  for dir in "${sources[@]}"; do
    for f in "$dir/$name-$version.tgz" "$dir/$name-v${version#v}.tgz"; do
      [ -f "$f" ] && { found=$f; break 2; }
    done
  done
  if [ -z "$found" ]; then
    echo "stage-chart: subchart $name $version (Chart.lock) not found in ${sources[*]}: run scripts/chart-deps.sh (needs network) or set AETERNA_SUBCHARTS to a folder holding $name-$version.tgz" >&2
    exit 1
  fi
  meta=$(tar -xzOf "$found" "$name/Chart.yaml" 2>/dev/null) ||
    { echo "stage-chart: $found is not a packaged chart named $name" >&2; exit 1; }
  got=$(sed -n 's/^version: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' <<<"$meta")
  if [ "${got#v}" != "${version#v}" ]; then
    echo "stage-chart: $found holds $name $got, but Chart.lock pins $version: replace it with $name $version (scripts/chart-deps.sh)" >&2
    exit 1
  fi
  tar -xzf "$found" -C "$dest/charts"
done
