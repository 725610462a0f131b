#!/bin/sh
# prune.sh COMPONENT: deletes the backup folders of COMPONENT older than BACKUP_RETENTION_DAYS
# (object modification time), never the newest one, so a long outage cannot empty the bucket.
set -eu
. "$(dirname "$0")/remote.sh"
comp=${1:?usage: prune.sh COMPONENT}
days=${BACKUP_RETENTION_DAYS:?BACKUP_RETENTION_DAYS is not set}
case "$days" in ''|*[!0-9]*|0) die "BACKUP_RETENTION_DAYS must be a whole number of days above 0 (got '$days')" ;; esac
newest=$(newest_stamp "$comp")
[ -n "$newest" ] || { log "no $comp backup yet: nothing to prune"; exit 0; }
rclone delete --min-age "${days}d" --exclude "/$newest/**" "$(dest_path "$comp")"
rclone rmdirs --leave-root "$(dest_path "$comp")"
log "$comp: kept backups younger than $days days and $newest"
