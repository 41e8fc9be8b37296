namespace ReEngage.Flows.Host;

/// <summary>Configuration section <c>ReEngage</c> (environment variables <c>ReEngage__…</c>), DESIGN.md §7.</summary>
public sealed class ReEngageOptions
{
    public const string Section = "ReEngage";

    /// <summary>SQLite file and other state; default a <c>data/</c> folder beside the app.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Flow files loaded at start; default the repository's <c>workflows/</c>.</summary>
    public string? WorkflowsDirectory { get; set; }

    public string? AdminPassword { get; set; }

    /// <summary>Keys sent as <c>X-Api-Key</c>, each with a role: Admin, Marketer, Viewer or Ingest.</summary>
    public List<Security.ApiKeyOptions> ApiKeys { get; set; } = [];

    public StorageSection Storage { get; set; } = new();

    /// <summary>SMTP and gateway endpoints; nothing configured means the recording development channel.</summary>
    public Engine.Channels.ChannelOptions Channels { get; set; } = new();

    public sealed class StorageSection
    {
        public string Provider { get; set; } = "Sqlite";
    }
}
