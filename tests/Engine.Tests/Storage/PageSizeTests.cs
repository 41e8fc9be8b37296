using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Tests.Storage;

/// <summary>A new store file gets the engine's page size and WAL mode; a store made before keeps the page size it has.</summary>
public sealed class PageSizeTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("reengage-page-size-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        folder.Delete(recursive: true);
    }

    private FlowDbContextFactory Databases(string name) =>
        new(new StorageOptions { Provider = StorageProvider.Sqlite, SqlitePath = Path.Combine(folder.FullName, "data", name) });

    [Fact]
    public async Task A_new_store_is_made_with_the_engines_page_size_in_WAL_mode()
    {
        await using var db = Databases("new.db").CreateDbContext();
        await StorageSetup.MigrateAsync(db);

        Assert.Equal(StorageSetup.PageBytes, await PragmaAsync(db, "page_size"));
        Assert.Equal("wal", await TextPragmaAsync(db, "journal_mode"));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task A_store_made_with_another_page_size_keeps_it_and_is_migrated()
    {
        var databases = Databases("old.db");
        await using (var db = databases.CreateDbContext())
        {
            // As stores were made before: EF creates the file with SQLite's default page size.
            Directory.CreateDirectory(Path.Combine(folder.FullName, "data"));
            await db.GetService<IMigrator>().MigrateAsync("20261123173708_Initial");
            Assert.Equal(4096, await PragmaAsync(db, "page_size"));
        }

        await using (var db = databases.CreateDbContext())
        {
            await StorageSetup.MigrateAsync(db);
            Assert.Equal(4096, await PragmaAsync(db, "page_size"));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
    }

    private static async Task<long> PragmaAsync(FlowDbContext db, string name) =>
        Convert.ToInt64(await ScalarAsync(db, $"PRAGMA {name};"), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string?> TextPragmaAsync(FlowDbContext db, string name) => (await ScalarAsync(db, $"PRAGMA {name};"))?.ToString();

    private static async Task<object?> ScalarAsync(FlowDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
