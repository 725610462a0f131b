#!/bin/sh
# upload.sh COMPONENT: copies BACKUP_WORKDIR/<stamp>/ (stamp from BACKUP_WORKDIR/.stamp) to
# <bucket>/<prefix>/COMPONENT/<stamp>/, checks the copy, then applies the retention.
set -eu
. "$(dirname "$0")/remote.sh"
comp=${1:?usage: upload.sh COMPONENT}
: "${BACKUP_WORKDIR:?BACKUP_WORKDIR is not set}"
[ -f "$BACKUP_WORKDIR/.stamp" ] || die "no backup was produced in $BACKUP_WORKDIR (missing .stamp)"
stamp=$(cat "$BACKUP_WORKDIR/.stamp")
src="$BACKUP_WORKDIR/$stamp"
[ -d "$src" ] && [ -n "$(ls -A "$src")" ] || die "backup folder $src is empty"
start=$(date +%s)
rclone copy --no-traverse "$src" "$(dest_path "$comp")/$stamp"
rclone check --one-way "$src" "$(dest_path "$comp")/$stamp" >/dev/null 2>&1 ||
  die "uploaded $comp backup $stamp differs from the local copy"
bytes=$(du -sk "$src" | cut -f1)
sh "$(dirname "$0")/prune.sh" "$comp"
result "$comp" ok stamp="$stamp" kib="$bytes" seconds="$(( $(date +%s) - start ))"
