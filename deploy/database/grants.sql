-- What the service's role smpkr_app may do in the register's database. Applied by the owner role
-- after every migration: `Smpkr.Api migrate` runs this file (embedded in the service) after the
-- migrations and seed data, so a table added by a migration is covered at once. Idempotent.
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO smpkr_app', current_database());
    EXECUTE format('REVOKE CREATE ON DATABASE %I FROM smpkr_app', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO smpkr_app;
REVOKE CREATE ON SCHEMA public FROM smpkr_app;

-- Rows: read and write everything the service keeps.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO smpkr_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM smpkr_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO smpkr_app;

-- Append-only: the audit trail, the registered versions and the change feed. Their triggers refuse
-- UPDATE, DELETE and TRUNCATE to everyone; without the privilege the service's role is refused before
-- any trigger runs.
REVOKE UPDATE, DELETE ON audit_entries, record_versions, feed_entries FROM smpkr_app;

-- The migration history is the owner's: the service only reads it (the readiness check).
REVOKE INSERT, UPDATE, DELETE ON "__EFMigrationsHistory" FROM smpkr_app;
