#!/bin/sh
# Creates examples/verta/.env for docker compose: mode 0600 from the first byte (umask), a generated
# ADMIN_API_KEY, and the variables you fill in. Refuses to overwrite an existing .env.
# usage: ./init-env.sh [PATH]   (default: .env beside this script)
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
env_file=${1:-$dir/.env}
if [ -e "$env_file" ]; then
  echo "init-env: $env_file already exists: edit it, or remove it to start over" >&2
  exit 1
fi
umask 077
key=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
tmp="$env_file.tmp.$$"
trap 'rm -f "$tmp"' EXIT
cat >"$tmp" <<ENV
# Verta secrets for docker compose (mode 0600; never commit this file).
ADMIN_API_KEY=$key
# mysql://user:password@host:4000/database of your TiDB (TLS is automatic for *.tidbcloud.com)
DATABASE_URL=
DISCORD_BOT_TOKEN=
DISCORD_CLIENT_ID=
# optional: LLM calls of the ML service
OPENROUTER_API_KEY=
# optional: a different key for the backend's ML_SERVICE_API_KEY (default: ADMIN_API_KEY)
ML_SERVICE_API_KEY=
NEXT_PUBLIC_TENANT_SLUG=
ENV
mv "$tmp" "$env_file"
trap - EXIT
echo "init-env: wrote $env_file (mode 0600): fill in DATABASE_URL and DISCORD_BOT_TOKEN"
