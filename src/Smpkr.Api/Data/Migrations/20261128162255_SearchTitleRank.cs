using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <summary>
    /// A small text vector of the code and names alone, next to the whole document: relevance ranks
    /// by it, so ranking thousands of matches never reads their summaries' vectors.
    /// </summary>
    public partial class SearchTitleRank : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE search_entries
                    ADD COLUMN title tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('smpkr_simple'::regconfig, coalesce(code, '')), 'A') ||
                        setweight(to_tsvector('smpkr_lt'::regconfig, name_lt), 'B') ||
                        setweight(to_tsvector('smpkr_en'::regconfig, coalesce(name_en, '')), 'B')) STORED;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE search_entries DROP COLUMN title;");
        }
    }
}
