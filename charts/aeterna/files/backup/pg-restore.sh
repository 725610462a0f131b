#!/bin/sh
# pg-restore.sh DUMP [new|existing]: restores a custom-format dump into PGDATABASE (libpq PG* variables).
#   new       PGDATABASE must not exist yet: it is created (owned by PGUSER) and filled.
#   existing  objects of the dump are dropped and recreated inside PGDATABASE in one transaction;
#             objects that are not in the dump stay. Stop every writer first (see docs/backup-restore.md).
set -eu
dump=${1:?usage: pg-restore.sh DUMP [new|existing]}
mode=${2:-new}
: "${PGDATABASE:?PGDATABASE is not set}"
[ -f "$dump" ] || { echo "pg-restore: error: $dump does not exist" >&2; exit 1; }
case "$mode" in
  new)
    createdb --maintenance-db="${PG_MAINTENANCE_DB:-postgres}" "$PGDATABASE"
    pg_restore --no-owner --no-acl --exit-on-error --single-transaction --dbname="$PGDATABASE" "$dump" ;;
  existing)
    pg_restore --no-owner --no-acl --clean --if-exists --exit-on-error --single-transaction --dbname="$PGDATABASE" "$dump" ;;
  *) echo "pg-restore: error: mode must be new or existing (got '$mode')" >&2; exit 1 ;;
esac
echo "pg-restore: restored $dump into $PGDATABASE ($mode)" >&2
