namespace ReEngage.Flows.Engine.Storage;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the engine keeps its data (configuration section <c>ReEngage:Storage</c>).</summary>
public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>SQLite: the database file. Its folder is created on first start.</summary>
    public string SqlitePath { get; set; } = Path.Combine("data", "reengage.db");

    /// <summary>PostgreSQL: the Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }
}
