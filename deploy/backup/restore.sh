#!/usr/bin/env bash
# Restores a backup.sh archive into a new database, all or nothing.
#
#   deploy/backup/restore.sh FILE DATABASE
#
# The server comes from the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD or ~/.pgpass); the
# connecting role needs CREATEDB. DATABASE must not exist: a restore never writes over a database.
# SMPKR_RESTORE_OWNER (e.g. smpkr_owner) makes that role own the new database and everything in it.
# Owners and grants are not taken from the archive: afterwards run the migrate step against the
# restored database (`Smpkr.Api migrate` as the owner role), which grants the application role its
# rights again. If FILE.sha256 exists, the archive is checked against it first.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 FILE DATABASE" >&2
  exit 2
fi
file=$1
database=$2
bin=${PG_BIN:+$PG_BIN/}
owner=${SMPKR_RESTORE_OWNER:-}

if [ -f "$file.sha256" ]; then
  (cd "$(dirname "$file")" && sha256sum --check --status "$(basename "$file").sha256") ||
    { echo "restore: $file does not match $file.sha256" >&2; exit 1; }
fi
"${bin}pg_restore" --list "$file" >/dev/null

exists=$("${bin}psql" --no-password --dbname=postgres --tuples-only --no-align \
  --command="SELECT 1 FROM pg_database WHERE datname = '${database//\'/\'\'}'")
if [ -n "$exists" ]; then
  echo "restore: database $database exists; restore into a new database" >&2
  exit 1
fi

started=$SECONDS
"${bin}createdb" --no-password --template=template0 --encoding=UTF8 ${owner:+--owner="$owner"} "$database"
if ! "${bin}pg_restore" --no-password --dbname="$database" --single-transaction --exit-on-error \
      --no-owner --no-privileges ${owner:+--role="$owner"} "$file"; then
  "${bin}dropdb" --no-password "$database" || true
  echo "restore: failed; database $database removed" >&2
  exit 1
fi
"${bin}psql" --no-password --dbname="$database" --quiet --command="ANALYZE"

echo "restore: $file -> $database ($((SECONDS - started)) s); next: run the migrate step against it"
