using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReEngage.Flows.Engine.Storage.Migrations.Sqlite
{
    /// <summary>
    /// Step logs from named fields with ISO instants (<c>{"seq":0,"node":"start","at":"…+00:00","outcome":"Entered"}</c>)
    /// to positional steps with ticks after the run's entry (<c>[0,"start",0,"Entered"]</c>, then port
    /// and detail when present), the shape Runtime/StepLog writes now; and back.
    /// </summary>
    public partial class CompactStepLogs : Migration
    {
        // An ISO instant of the old shape ("2026-03-02T10:00:00.1234567+01:00") as UTC ticks.
        private const string Ticks = """
            (unixepoch(substr(j.at, 1, 19)) * 10000000 + 621355968000000000 + CAST(substr(j.at, 21, 7) AS INTEGER)
             - (CASE substr(j.at, 28, 1) WHEN '-' THEN -1 ELSE 1 END) * (CAST(substr(j.at, 29, 2) AS INTEGER) * 60 + CAST(substr(j.at, 32, 2) AS INTEGER)) * 600000000)
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                UPDATE "Runs" SET "Log" = (
                    SELECT json_group_array(CASE
                        WHEN j.detail IS NOT NULL THEN json_array(j.seq, j.node, {Ticks} - "Runs"."EnteredAt", j.outcome, j.port, j.detail)
                        WHEN j.port IS NOT NULL THEN json_array(j.seq, j.node, {Ticks} - "Runs"."EnteredAt", j.outcome, j.port)
                        ELSE json_array(j.seq, j.node, {Ticks} - "Runs"."EnteredAt", j.outcome) END)
                    FROM (SELECT json_extract(value, '$.seq') AS seq, json_extract(value, '$.node') AS node, json_extract(value, '$.at') AS at,
                                 json_extract(value, '$.outcome') AS outcome, json_extract(value, '$.port') AS port, json_extract(value, '$.detail') AS detail
                          FROM json_each("Runs"."Log") ORDER BY key) AS j)
                WHERE "Log" NOT IN ('', '[]');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE "Runs" SET "Log" = (
                    SELECT json_group_array(json_object(
                        'seq', j.seq, 'node', j.node,
                        'at', strftime('%Y-%m-%dT%H:%M:%S', (j.at - 621355968000000000) / 10000000, 'unixepoch') || '.' || printf('%07d', j.at % 10000000) || '+00:00',
                        'outcome', j.outcome, 'port', j.port, 'detail', j.detail))
                    FROM (SELECT json_extract(value, '$[0]') AS seq, json_extract(value, '$[1]') AS node, "Runs"."EnteredAt" + json_extract(value, '$[2]') AS at,
                                 json_extract(value, '$[3]') AS outcome, json_extract(value, '$[4]') AS port, json_extract(value, '$[5]') AS detail
                          FROM json_each("Runs"."Log") ORDER BY key) AS j)
                WHERE "Log" NOT IN ('', '[]');
                """);
        }
    }
}
