using ReEngage.Flows.Engine.Storage;

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

    private Dictionary<(string CustomerId, string Type), List<DateTimeOffset>>? events = [];

    /// <summary>Whether every stored event's customer, type and time is known here (what <c>CountEvents</c> and <c>HasEvent</c> read).</summary>
    public bool KnowsEvents => events is not null;

    /// <summary>From now on events are counted in the store again (an identity merge moves them between customers).</summary>
    public void ForgetEvents() => events = null;

    /// <summary>Events a batch has written (a replay stops at a batch that fails, so written is as good as committed).</summary>
    public void Wrote(IEnumerable<EventRecord> written)
    {
        if (events is null)
            return;
        foreach (var record in written)
        {
            if (!events.TryGetValue((record.CustomerId, record.Type), out var times))
                events[(record.CustomerId, record.Type)] = times = [];
            var at = times.Count == 0 || times[^1] <= record.OccurredAt ? times.Count : UpperBound(times, record.OccurredAt);
            times.Insert(at, record.OccurredAt);
        }
    }

    /// <summary>The customer's stored events of <paramref name="type"/> in (<paramref name="from"/>, <paramref name="to"/>]; only while <see cref="KnowsEvents"/>.</summary>
    public int CountEvents(string customerId, string type, DateTimeOffset from, DateTimeOffset to) =>
        events is not null && events.TryGetValue((customerId, type), out var times) && to > from
            ? UpperBound(times, to) - UpperBound(times, from)
            : 0;

    /// <summary>How many of the ascending <paramref name="times"/> are at or before <paramref name="instant"/>.</summary>
    private static int UpperBound(List<DateTimeOffset> times, DateTimeOffset instant)
    {
        var (low, high) = (0, times.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (times[middle] <= instant)
                low = middle + 1;
            else
                high = middle;
        }

        return low;
    }

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
