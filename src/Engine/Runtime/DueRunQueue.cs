using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// A replay batch's runs that fall due before <see cref="Horizon"/>, earliest first, as the engine
/// tick would take them (by due time, then by run id as the store orders it). Runs are offered again
/// whenever a step may have set their due time; an entry whose run has since moved on is dropped
/// when it comes up.
/// </summary>
internal sealed class DueRunQueue(DateTimeOffset horizon)
{
    private readonly PriorityQueue<RunRecord, (DateTimeOffset Wake, string Id)> queue = new(DueOrder.Instance);
    private readonly HashSet<(Guid Run, DateTimeOffset Wake)> queued = [];

    /// <summary>Runs due at or after this instant are left to the replay's own timers.</summary>
    public DateTimeOffset Horizon { get; } = horizon;

    public void Offer(RunRecord run)
    {
        if (run.Status == RunStatus.Waiting && run.WakeAt is { } wake && wake < Horizon && queued.Add((run.Id, wake)))
            queue.Enqueue(run, (wake, StoredId(run.Id)));
    }

    public void Offer(IEnumerable<RunRecord> runs)
    {
        foreach (var run in runs)
            Offer(run);
    }

    /// <summary>When the next run still waiting for the due time it was queued with is due, if that lies before <paramref name="instant"/>.</summary>
    public bool TryPeekBefore(DateTimeOffset instant, out DateTimeOffset wake)
    {
        while (queue.TryPeek(out var next, out var key) && key.Wake < instant)
        {
            if (next.Status == RunStatus.Waiting && next.WakeAt == key.Wake)
            {
                wake = key.Wake;
                return true;
            }

            queue.Dequeue();
        }

        wake = default;
        return false;
    }

    /// <summary>Takes the run <see cref="TryPeekBefore"/> found.</summary>
    public RunRecord Take() => queue.Dequeue();

    // SQLite keeps a Guid as upper-case text and the tick orders by it; ordinal order of the
    // lower-case form is the same order.
    private static string StoredId(Guid id) => id.ToString("D");

    private sealed class DueOrder : IComparer<(DateTimeOffset Wake, string Id)>
    {
        public static readonly DueOrder Instance = new();

        public int Compare((DateTimeOffset Wake, string Id) x, (DateTimeOffset Wake, string Id) y)
        {
            var byWake = x.Wake.CompareTo(y.Wake);
            return byWake != 0 ? byWake : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
