using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <summary>
    /// What lets each replica keep search entries in memory and know it is up to date: every entry
    /// carries the id of the transaction that last wrote it (<c>write_xid</c>, set on insert and update),
    /// and removed entries leave a row in <c>search_entry_removals</c> (a truncation leaves one without a
    /// record id). A replica asks for rows written by transactions at or after the oldest one still
    /// running when it last looked (<c>pg_snapshot_xmin</c>), so a transaction that commits late is never
    /// passed over. See <c>Search/SearchMirror.cs</c>.
    /// </summary>
    public partial class SearchEntryChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE search_entries ADD COLUMN write_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
                CREATE INDEX ix_search_entries_write_xid ON search_entries (write_xid);

                CREATE FUNCTION smpkr_search_entry_written() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.write_xid := pg_current_xact_id();
                    RETURN NEW;
                END
                $$;
                CREATE TRIGGER search_entries_written BEFORE UPDATE ON search_entries
                    FOR EACH ROW EXECUTE FUNCTION smpkr_search_entry_written();

                CREATE TABLE search_entry_removals (
                    write_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
                    record_id uuid NULL);
                CREATE INDEX ix_search_entry_removals_write_xid ON search_entry_removals (write_xid);

                CREATE FUNCTION smpkr_search_entry_removed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_LEVEL = 'ROW' THEN
                        INSERT INTO search_entry_removals (record_id) VALUES (OLD.record_id);
                    ELSE
                        INSERT INTO search_entry_removals (record_id) VALUES (NULL);
                    END IF;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER search_entries_removed AFTER DELETE ON search_entries
                    FOR EACH ROW EXECUTE FUNCTION smpkr_search_entry_removed();
                CREATE TRIGGER search_entries_truncated AFTER TRUNCATE ON search_entries
                    FOR EACH STATEMENT EXECUTE FUNCTION smpkr_search_entry_removed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER search_entries_truncated ON search_entries;
                DROP TRIGGER search_entries_removed ON search_entries;
                DROP TRIGGER search_entries_written ON search_entries;
                DROP FUNCTION smpkr_search_entry_removed();
                DROP FUNCTION smpkr_search_entry_written();
                DROP TABLE search_entry_removals;
                ALTER TABLE search_entries DROP COLUMN write_xid;
                """);
        }
    }
}
