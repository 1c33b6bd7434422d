using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <summary>
    /// Lists of one kind in name or code order: names and codes of vocational programmes sort far from
    /// those of study programmes, so walking the name (or code) index of all programmes to find the
    /// first page of one kind could read most of the register. With the kind first, the walk starts
    /// at that kind's first row.
    /// </summary>
    public partial class SearchKindOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_search_entries_kind_sort_name ON search_entries (object_type, kind, sort_name, record_id);
                CREATE INDEX ix_search_entries_kind_sort_code ON search_entries (object_type, kind, sort_code, record_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_search_entries_kind_sort_code;
                DROP INDEX ix_search_entries_kind_sort_name;
                """);
        }
    }
}
