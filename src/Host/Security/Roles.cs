namespace ReEngage.Flows.Host.Security;

/// <summary>The roles of DESIGN.md §7 and the policies endpoints ask for.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Marketer = "Marketer";
    public const string Viewer = "Viewer";

    /// <summary>API keys that may only post events.</summary>
    public const string Ingest = "Ingest";

    public static IReadOnlyList<string> All { get; } = [Admin, Marketer, Viewer, Ingest];

    public static class Policies
    {
        /// <summary>Read anything: Viewer, Marketer, Admin (not Ingest).</summary>
        public const string Read = "read";

        /// <summary>Edit and publish flows, campaigns: Marketer, Admin.</summary>
        public const string Edit = "edit";

        /// <summary>Pause, resume, settings, users: Admin.</summary>
        public const string Administer = "administer";

        /// <summary>Post events: Ingest keys, and anyone who may edit.</summary>
        public const string IngestEvents = "ingest";
    }
}
