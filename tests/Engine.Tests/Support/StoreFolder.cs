using Microsoft.Data.Sqlite;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Tests.Support;

/// <summary>
/// A temporary folder holding one SQLite store file, for tests that build a store schema step by step
/// (migrations up and down). Disposing it clears the connection pools first: a pooled connection
/// would keep the file open.
/// </summary>
internal sealed class StoreFolder(string name) : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory($"reengage-{name}-");

    public string StorePath => Path.Combine(folder.FullName, "engine.db");

    /// <summary>A factory for the store file, which it neither creates nor migrates.</summary>
    public FlowDbContextFactory Databases() => new(new StorageOptions { Provider = StorageProvider.Sqlite, SqlitePath = StorePath });

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        folder.Delete(recursive: true);
    }
}
