#!/bin/sh
# fetch-latest.sh COMPONENT [STAMP]: downloads the newest (or the given) backup folder of
# COMPONENT into BACKUP_WORKDIR/restore/ and checks the SHA-256 files shipped with it.
set -eu
. "$(dirname "$0")/remote.sh"
comp=${1:?usage: fetch-latest.sh COMPONENT [STAMP]}
: "${BACKUP_WORKDIR:?BACKUP_WORKDIR is not set}"
stamp=${2:-$(newest_stamp "$comp")}
[ -n "$stamp" ] || die "no $comp backup found under $(dest_path "$comp")"
dir="$BACKUP_WORKDIR/restore"
rm -rf "$dir"; mkdir -p "$dir"
rclone copy "$(dest_path "$comp")/$stamp" "$dir"
for sum in "$dir"/*.sha256; do
  [ -e "$sum" ] || continue
  (cd "$dir" && sha256sum -c "$(basename "$sum")" >/dev/null) || die "checksum mismatch in $comp backup $stamp"
done
printf '%s\n' "$stamp" > "$dir/.stamp"
log "fetched $comp backup $stamp into $dir"
