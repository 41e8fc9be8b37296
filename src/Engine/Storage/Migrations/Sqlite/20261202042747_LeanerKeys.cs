using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReEngage.Flows.Engine.Storage.Migrations.Sqlite
{
    /// <summary>
    /// Fewer B-trees for an ingest batch to keep up to date. Entries are keyed customer first (every
    /// read is by customer), so their by-customer index goes; entries, customer orders, node counts
    /// and identity links become <c>WITHOUT ROWID</c> tables: small rows found by a text key, which
    /// SQLite otherwise stores twice (the row under a hidden rowid, and an index from the key to it).
    /// The runs' due-time index keeps only runs with a due time. EF Core's model cannot say
    /// <c>WITHOUT ROWID</c>: a later migration that rebuilds one of these tables must write it again.
    /// </summary>
    public partial class LeanerKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            ArgumentNullException.ThrowIfNull(migrationBuilder);
            migrationBuilder.DropIndex(name: "IX_Runs_Status_WakeAt", table: "Runs");
            migrationBuilder.CreateIndex(name: "IX_Runs_Status_WakeAt", table: "Runs", columns: ["Status", "WakeAt"], filter: "\"WakeAt\" IS NOT NULL");
            foreach (var table in Tables)
                Rebuild(migrationBuilder, table, table.Key, " WITHOUT ROWID", []);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            ArgumentNullException.ThrowIfNull(migrationBuilder);
            migrationBuilder.DropIndex(name: "IX_Runs_Status_WakeAt", table: "Runs");
            migrationBuilder.CreateIndex(name: "IX_Runs_Status_WakeAt", table: "Runs", columns: ["Status", "WakeAt"]);
            foreach (var table in Tables)
            {
                if (table.Name == "Entries")
                    Rebuild(migrationBuilder, table, ["FlowId", "CustomerId"], "", ["CREATE INDEX \"IX_Entries_CustomerId\" ON \"Entries\" (\"CustomerId\");"]);
                else
                    Rebuild(migrationBuilder, table, table.Key, "", []);
            }
        }

        private sealed record Table(string Name, string[] Columns, string[] Key);

        private static readonly Table[] Tables =
        [
            new("Entries", ["\"CustomerId\" TEXT NOT NULL", "\"FlowId\" TEXT NOT NULL", "\"LastEnteredAt\" INTEGER NOT NULL", "\"Entries\" INTEGER NOT NULL"], ["CustomerId", "FlowId"]),
            new("CustomerOrders", ["\"CustomerId\" TEXT NOT NULL", "\"OrderId\" TEXT NOT NULL"], ["CustomerId", "OrderId"]),
            new("NodeCounts", ["\"FlowId\" TEXT NOT NULL", "\"NodeId\" TEXT NOT NULL", "\"Outcome\" TEXT NOT NULL", "\"Port\" TEXT NOT NULL", "\"Day\" INTEGER NOT NULL", "\"Count\" INTEGER NOT NULL"],
                ["FlowId", "NodeId", "Outcome", "Port", "Day"]),
            new("IdentityLinks", ["\"AnonymousId\" TEXT NOT NULL", "\"CustomerId\" TEXT NOT NULL"], ["AnonymousId"]),
        ];

        /// <summary>The table made anew with this key and <paramref name="options"/>, its rows copied, then <paramref name="indexes"/> made.</summary>
        private static void Rebuild(MigrationBuilder migrationBuilder, Table table, string[] key, string options, string[] indexes)
        {
            var copy = $"ef_temp_{table.Name}";
            var names = string.Join(", ", table.Columns.Select(c => c[..(c.IndexOf('"', 1) + 1)]));
            var keyColumns = string.Join(", ", key.Select(k => $"\"{k}\""));
            migrationBuilder.Sql($"CREATE TABLE \"{copy}\" ({string.Join(", ", table.Columns)}, CONSTRAINT \"PK_{table.Name}\" PRIMARY KEY ({keyColumns})){options};");
            migrationBuilder.Sql($"INSERT INTO \"{copy}\" ({names}) SELECT {names} FROM \"{table.Name}\";");
            migrationBuilder.Sql($"DROP TABLE \"{table.Name}\";");
            migrationBuilder.Sql($"ALTER TABLE \"{copy}\" RENAME TO \"{table.Name}\";");
            foreach (var index in indexes)
                migrationBuilder.Sql(index);
        }
    }
}
