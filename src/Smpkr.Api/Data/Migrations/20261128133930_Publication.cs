using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Publication : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "feed_entries",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    object_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    previous_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    op = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    content = table.Column<string>(type: "json", nullable: false),
                    patch = table.Column<string>(type: "json", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_feed_entries", x => x.sequence);
                    table.ForeignKey(
                        name: "fk_feed_entries_records_record_id",
                        column: x => x.record_id,
                        principalTable: "register_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "feed_head",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    last_sequence = table.Column<long>(type: "bigint", nullable: false),
                    last_change_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_feed_head", x => x.id);
                    table.CheckConstraint("ck_feed_head_single_row", "id = 1");
                });

            migrationBuilder.CreateTable(
                name: "published_records",
                columns: table => new
                {
                    record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    object_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    content = table.Column<string>(type: "json", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_published_records", x => x.record_id);
                    table.ForeignKey(
                        name: "fk_published_records_records_record_id",
                        column: x => x.record_id,
                        principalTable: "register_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "feed_head",
                columns: new[] { "id", "last_change_at", "last_sequence" },
                values: new object[] { 1, null, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_feed_entries_object_type_sequence",
                table: "feed_entries",
                columns: new[] { "object_type", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_feed_entries_record_id_sequence",
                table: "feed_entries",
                columns: new[] { "record_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_published_records_object_type_code",
                table: "published_records",
                columns: new[] { "object_type", "code" },
                unique: true);

            // The feed is kept for the life of the register: entries are never rewritten or removed.
            migrationBuilder.Sql("""
                CREATE TRIGGER feed_entries_append_only BEFORE UPDATE OR DELETE ON feed_entries
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER feed_entries_no_truncate BEFORE TRUNCATE ON feed_entries
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feed_entries");

            migrationBuilder.DropTable(
                name: "feed_head");

            migrationBuilder.DropTable(
                name: "published_records");
        }
    }
}
