#!/bin/sh
# qdrant-restore.sh DIR: uploads every <collection>.snapshot of DIR (a folder fetched by
# fetch-latest.sh qdrant) to Qdrant: POST /collections/{c}/snapshots/upload?priority=snapshot
# (replaces the collection with the snapshot's content). QDRANT_URL, QDRANT_API_KEY optional.
set -eu
dir=${1:?usage: qdrant-restore.sh DIR}
: "${QDRANT_URL:?QDRANT_URL is not set}"
url=${QDRANT_URL%/}
hdr=$(mktemp)
trap 'rm -f "$hdr"' EXIT
[ -z "${QDRANT_API_KEY:-}" ] || printf 'api-key: %s\n' "$QDRANT_API_KEY" > "$hdr"
n=0
for f in "$dir"/*.snapshot; do
  [ -e "$f" ] || { echo "qdrant-restore: error: no .snapshot file in $dir" >&2; exit 1; }
  c=$(basename "$f" .snapshot)
  curl -fsS --retry 3 -H "@$hdr" -X POST -F "snapshot=@$f" \
    "$url/collections/$c/snapshots/upload?priority=snapshot&wait=true" >/dev/null
  n=$((n + 1))
done
echo "qdrant-restore: restored $n collection(s) from $dir" >&2
