using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Diacritic-insensitive text search: unaccent as a filtering dictionary in front of the
            // Lithuanian and English stemmers (so "programu" and "programų" reach the same stem), and
            // an immutable wrapper so that generated columns may fold text. Where a server lacks the
            // Lithuanian stemmer, the simple dictionary stands in (prefix and trigram matching remain).
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS unaccent;
                CREATE EXTENSION IF NOT EXISTS pg_trgm;

                CREATE FUNCTION smpkr_fold(text) RETURNS text
                    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                    RETURN lower(unaccent('unaccent'::regdictionary, $1));

                DO $$
                BEGIN
                    CREATE TEXT SEARCH CONFIGURATION smpkr_simple (COPY = pg_catalog.simple);
                    ALTER TEXT SEARCH CONFIGURATION smpkr_simple ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
                    CREATE TEXT SEARCH CONFIGURATION smpkr_en (COPY = pg_catalog.english);
                    ALTER TEXT SEARCH CONFIGURATION smpkr_en ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
                    IF EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'lithuanian_stem') THEN
                        CREATE TEXT SEARCH CONFIGURATION smpkr_lt (COPY = pg_catalog.lithuanian);
                        ALTER TEXT SEARCH CONFIGURATION smpkr_lt ALTER MAPPING FOR hword, hword_part, word WITH unaccent, lithuanian_stem;
                    ELSE
                        CREATE TEXT SEARCH CONFIGURATION smpkr_lt (COPY = smpkr_simple);
                    END IF;
                END
                $$;
                """);

            migrationBuilder.CreateTable(
                name: "search_entries",
                columns: table => new
                {
                    record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    object_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    published = table.Column<bool>(type: "boolean", nullable: false),
                    owner = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    providers = table.Column<string[]>(type: "text[]", nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    name_lt = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    name_en = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: true),
                    summary_lt = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: true),
                    summary_en = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: true),
                    field_group = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    study_field = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    isced_f = table.Column<string[]>(type: "text[]", nullable: false),
                    isced_f_prefixes = table.Column<string[]>(type: "text[]", nullable: false),
                    ltks_level = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    eqf_level = table.Column<int>(type: "integer", nullable: true),
                    cycle = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    study_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    languages = table.Column<string[]>(type: "text[]", nullable: false),
                    forms = table.Column<string[]>(type: "text[]", nullable: false),
                    registered_on = table.Column<DateOnly>(type: "date", nullable: true),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_entries", x => x.record_id);
                    table.ForeignKey(
                        name: "fk_search_entries_register_records_record_id",
                        column: x => x.record_id,
                        principalTable: "register_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_forms",
                table: "search_entries",
                column: "forms")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_isced_f_prefixes",
                table: "search_entries",
                column: "isced_f_prefixes")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_languages",
                table: "search_entries",
                column: "languages")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_changed_at_record_id",
                table: "search_entries",
                columns: new[] { "object_type", "changed_at", "record_id" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_cycle",
                table: "search_entries",
                columns: new[] { "object_type", "cycle" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_eqf_level",
                table: "search_entries",
                columns: new[] { "object_type", "eqf_level" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_field_group",
                table: "search_entries",
                columns: new[] { "object_type", "field_group" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_kind",
                table: "search_entries",
                columns: new[] { "object_type", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_ltks_level",
                table: "search_entries",
                columns: new[] { "object_type", "ltks_level" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_record_id",
                table: "search_entries",
                columns: new[] { "object_type", "record_id" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_registered_on_record_id",
                table: "search_entries",
                columns: new[] { "object_type", "registered_on", "record_id" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_status",
                table: "search_entries",
                columns: new[] { "object_type", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_study_field",
                table: "search_entries",
                columns: new[] { "object_type", "study_field" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_object_type_study_type",
                table: "search_entries",
                columns: new[] { "object_type", "study_type" });

            migrationBuilder.CreateIndex(
                name: "ix_search_entries_providers",
                table: "search_entries",
                column: "providers")
                .Annotation("Npgsql:IndexMethod", "gin");


            // Generated, so every writer (the API, COPY from the generator) gets them in the same
            // statement as the row: the weighted text vector, the folded text for trigrams and the
            // sort keys (binary collation, so paging compares exactly as the index orders).
            migrationBuilder.Sql("""
                ALTER TABLE search_entries
                    ADD COLUMN document tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('smpkr_simple'::regconfig, coalesce(code, '')), 'A') ||
                        setweight(to_tsvector('smpkr_lt'::regconfig, name_lt), 'B') ||
                        setweight(to_tsvector('smpkr_en'::regconfig, coalesce(name_en, '')), 'B') ||
                        setweight(to_tsvector('smpkr_lt'::regconfig, coalesce(summary_lt, '')), 'C') ||
                        setweight(to_tsvector('smpkr_en'::regconfig, coalesce(summary_en, '')), 'D')) STORED,
                    ADD COLUMN fold text GENERATED ALWAYS AS (
                        smpkr_fold(coalesce(code, '') || ' ' || name_lt || ' ' || coalesce(name_en, ''))) STORED,
                    ADD COLUMN sort_code text COLLATE "C" GENERATED ALWAYS AS (coalesce(code, '')) STORED,
                    ADD COLUMN sort_name text COLLATE "C" GENERATED ALWAYS AS (smpkr_fold(name_lt)) STORED,
                    ADD COLUMN sort_registered date GENERATED ALWAYS AS (coalesce(registered_on, DATE '0001-01-01')) STORED;

                CREATE INDEX ix_search_entries_document ON search_entries USING gin (document);
                CREATE INDEX ix_search_entries_fold ON search_entries USING gin (fold gin_trgm_ops);
                CREATE INDEX ix_search_entries_sort_code ON search_entries (object_type, sort_code, record_id);
                CREATE INDEX ix_search_entries_sort_name ON search_entries (object_type, sort_name, record_id);
                CREATE INDEX ix_search_entries_sort_registered ON search_entries (object_type, sort_registered, record_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "search_entries");

            migrationBuilder.Sql("""
                DROP TEXT SEARCH CONFIGURATION smpkr_lt;
                DROP TEXT SEARCH CONFIGURATION smpkr_en;
                DROP TEXT SEARCH CONFIGURATION smpkr_simple;
                DROP FUNCTION smpkr_fold(text);
                """);
        }
    }
}
