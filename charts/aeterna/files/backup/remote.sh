# shellcheck shell=sh
# Sourced by the backup scripts: defines the rclone remote "dest" from BACKUP_* variables and a
# few helpers. POSIX sh (the rclone image has busybox ash; the PostgreSQL image has dash/bash).
#   BACKUP_PROVIDER   s3 | gcs | azure
#   BACKUP_BUCKET     bucket (S3, GCS) or container (Azure)
#   BACKUP_PREFIX     folder inside the bucket; each component writes below <prefix>/<component>/<stamp>/
#   s3:    BACKUP_S3_REGION, BACKUP_S3_ENDPOINT (S3-compatible; path-style), BACKUP_S3_SSE (AES256 | aws:kms),
#          BACKUP_S3_SSE_KMS_KEY_ID; credentials AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or IRSA (web identity)
#   gcs:   GOOGLE_APPLICATION_CREDENTIALS (service-account JSON file) or GKE workload identity; BACKUP_GCS_ENDPOINT
#   azure: BACKUP_AZURE_ACCOUNT, AZURE_STORAGE_KEY or Azure workload identity; BACKUP_AZURE_ENDPOINT
# Secrets travel only in the environment, never on a command line.
set -eu

die() { printf 'aeterna-backup: error: %s\n' "$*" >&2; exit 1; }
log() { printf 'aeterna-backup: %s\n' "$*" >&2; }

: "${BACKUP_PROVIDER:?BACKUP_PROVIDER is not set}"
: "${BACKUP_BUCKET:?BACKUP_BUCKET is not set}"
BACKUP_PREFIX=${BACKUP_PREFIX:-aeterna}
BACKUP_PREFIX=${BACKUP_PREFIX%/}
# rclone reads no config file: the remote lives in the environment only.
export RCLONE_CONFIG=${RCLONE_CONFIG:-/dev/null}

case "$BACKUP_PROVIDER" in
  s3)
    export RCLONE_CONFIG_DEST_TYPE=s3
    export RCLONE_CONFIG_DEST_ENV_AUTH=true
    if [ -n "${BACKUP_S3_ENDPOINT:-}" ]; then
      export RCLONE_CONFIG_DEST_PROVIDER=Other
      export RCLONE_CONFIG_DEST_ENDPOINT="$BACKUP_S3_ENDPOINT"
      export RCLONE_CONFIG_DEST_FORCE_PATH_STYLE=true
    else
      export RCLONE_CONFIG_DEST_PROVIDER=AWS
    fi
    [ -z "${BACKUP_S3_REGION:-}" ] || export RCLONE_CONFIG_DEST_REGION="$BACKUP_S3_REGION"
    [ -z "${BACKUP_S3_SSE:-}" ] || export RCLONE_CONFIG_DEST_SERVER_SIDE_ENCRYPTION="$BACKUP_S3_SSE"
    [ -z "${BACKUP_S3_SSE_KMS_KEY_ID:-}" ] || export RCLONE_CONFIG_DEST_SSE_KMS_KEY_ID="$BACKUP_S3_SSE_KMS_KEY_ID"
    # The bucket is created by whoever owns the account, never by a backup job.
    export RCLONE_CONFIG_DEST_NO_CHECK_BUCKET=true
    ;;
  gcs)
    export RCLONE_CONFIG_DEST_TYPE="google cloud storage"
    export RCLONE_CONFIG_DEST_BUCKET_POLICY_ONLY=true
    if [ -n "${GOOGLE_APPLICATION_CREDENTIALS:-}" ]; then
      export RCLONE_CONFIG_DEST_SERVICE_ACCOUNT_FILE="$GOOGLE_APPLICATION_CREDENTIALS"
    else
      export RCLONE_CONFIG_DEST_ENV_AUTH=true
    fi
    [ -z "${BACKUP_GCS_ENDPOINT:-}" ] || export RCLONE_CONFIG_DEST_ENDPOINT="$BACKUP_GCS_ENDPOINT"
    ;;
  azure)
    : "${BACKUP_AZURE_ACCOUNT:?BACKUP_AZURE_ACCOUNT is not set}"
    export RCLONE_CONFIG_DEST_TYPE=azureblob
    export RCLONE_CONFIG_DEST_ACCOUNT="$BACKUP_AZURE_ACCOUNT"
    if [ -n "${AZURE_STORAGE_KEY:-}" ]; then
      export RCLONE_CONFIG_DEST_KEY="$AZURE_STORAGE_KEY"
    else
      export RCLONE_CONFIG_DEST_ENV_AUTH=true
    fi
    [ -z "${BACKUP_AZURE_ENDPOINT:-}" ] || export RCLONE_CONFIG_DEST_ENDPOINT="$BACKUP_AZURE_ENDPOINT"
    ;;
  *) die "BACKUP_PROVIDER must be s3, gcs or azure (got '$BACKUP_PROVIDER')" ;;
esac

# dest_path COMPONENT: rclone path of a component's backups.
dest_path() { printf 'dest:%s/%s/%s' "$BACKUP_BUCKET" "$BACKUP_PREFIX" "$1"; }

# newest_stamp COMPONENT: newest backup folder (names are UTC stamps YYYYmmdd-HHMMSS, so they sort).
newest_stamp() {
  rclone lsf --dirs-only --max-depth 1 "$(dest_path "$1")" 2>/dev/null | sed -n 's#/$##p' |
    grep -E '^(aeterna-)?[0-9]{8}-[0-9]{6}$' | sort | tail -n 1
}

# result COMPONENT STATUS key=value...: one machine-readable line on stdout.
result() {
  comp=$1 st=$2; shift 2
  line="{\"aeterna_backup\":\"$comp\",\"status\":\"$st\",\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\""
  for kv in "$@"; do line="$line,\"${kv%%=*}\":\"${kv#*=}\""; done
  printf '%s}\n' "$line"
}
