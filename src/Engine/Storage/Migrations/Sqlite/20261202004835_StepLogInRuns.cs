using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReEngage.Flows.Engine.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StepLogInRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Log",
                table: "Runs",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "NodeCounts",
                columns: table => new
                {
                    FlowId = table.Column<string>(type: "TEXT", nullable: false),
                    NodeId = table.Column<string>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Port = table.Column<string>(type: "TEXT", nullable: false),
                    Day = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NodeCounts", x => new { x.FlowId, x.NodeId, x.Outcome, x.Port, x.Day });
                });

            // Each run's steps become its log, in the shape Runtime/StepLog writes (instants are UTC
            // ticks here, written as round-trip ISO text there), and their sums the node counts.
            migrationBuilder.Sql("""
                UPDATE "Runs" SET "Log" = COALESCE((
                    SELECT json_group_array(json_object(
                        'seq', s."Seq", 'node', s."NodeId",
                        'at', strftime('%Y-%m-%dT%H:%M:%S', (s."At" - 621355968000000000) / 10000000, 'unixepoch') || '.' || printf('%07d', s."At" % 10000000) || '+00:00',
                        'outcome', s."Outcome", 'port', s."Port", 'detail', s."Detail"))
                    FROM (SELECT * FROM "Steps" WHERE "RunId" = "Runs"."Id" ORDER BY "Seq") AS s
                    HAVING COUNT(*) > 0), '');
                """);
            migrationBuilder.Sql("""
                INSERT INTO "NodeCounts" ("FlowId", "NodeId", "Outcome", "Port", "Day", "Count")
                SELECT "FlowId", "NodeId", "Outcome", COALESCE("Port", ''), "At" - ("At" % 864000000000), COUNT(*)
                FROM "Steps" GROUP BY 1, 2, 3, 4, 5;
                """);

            migrationBuilder.DropTable(
                name: "Steps");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NodeCounts");

            migrationBuilder.CreateTable(
                name: "Steps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", nullable: true),
                    FlowId = table.Column<string>(type: "TEXT", nullable: false),
                    NodeId = table.Column<string>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Port = table.Column<string>(type: "TEXT", nullable: true),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Seq = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Steps", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Steps_FlowId_NodeId_Outcome",
                table: "Steps",
                columns: new[] { "FlowId", "NodeId", "Outcome" });

            migrationBuilder.CreateIndex(
                name: "IX_Steps_RunId_Seq",
                table: "Steps",
                columns: new[] { "RunId", "Seq" },
                unique: true);

            migrationBuilder.Sql("""
                INSERT INTO "Steps" ("RunId", "Seq", "FlowId", "Version", "NodeId", "At", "Outcome", "Port", "Detail")
                SELECT r."Id", json_extract(j.value, '$.seq'), r."FlowId", r."Version", json_extract(j.value, '$.node'),
                    unixepoch(substr(json_extract(j.value, '$.at'), 1, 19)) * 10000000 + 621355968000000000 + CAST(substr(json_extract(j.value, '$.at'), 21, 7) AS INTEGER),
                    json_extract(j.value, '$.outcome'), json_extract(j.value, '$.port'), json_extract(j.value, '$.detail')
                FROM "Runs" AS r, json_each(CASE WHEN r."Log" = '' THEN '[]' ELSE r."Log" END) AS j;
                """);

            migrationBuilder.DropColumn(
                name: "Log",
                table: "Runs");
        }
    }
}
