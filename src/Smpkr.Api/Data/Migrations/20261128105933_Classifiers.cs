using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Classifiers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "classifiers",
                columns: table => new
                {
                    abbreviation = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name_lt = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    name_en = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: true),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_classifiers", x => x.abbreviation);
                });

            migrationBuilder.CreateTable(
                name: "seed_runs",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_seed_runs", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "classifier_items",
                columns: table => new
                {
                    classifier_abbreviation = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name_lt = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    name_en = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: true),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    parent_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: true),
                    valid_to = table.Column<DateOnly>(type: "date", nullable: true),
                    position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_classifier_items", x => new { x.classifier_abbreviation, x.code });
                    table.ForeignKey(
                        name: "fk_classifier_items_classifier_items_classifier_abbreviation_p",
                        columns: x => new { x.classifier_abbreviation, x.parent_code },
                        principalTable: "classifier_items",
                        principalColumns: new[] { "classifier_abbreviation", "code" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_classifier_items_classifiers_classifier_abbreviation",
                        column: x => x.classifier_abbreviation,
                        principalTable: "classifiers",
                        principalColumn: "abbreviation",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_classifier_items_classifier_abbreviation_parent_code",
                table: "classifier_items",
                columns: new[] { "classifier_abbreviation", "parent_code" });

            migrationBuilder.CreateIndex(
                name: "ix_classifier_items_classifier_abbreviation_position",
                table: "classifier_items",
                columns: new[] { "classifier_abbreviation", "position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "classifier_items");

            migrationBuilder.DropTable(
                name: "seed_runs");

            migrationBuilder.DropTable(
                name: "classifiers");
        }
    }
}
