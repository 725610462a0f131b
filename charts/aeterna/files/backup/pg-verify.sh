#!/bin/sh
# Restores the dump fetched by fetch-latest.sh (BACKUP_WORKDIR/restore/*.dump) into a throw-away
# PostgreSQL started inside this container (unix socket only, data in BACKUP_WORKDIR), then checks
#   - pg_restore succeeds with --exit-on-error;
#   - every table of VERIFY_TABLES exists (space-separated, optionally schema-qualified);
#   - every table of VERIFY_NONEMPTY_TABLES has at least one row.
# Prints one JSON result line, writes BACKUP_WORKDIR/verify.prom (Prometheus text format), and
# exits 0 only when every check passed.
set -eu
: "${BACKUP_WORKDIR:?BACKUP_WORKDIR is not set}"
dir="$BACKUP_WORKDIR/restore"
prom="$BACKUP_WORKDIR/verify.prom"
stamp=$(cat "$dir/.stamp" 2>/dev/null || echo unknown)
start=$(date +%s)
data="$BACKUP_WORKDIR/verify-pgdata"
sock="$BACKUP_WORKDIR/verify-sock"
failures=""
fail() { failures="$failures${failures:+; }$*"; }

report() {
  ok=1; [ -z "$failures" ] || ok=0
  now=$(date +%s)
  {
    echo "# HELP aeterna_backup_verify_success 1 when the newest PostgreSQL backup restored and passed every check."
    echo "# TYPE aeterna_backup_verify_success gauge"
    echo "aeterna_backup_verify_success{stamp=\"$stamp\"} $ok"
    echo "# TYPE aeterna_backup_verify_duration_seconds gauge"
    echo "aeterna_backup_verify_duration_seconds $(( now - start ))"
    echo "# TYPE aeterna_backup_verify_last_run_timestamp_seconds gauge"
    echo "aeterna_backup_verify_last_run_timestamp_seconds $now"
    [ "$ok" = 0 ] || { echo "# TYPE aeterna_backup_verify_last_success_timestamp_seconds gauge";
                       echo "aeterna_backup_verify_last_success_timestamp_seconds $now"; }
    printf '%s' "$rows"
  } > "$prom"
  st=ok; [ "$ok" = 1 ] || st=failed
  printf '{"aeterna_backup_verify":"postgresql","status":"%s","stamp":"%s","seconds":"%s","tables":"%s","detail":"%s"}\n' \
    "$st" "$stamp" "$(( now - start ))" "$counts" "$failures"
  [ "$ok" = 1 ]
}

stop_pg() { [ ! -f "$data/postmaster.pid" ] || pg_ctl -D "$data" -m immediate -w stop >/dev/null 2>&1 || :; }
trap stop_pg EXIT
rows="" counts=""

set -- "$dir"/*.dump
if [ ! -f "$1" ]; then fail "no dump in $dir"; report; exit 1; fi
dump=$1
rm -rf "$data" "$sock"; mkdir -p "$sock"
# Nothing of a real server's connection settings may leak into the throw-away one.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE PGSSLMODE 2>/dev/null || :
initdb -D "$data" -U verify --auth=trust --no-sync --no-locale -E UTF8 >"$BACKUP_WORKDIR/verify-initdb.log" 2>&1 ||
  { fail "initdb failed: $(tail -n 1 "$BACKUP_WORKDIR/verify-initdb.log")"; report; exit 1; }
pg_ctl -D "$data" -w -t 60 -l "$BACKUP_WORKDIR/verify-postgres.log" \
  -o "-p 5432 -c listen_addresses='' -c unix_socket_directories='$sock' -c fsync=off" start >/dev/null ||
  { fail "throw-away PostgreSQL did not start"; report; exit 1; }
export PGHOST="$sock" PGUSER=verify PGDATABASE=verify PGPORT=5432
createdb verify
if ! pg_restore --no-owner --no-acl --exit-on-error --dbname=verify "$dump" 2>"$BACKUP_WORKDIR/verify-restore.log"; then
  fail "pg_restore failed: $(tail -n 1 "$BACKUP_WORKDIR/verify-restore.log")"
  report; exit 1
fi
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
for t in ${VERIFY_TABLES:-}; do
  [ "$(q "SELECT to_regclass('$t') IS NOT NULL")" = t ] || fail "table $t is missing"
done
for t in ${VERIFY_NONEMPTY_TABLES:-}; do
  if [ "$(q "SELECT to_regclass('$t') IS NOT NULL")" != t ]; then fail "table $t is missing"; continue; fi
  n=$(q "SELECT count(*) FROM $t")
  counts="$counts${counts:+ }$t=$n"
  rows="$rows# TYPE aeterna_backup_verify_rows gauge
aeterna_backup_verify_rows{table=\"$t\"} $n
"
  [ "$n" -gt 0 ] || fail "table $t is empty"
done
report
