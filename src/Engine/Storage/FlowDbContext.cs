using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ReEngage.Flows.Engine.Storage;

/// <summary>
/// The engine's database. Provider-neutral: each provider derives from it (its own migrations
/// and conventions live with the derived type), so PostgreSQL slots in beside SQLite.
/// </summary>
public abstract class FlowDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<CustomerRecord> Customers => Set<CustomerRecord>();

    public DbSet<CustomerOrderRecord> CustomerOrders => Set<CustomerOrderRecord>();

    public DbSet<IdentityLinkRecord> IdentityLinks => Set<IdentityLinkRecord>();

    public DbSet<EventRecord> Events => Set<EventRecord>();

    public DbSet<FlowRecord> Flows => Set<FlowRecord>();

    public DbSet<FlowVersionRecord> FlowVersions => Set<FlowVersionRecord>();

    public DbSet<RunRecord> Runs => Set<RunRecord>();

    public DbSet<NodeCountRecord> NodeCounts => Set<NodeCountRecord>();

    public DbSet<RunTallyRecord> RunTallies => Set<RunTallyRecord>();

    public DbSet<MessageRecord> Messages => Set<MessageRecord>();

    public DbSet<CouponIssueRecord> CouponIssues => Set<CouponIssueRecord>();

    public DbSet<EngineStateRecord> EngineState => Set<EngineStateRecord>();

    public DbSet<CampaignRecord> Campaigns => Set<CampaignRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<CustomerRecord>(e =>
        {
            e.Ignore(c => c.Views);
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.Email);
            e.HasIndex(c => c.TimeZone);
        });
        modelBuilder.Entity<CustomerOrderRecord>().HasKey(o => new { o.CustomerId, o.OrderId });
        modelBuilder.Entity<IdentityLinkRecord>().HasKey(l => l.AnonymousId);

        modelBuilder.Entity<EventRecord>(e =>
        {
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).ValueGeneratedOnAdd();
            e.HasIndex(x => x.EventId).IsUnique();
            e.HasIndex(x => x.Key).IsUnique();
            e.HasIndex(x => new { x.CustomerId, x.Type, x.OccurredAt });
        });

        modelBuilder.Entity<FlowRecord>().HasKey(f => f.Id);
        modelBuilder.Entity<FlowVersionRecord>().HasKey(v => new { v.FlowId, v.Version });

        modelBuilder.Entity<RunRecord>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();

            // Only runs with a due time, which the tick looks for: a run that ends (most of an ingest's
            // runs end in the batch that starts them) leaves the index or never enters it. A query
            // reaches the index only with a condition on WakeAt.
            e.HasIndex(r => new { r.Status, r.WakeAt }).HasFilter("\"WakeAt\" IS NOT NULL");
            e.HasIndex(r => new { r.CustomerId, r.Status });

            // No index by flow: what the stats, the designer and the campaigns ask of a flow's runs
            // comes from RunTallies, and only finishing a flow (an admin's rare action) still looks
            // for its runs, by a scan. Kept up with every run a batch started, such an index was 5 %
            // of an ingest (runs by flow and status, before, was more: every run's end rewrote it).
        });

        modelBuilder.Entity<NodeCountRecord>().HasKey(c => new { c.FlowId, c.NodeId, c.Outcome, c.Port, c.Day });
        modelBuilder.Entity<RunTallyRecord>().HasKey(t => new { t.FlowId, t.Status, t.NodeId });

        modelBuilder.Entity<MessageRecord>(e =>
        {
            e.HasKey(m => m.Id);
            e.HasIndex(m => new { m.RunId, m.StepSeq }).IsUnique();
            e.HasIndex(m => new { m.Status, m.DueAt });
            e.HasIndex(m => new { m.CustomerId, m.CreatedAt });
            e.HasIndex(m => new { m.FlowId, m.CreatedAt });
        });

        // CustomerOrders, NodeCounts, IdentityLinks and RunTallies are WITHOUT ROWID tables on SQLite (migration
        // LeanerKeys), which EF Core's model cannot say: a migration that rebuilds one of them must
        // write that clause again.

        modelBuilder.Entity<CouponIssueRecord>(e =>
        {
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.UniqueCode).IsUnique();
            e.HasIndex(c => c.Code);
            e.HasIndex(c => new { c.PoolId, c.CustomerId });
        });

        modelBuilder.Entity<EngineStateRecord>().HasKey(s => s.Key);

        modelBuilder.Entity<CampaignRecord>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).ValueGeneratedOnAdd();
            e.HasIndex(c => new { c.Status, c.StartAt });
            e.HasIndex(c => c.FlowId);
        });
    }
}

/// <summary>SQLite: the embedded default. Instants are stored as UTC ticks so they sort and compare in SQL.</summary>
public sealed class SqliteFlowDbContext(DbContextOptions<SqliteFlowDbContext> options) : FlowDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<decimal>().HaveConversion<double>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}
