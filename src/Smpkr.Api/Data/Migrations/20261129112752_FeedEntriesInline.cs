using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <summary>
    /// Feed entries up to a database page are kept inline and uncompressed (<c>toast_tuple_target</c>):
    /// an entry over 2 KB (a record with long texts, a change with a large patch) had its JSON compressed
    /// and partly moved out of line, which every feed page reading it paid for. Applies to entries written from now on: entries already
    /// stored keep their storage (the feed is append-only, and <c>VACUUM FULL</c> keeps compressed
    /// values compressed).
    /// </summary>
    public partial class FeedEntriesInline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "feed_entries")
                .Annotation("Npgsql:StorageParameter:toast_tuple_target", 8160);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "feed_entries")
                .OldAnnotation("Npgsql:StorageParameter:toast_tuple_target", 8160);
        }
    }
}
