using Microsoft.EntityFrameworkCore;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// What an ingest batch looks up once rather than per event: which of its event ids are already
/// stored, and which anonymous ids already belong to a customer.
/// </summary>
internal sealed class BatchKnowledge
{
    private readonly Dictionary<string, string> links = new(StringComparer.Ordinal);

    private BatchKnowledge(HashSet<string> seen) => SeenEventIds = seen;

    /// <summary>Event ids stored before or earlier in this batch; adding one that is here is a duplicate.</summary>
    public HashSet<string> SeenEventIds { get; }

    public static async Task<BatchKnowledge> LoadAsync(EngineSession session, IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken)
    {
        var db = session.Db;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ids = events.Select(e => e.EventId).OfType<string>().Distinct(StringComparer.Ordinal);
        if (session.Memory is { } memory)
            seen.UnionWith(memory.Stored(ids));
        else
        {
            foreach (var chunk in ids.Chunk(500))
                seen.UnionWith(await db.Events.AsNoTracking().Where(e => e.EventId != null && chunk.Contains(e.EventId)).Select(e => e.EventId!).ToListAsync(cancellationToken));
        }

        var knowledge = new BatchKnowledge(seen);
        foreach (var chunk in events.Where(e => e.CustomerId is null).Select(e => e.AnonymousId).OfType<string>().Distinct(StringComparer.Ordinal).Chunk(500))
        {
            foreach (var link in await db.IdentityLinks.AsNoTracking().Where(l => chunk.Contains(l.AnonymousId)).ToListAsync(cancellationToken))
                knowledge.links[link.AnonymousId] = link.CustomerId;
        }

        return knowledge;
    }

    public string CustomerIdOf(IncomingEvent incoming) =>
        incoming.CustomerId
        ?? links.GetValueOrDefault(incoming.AnonymousId!)
        ?? IdentityMerge.AnonymousProfileId(incoming.AnonymousId!);

    public async Task IdentifyAsync(EngineSession session, string anonymousId, string customerId, CancellationToken cancellationToken)
    {
        if (links.TryGetValue(anonymousId, out var known) && known == customerId)
            return;
        links[anonymousId] = customerId;
        await IdentityMerge.LinkAsync(session, anonymousId, customerId, cancellationToken);
    }
}
