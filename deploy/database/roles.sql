-- The register's two database roles. Run once per PostgreSQL cluster by a superuser (or a role
-- with CREATEROLE), before the first migration; running it again changes nothing.
--   smpkr_owner  owns the database and its schema; runs the migrations (`Smpkr.Api migrate`).
--   smpkr_app    the service's own role: reads and writes rows, changes no schema, and can only
--                append to the audit trail and the registered versions (grants.sql).
-- Passwords are never in this file: set them apart (psql's \password, or the operator's secret).
-- Then: CREATE DATABASE smpkr OWNER smpkr_owner;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'smpkr_owner') THEN
        CREATE ROLE smpkr_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'smpkr_app') THEN
        CREATE ROLE smpkr_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;
