namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// What a replay's ingest batches know without asking the store, because the replay is the only
/// writer of its temporary store: which event ids are stored, and which orders each customer has
/// had counted. Each one-event batch of a replay had spent two of its queries looking these up.
/// Only committed batches are remembered; an identity merge (which moves orders between profiles
/// outside the batch's own bookkeeping) makes the orders unknown again for the rest of the replay.
/// </summary>
internal sealed class ReplayMemory
{
    private readonly HashSet<string> eventIds = new(StringComparer.Ordinal);
    private Dictionary<string, HashSet<string>>? orders = new(StringComparer.Ordinal);

    /// <summary>Of these event ids, the ones already stored.</summary>
    public IEnumerable<string> Stored(IEnumerable<string> ids) => ids.Where(eventIds.Contains);

    /// <summary>Whether the counted orders of every customer are known here.</summary>
    public bool KnowsOrders => orders is not null;

    /// <summary>The orders counted for this customer (empty when none); only while <see cref="KnowsOrders"/>.</summary>
    public IEnumerable<string> OrdersOf(string customerId) =>
        orders is not null && orders.TryGetValue(customerId, out var known) ? known : [];

    /// <summary>From now on orders are read from the store again.</summary>
    public void ForgetOrders() => orders = null;

    /// <summary>A batch committed: its stored event ids and newly counted orders.</summary>
    public void Remember(IEnumerable<string> storedEventIds, IEnumerable<(string CustomerId, string OrderId)> countedOrders)
    {
        eventIds.UnionWith(storedEventIds);
        if (orders is null)
            return;
        foreach (var (customerId, orderId) in countedOrders)
        {
            if (!orders.TryGetValue(customerId, out var known))
                orders[customerId] = known = new HashSet<string>(StringComparer.Ordinal);
            known.Add(orderId);
        }
    }
}
