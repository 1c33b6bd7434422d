using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <summary>
    /// A record's first feed entry no longer stores its patch: that patch is the record itself, which
    /// the entry already holds (the feed serves <c>coalesce(patch, content)</c> for <c>view=patch</c>).
    /// Entries written before keep theirs; the feed stays append-only.
    /// </summary>
    public partial class FeedPatchOnlyWhenDifferent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "patch",
                table: "feed_entries",
                type: "json",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "json");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE feed_entries DISABLE TRIGGER feed_entries_append_only;
                UPDATE feed_entries SET patch = content WHERE patch IS NULL;
                ALTER TABLE feed_entries ENABLE TRIGGER feed_entries_append_only;
                ALTER TABLE feed_entries ALTER COLUMN patch SET NOT NULL;
                """);
        }
    }
}
