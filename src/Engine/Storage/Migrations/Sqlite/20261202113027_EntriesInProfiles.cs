using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReEngage.Flows.Engine.Storage.Migrations.Sqlite
{
    /// <summary>
    /// A customer's entries into flows move from rows of their own into the profile
    /// (<c>Customers.EntriesJson</c>, flow id → [last entry as UTC ticks, entries]): an ingest batch
    /// rewrites the profile of every customer it touches anyway, and the entries table was one more
    /// B-tree a batch kept up to date, with a row for every customer and flow entered.
    /// </summary>
    public partial class EntriesInProfiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            ArgumentNullException.ThrowIfNull(migrationBuilder);
            migrationBuilder.AddColumn<string>(
                name: "EntriesJson",
                table: "Customers",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}");

            // Every entry belongs to a profile: the engine makes the profile before the run, and an
            // identity merge moved an anonymous profile's entries along with the rest of it.
            migrationBuilder.Sql("""
                UPDATE "Customers" SET "EntriesJson" = (
                    SELECT json_group_object("FlowId", json_array("LastEnteredAt", "Entries"))
                    FROM (SELECT "FlowId", "LastEnteredAt", "Entries" FROM "Entries" WHERE "Entries"."CustomerId" = "Customers"."Id" ORDER BY "FlowId"))
                WHERE "Id" IN (SELECT "CustomerId" FROM "Entries");
                """);

            migrationBuilder.DropTable(name: "Entries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            ArgumentNullException.ThrowIfNull(migrationBuilder);

            // As LeanerKeys left it: keyed customer first, without a rowid.
            migrationBuilder.Sql("""
                CREATE TABLE "Entries" ("CustomerId" TEXT NOT NULL, "FlowId" TEXT NOT NULL, "LastEnteredAt" INTEGER NOT NULL, "Entries" INTEGER NOT NULL,
                    CONSTRAINT "PK_Entries" PRIMARY KEY ("CustomerId", "FlowId")) WITHOUT ROWID;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "Entries" ("CustomerId", "FlowId", "LastEnteredAt", "Entries")
                SELECT c."Id", e."key", json_extract(e."value", '$[0]'), json_extract(e."value", '$[1]')
                FROM "Customers" c, json_each(c."EntriesJson") e;
                """);

            migrationBuilder.DropColumn(name: "EntriesJson", table: "Customers");
        }
    }
}
