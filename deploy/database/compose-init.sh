#!/usr/bin/env bash
# First start of the compose database (docker-entrypoint-initdb.d): the register's roles with the
# passwords given in the environment, and its database owned by the owner role.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username postgres --dbname postgres -f /smpkr/roles.sql
psql -v ON_ERROR_STOP=1 --username postgres --dbname postgres \
  -v owner_password="$SMPKR_OWNER_PASSWORD" -v app_password="$SMPKR_APP_PASSWORD" <<'SQL'
ALTER ROLE smpkr_owner PASSWORD :'owner_password';
ALTER ROLE smpkr_app PASSWORD :'app_password';
CREATE DATABASE smpkr OWNER smpkr_owner;
SQL
