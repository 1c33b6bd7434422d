#!/usr/bin/env bash
# Logical backup of the register's database: one pg_dump archive in custom format (compressed,
# restorable table by table, checked after writing), taken from one consistent snapshot.
#
#   deploy/backup/backup.sh [FILE]
#
# The database comes from the libpq environment: PGHOST, PGPORT, PGDATABASE (default smpkr), PGUSER,
# PGPASSWORD or ~/.pgpass, PGSSLMODE. A replica will do (PGHOST=smpkr-db-ro) and spares the primary.
# FILE defaults to $SMPKR_BACKUP_DIR (default .)/smpkr-<UTC time>.dump. PG_BIN chooses the PostgreSQL
# client programs (default: those on the PATH); they must be of the server's major version or newer.
# A FILE.sha256 is written beside the archive. Exit status is non-zero on any failure, and then no
# archive is left behind.
set -euo pipefail

bin=${PG_BIN:+$PG_BIN/}
export PGDATABASE=${PGDATABASE:-smpkr}
file=${1:-${SMPKR_BACKUP_DIR:-.}/smpkr-$(date -u +%Y%m%dT%H%M%SZ).dump}
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

started=$SECONDS
"${bin}pg_dump" --format=custom --compress=6 --no-password --file="$partial"
# The archive must be readable before it counts as a backup.
"${bin}pg_restore" --list "$partial" >/dev/null
mv "$partial" "$file"
(cd "$(dirname "$file")" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")

echo "backup: $PGDATABASE -> $file ($(du -h "$file" | cut -f1), $((SECONDS - started)) s)"
