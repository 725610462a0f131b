#!/bin/sh
# Dumps the PostgreSQL database (libpq PG* variables) into BACKUP_WORKDIR/<stamp>/<db>.dump,
# custom format (compressed, restorable table by table), plus a SHA-256 file. Runs in the
# PostgreSQL image; the upload container then ships the folder. Writes BACKUP_WORKDIR/.stamp.
set -eu
: "${BACKUP_WORKDIR:?BACKUP_WORKDIR is not set}"
: "${PGDATABASE:?PGDATABASE is not set}"
stamp=${BACKUP_STAMP:-$(date -u +%Y%m%d-%H%M%S)}
out="$BACKUP_WORKDIR/$stamp"
mkdir -p "$out"
start=$(date +%s)
pg_dump --format=custom --compress="${BACKUP_PG_COMPRESS:-6}" --no-password --file="$out/$PGDATABASE.dump.part"
mv "$out/$PGDATABASE.dump.part" "$out/$PGDATABASE.dump"
(cd "$out" && sha256sum "$PGDATABASE.dump" > "$PGDATABASE.dump.sha256")
printf '%s\n' "$stamp" > "$BACKUP_WORKDIR/.stamp"
bytes=$(wc -c < "$out/$PGDATABASE.dump" | tr -d ' ')
printf '{"aeterna_backup":"postgresql","status":"dumped","stamp":"%s","bytes":"%s","seconds":"%s"}\n' \
  "$stamp" "$bytes" "$(( $(date +%s) - start ))"
