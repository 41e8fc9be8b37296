using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReEngage.Flows.Engine.Storage.Migrations.Sqlite
{
    /// <summary>
    /// The runs lose their index by flow: the flows' counts come from RunTallies, and finishing a
    /// flow, the one thing left that looks for a flow's runs, scans for them. Down: the index again.
    /// </summary>
    public partial class RunsWithoutFlowIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Runs_FlowId",
                table: "Runs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Runs_FlowId",
                table: "Runs",
                column: "FlowId");
        }
    }
}
