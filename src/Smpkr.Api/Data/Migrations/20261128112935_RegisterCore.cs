using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Smpkr.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class RegisterCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    actor_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    actor_provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    object_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    record_id = table.Column<Guid>(type: "uuid", nullable: true),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    owner = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    version = table.Column<int>(type: "integer", nullable: true),
                    revision = table.Column<int>(type: "integer", nullable: true),
                    changes = table.Column<string>(type: "jsonb", nullable: true),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    request_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    client_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "code_sequences",
                columns: table => new
                {
                    prefix = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    last_value = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_code_sequences", x => x.prefix);
                });

            migrationBuilder.CreateTable(
                name: "idempotent_responses",
                columns: table => new
                {
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    location = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    e_tag = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    body = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotent_responses", x => new { x.subject, x.key });
                });

            migrationBuilder.CreateTable(
                name: "providers",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    code_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name_lt = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    name_en = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: true),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    kinds = table.Column<string[]>(type: "text[]", nullable: false),
                    address = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: true),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_providers", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "register_records",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    object_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    pending_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    owner = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    co_providers = table.Column<string[]>(type: "text[]", nullable: false),
                    working = table.Column<string>(type: "jsonb", nullable: true),
                    current_version = table.Column<int>(type: "integer", nullable: true),
                    name_lt = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    name_en = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: true),
                    registered_on = table.Column<DateOnly>(type: "date", nullable: true),
                    last_changed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    deregistered_on = table.Column<DateOnly>(type: "date", nullable: true),
                    deregistration_reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    superseded_by = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    equivalent = table.Column<bool>(type: "boolean", nullable: true),
                    return_comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    deregistration_request = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_register_records", x => x.id);
                    table.ForeignKey(
                        name: "fk_register_records_providers_owner",
                        column: x => x.owner,
                        principalTable: "providers",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "record_aliases",
                columns: table => new
                {
                    object_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: true),
                    valid_to = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_record_aliases", x => new { x.object_type, x.code });
                    table.ForeignKey(
                        name: "fk_record_aliases_records_record_id",
                        column: x => x.record_id,
                        principalTable: "register_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "record_versions",
                columns: table => new
                {
                    record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    content = table.Column<string>(type: "jsonb", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_record_versions", x => new { x.record_id, x.version });
                    table.ForeignKey(
                        name: "fk_record_versions_records_record_id",
                        column: x => x.record_id,
                        principalTable: "register_records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_actor_subject_id",
                table: "audit_entries",
                columns: new[] { "actor_subject", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_at",
                table: "audit_entries",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_owner_id",
                table: "audit_entries",
                columns: new[] { "owner", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_record_id_id",
                table: "audit_entries",
                columns: new[] { "record_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_idempotent_responses_created_at",
                table: "idempotent_responses",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_record_aliases_record_id",
                table: "record_aliases",
                column: "record_id");

            migrationBuilder.CreateIndex(
                name: "ix_register_records_object_type_code",
                table: "register_records",
                columns: new[] { "object_type", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_register_records_object_type_kind_id",
                table: "register_records",
                columns: new[] { "object_type", "kind", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_register_records_object_type_owner_id",
                table: "register_records",
                columns: new[] { "object_type", "owner", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_register_records_object_type_status_id",
                table: "register_records",
                columns: new[] { "object_type", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_register_records_owner",
                table: "register_records",
                column: "owner");

            // The audit log and registered versions are append-only in the database itself: no role,
            // the application's included, can rewrite or remove them through SQL.
            migrationBuilder.Sql("""
                CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER record_versions_append_only BEFORE UPDATE OR DELETE ON record_versions
                    FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER record_versions_no_truncate BEFORE TRUNCATE ON record_versions
                    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries;
                DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries;
                DROP TRIGGER IF EXISTS record_versions_append_only ON record_versions;
                DROP TRIGGER IF EXISTS record_versions_no_truncate ON record_versions;
                DROP FUNCTION IF EXISTS refuse_change();
                """);

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "code_sequences");

            migrationBuilder.DropTable(
                name: "idempotent_responses");

            migrationBuilder.DropTable(
                name: "record_aliases");

            migrationBuilder.DropTable(
                name: "record_versions");

            migrationBuilder.DropTable(
                name: "register_records");

            migrationBuilder.DropTable(
                name: "providers");
        }
    }
}
