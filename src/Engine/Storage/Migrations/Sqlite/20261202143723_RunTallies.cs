using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReEngage.Flows.Engine.Storage.Migrations.Sqlite
{
    /// <summary>
    /// Runs counted by flow, status and (while under way) node into <c>RunTallies</c>, which the
    /// engine keeps with every run it writes; the runs' index by flow and status, rewritten at every
    /// run's end, becomes one by flow only.
    /// </summary>
    public partial class RunTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Runs_FlowId_Status",
                table: "Runs");

            // A WITHOUT ROWID table, as the other small tables found by their text key (see LeanerKeys),
            // which EF Core's model cannot say.
            migrationBuilder.Sql("""
                CREATE TABLE "RunTallies" (
                    "FlowId" TEXT NOT NULL,
                    "Status" TEXT NOT NULL,
                    "NodeId" TEXT NOT NULL,
                    "Count" INTEGER NOT NULL,
                    CONSTRAINT "PK_RunTallies" PRIMARY KEY ("FlowId", "Status", "NodeId")) WITHOUT ROWID;
                INSERT INTO "RunTallies" ("FlowId", "Status", "NodeId", "Count")
                SELECT "FlowId", "Status", CASE WHEN "Status" IN ('Active', 'Waiting') THEN "NodeId" ELSE '' END, COUNT(*)
                FROM "Runs" GROUP BY 1, 2, 3;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Runs_FlowId",
                table: "Runs",
                column: "FlowId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RunTallies");

            migrationBuilder.DropIndex(
                name: "IX_Runs_FlowId",
                table: "Runs");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_FlowId_Status",
                table: "Runs",
                columns: new[] { "FlowId", "Status" });
        }
    }
}
