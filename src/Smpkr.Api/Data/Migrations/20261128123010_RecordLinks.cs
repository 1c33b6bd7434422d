using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class RecordLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "record_links",
                columns: table => new
                {
                    record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    path = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    target_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    target_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_record_links", x => new { x.record_id, x.path });
                    table.ForeignKey(
                        name: "fk_record_links_records_record_id",
                        column: x => x.record_id,
                        principalTable: "register_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_record_links_target_type_target_code",
                table: "record_links",
                columns: new[] { "target_type", "target_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "record_links");
        }
    }
}
