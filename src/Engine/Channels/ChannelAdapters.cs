using System.Collections.Concurrent;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Channels;

public enum DeliveryOutcome
{
    Delivered,

    /// <summary>Worth trying again later (a timeout, a 5xx, a busy gateway).</summary>
    Retry,

    /// <summary>Will never work (a bad address, a 4xx); recorded as failed.</summary>
    Failed,
}

public sealed record DeliveryResult(DeliveryOutcome Outcome, string? Detail = null);

/// <summary>What an adapter needs to deliver one outbox row. <see cref="IdempotencyKey"/> is stable across retries.</summary>
public sealed record Delivery(MessageRecord Message, string? Email, string? Phone)
{
    public string IdempotencyKey => $"reengage-{Message.Id}";
}

/// <summary>A way out of the engine: one adapter per channel (or per outbox kind).</summary>
public interface IChannelAdapter
{
    bool CanDeliver(MessageRecord message);

    Task<DeliveryResult> DeliverAsync(Delivery delivery, CancellationToken cancellationToken);
}

/// <summary>
/// The default channel: delivers nothing, records everything (development, demos, simulation).
/// Keyed by the outbox id, so a delivery repeated after a crash is recorded once.
/// </summary>
public sealed class RecordingChannel : IChannelAdapter
{
    // Keyed by the step that wrote the message: a replay delivers messages before they are stored and have an id.
    private readonly ConcurrentDictionary<(Guid RunId, int StepSeq), Delivery> delivered = new();

    public IReadOnlyCollection<Delivery> Delivered => [.. delivered.Values.OrderBy(d => d.Message.Id)];

    public bool CanDeliver(MessageRecord message) => true;

    public Task<DeliveryResult> DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        delivered.TryAdd((delivery.Message.RunId, delivery.Message.StepSeq), delivery);
        return Task.FromResult(new DeliveryResult(DeliveryOutcome.Delivered));
    }
}

/// <summary>Picks the adapter for a message: the first registered one that handles it.</summary>
public sealed class ChannelRouter(IEnumerable<IChannelAdapter> adapters)
{
    private readonly IReadOnlyList<IChannelAdapter> adapters = [.. adapters];

    public IChannelAdapter? For(MessageRecord message) => adapters.FirstOrDefault(a => a.CanDeliver(message));

}
