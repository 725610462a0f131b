#!/bin/sh
# Snapshots every Qdrant collection through Qdrant's snapshot API into BACKUP_WORKDIR/<stamp>/:
#   GET /collections; per collection POST /collections/{c}/snapshots?wait=true,
#   GET /collections/{c}/snapshots/{name} (download), DELETE it on the server afterwards.
# QDRANT_URL (http://host:6333), QDRANT_API_KEY optional (sent as the api-key header from a file).
# Runs in the curl image; the upload container then ships the folder. Writes BACKUP_WORKDIR/.stamp.
set -eu
: "${QDRANT_URL:?QDRANT_URL is not set}" "${BACKUP_WORKDIR:?BACKUP_WORKDIR is not set}"
url=${QDRANT_URL%/}
stamp=${BACKUP_STAMP:-$(date -u +%Y%m%d-%H%M%S)}
out="$BACKUP_WORKDIR/$stamp"
mkdir -p "$out"
hdr="$BACKUP_WORKDIR/.qdrant-headers"
(umask 077; : > "$hdr"; [ -z "${QDRANT_API_KEY:-}" ] || printf 'api-key: %s\n' "$QDRANT_API_KEY" > "$hdr")
api() { curl -fsS --retry 3 --max-time "${QDRANT_TIMEOUT:-600}" -H "@$hdr" "$@"; }
names() { grep -o '"name" *: *"[^"]*"' | sed 's/.*: *"\(.*\)"/\1/'; }
listing=$(api "$url/collections")
collections=$(printf '%s' "$listing" | names)
n=0
for c in $collections; do
  created=$(api -X POST "$url/collections/$c/snapshots?wait=true")
  snap=$(printf '%s' "$created" | names | head -n 1)
  [ -n "$snap" ] || { echo "qdrant-snapshot: error: no snapshot name for collection $c" >&2; exit 1; }
  api -o "$out/$c.snapshot" "$url/collections/$c/snapshots/$snap"
  want=$(printf '%s' "$created" | grep -o '"checksum" *: *"[0-9a-f]*"' | sed 's/.*"\([0-9a-f]*\)"$/\1/' || :)
  (cd "$out" && sha256sum "$c.snapshot" > "$c.snapshot.sha256")
  if [ -n "$want" ] && [ "$(cut -d' ' -f1 "$out/$c.snapshot.sha256")" != "$want" ]; then
    echo "qdrant-snapshot: error: snapshot of $c does not match the checksum Qdrant reported" >&2; exit 1
  fi
  api -X DELETE "$url/collections/$c/snapshots/$snap" >/dev/null
  n=$((n + 1))
done
printf '%s\n' "$collections" > "$out/collections.txt"
printf '%s\n' "$stamp" > "$BACKUP_WORKDIR/.stamp"
rm -f "$hdr"
printf '{"aeterna_backup":"qdrant","status":"snapshotted","stamp":"%s","collections":"%s"}\n' "$stamp" "$n"
