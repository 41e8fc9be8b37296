using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>The engine's parts wired together over one database and one clock (the host does the same through DI).</summary>
public sealed class EngineParts
{
    public EngineParts(IDbContextFactory<FlowDbContext> databases, TimeProvider time, IEnumerable<IChannelAdapter>? adapters = null)
        : this(databases, time, adapters, replay: false)
    {
    }

    /// <summary>With <paramref name="replay"/>, the parts a simulation runs on (see <see cref="OutboxDispatcher.DeliversOnTime"/>).</summary>
    internal EngineParts(IDbContextFactory<FlowDbContext> databases, TimeProvider time, IEnumerable<IChannelAdapter>? adapters, bool replay)
    {
        Databases = databases;
        Time = time;
        Recorder = new RecordingChannel();
        Catalog = new FlowCatalog(FlowValidator.Default);
        Renderer = new MessageRenderer();
        Engine = new FlowEngine(databases, Catalog, Renderer, time) 
        {
            Memory = replay ? new ReplayMemory() : null,
            Mirror = replay && databases is ExclusiveSqliteStore store ? store.Customers : null,
        };
        Dispatcher = new OutboxDispatcher(databases, new ChannelRouter([.. adapters ?? [], Recorder]), time) { Control = Engine.Control, DeliversOnTime = replay };
        if (replay)
            Engine.Deliverer = Dispatcher;
        Campaigns = new Campaigns.CampaignRunner(databases, Catalog, Engine, time);
    }

    public IDbContextFactory<FlowDbContext> Databases { get; }

    public TimeProvider Time { get; }

    public RecordingChannel Recorder { get; }

    public FlowCatalog Catalog { get; }

    public MessageRenderer Renderer { get; }

    public FlowEngine Engine { get; }

    public OutboxDispatcher Dispatcher { get; }

    public Campaigns.CampaignRunner Campaigns { get; }
}
