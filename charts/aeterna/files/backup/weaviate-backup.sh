#!/bin/sh
# weaviate-backup.sh [create|restore ID]: drives Weaviate's backup module (backup-s3, backup-gcs or
# backup-azure, configured on Weaviate to write below <bucket>/<prefix>/weaviate):
#   create:  POST /v1/backups/{backend} {"id":"aeterna-<stamp>"}, then polls
#            GET /v1/backups/{backend}/{id} until SUCCESS (exit 0) or FAILED (exit 1).
#   restore: POST /v1/backups/{backend}/{id}/restore, then polls GET .../{id}/restore.
# WEAVIATE_URL (http://host:8080), WEAVIATE_BACKEND (s3|gcs|azure), WEAVIATE_API_KEY optional.
set -eu
: "${WEAVIATE_URL:?WEAVIATE_URL is not set}" "${WEAVIATE_BACKEND:?WEAVIATE_BACKEND is not set}"
case "$WEAVIATE_BACKEND" in s3|gcs|azure) ;; *) echo "weaviate-backup: error: WEAVIATE_BACKEND must be s3, gcs or azure" >&2; exit 1 ;; esac
url="${WEAVIATE_URL%/}/v1/backups/$WEAVIATE_BACKEND"
hdr=$(mktemp)
trap 'rm -f "$hdr"' EXIT
[ -z "${WEAVIATE_API_KEY:-}" ] || printf 'Authorization: Bearer %s\n' "$WEAVIATE_API_KEY" > "$hdr"
api() { curl -fsS --retry 3 --max-time 60 -H "@$hdr" -H 'Content-Type: application/json' "$@"; }
status_of() { grep -o '"status" *: *"[A-Z]*"' | sed 's/.*"\([A-Z]*\)"$/\1/' | head -n 1; }
action=${1:-create}
case "$action" in
  create) id="aeterna-${BACKUP_STAMP:-$(date -u +%Y%m%d-%H%M%S)}"
          api -X POST -d "{\"id\":\"$id\"}" "$url" >/dev/null; poll="$url/$id" ;;
  restore) id=${2:?usage: weaviate-backup.sh restore ID}
          api -X POST -d '{}' "$url/$id/restore" >/dev/null; poll="$url/$id/restore" ;;
  *) echo "weaviate-backup: error: action must be create or restore" >&2; exit 1 ;;
esac
deadline=$(( $(date +%s) + ${WEAVIATE_TIMEOUT:-3000} ))
while :; do
  resp=$(api "$poll")
  st=$(printf '%s' "$resp" | status_of)
  case "$st" in
    SUCCESS) printf '{"aeterna_backup":"weaviate","status":"ok","action":"%s","id":"%s"}\n' "$action" "$id"; exit 0 ;;
    FAILED|CANCELED) printf '{"aeterna_backup":"weaviate","status":"failed","action":"%s","id":"%s"}\n' "$action" "$id"; exit 1 ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || { echo "weaviate-backup: error: $action of $id still $st at the deadline" >&2; exit 1; }
  sleep "${WEAVIATE_POLL_SECONDS:-5}"
done
