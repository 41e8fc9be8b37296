namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// Rows a session reads untracked and writes itself (profiles, runs): one instance per key, the
/// values each had when read, and those the session added. EF Core's change tracker did the same
/// for them at two to three times the cost of the read — a snapshot of every column, boxed, and a
/// scan of all of them at the end — while a batch changes few of the rows it reads.
/// </summary>
/// <param name="keyOf">The row's primary key.</param>
/// <param name="stateOf">Every column that is not the key, as a value compared for equality.</param>
internal sealed class HeldRows<TKey, TRow, TState>(Func<TRow, TKey> keyOf, Func<TRow, TState> stateOf)
    where TKey : notnull
    where TRow : class
    where TState : struct, IEquatable<TState>
{
    private Maps? rented = Maps.Rent();

    // After Release the maps may be another session's: any use from then on fails rather than
    // reading or changing that session's rows.
    private Maps Held => rented ?? throw new ObjectDisposedException(nameof(HeldRows<TKey, TRow, TState>), "The session's rows were released.");

    /// <summary>How many rows the session has added since it began (written or not).</summary>
    public int AddedCount { get; private set; }

    /// <summary>
    /// A row just read from the store: the instance held under its key from now on, which is an
    /// earlier one if the session already holds the row (then the stored copy just read is dropped:
    /// the session's may have changed).
    /// </summary>
    public TRow Read(TRow row)
    {
        var key = keyOf(row);
        if (Held.Rows.TryGetValue(key, out var held))
            return held;
        Held.Rows[key] = row;
        Held.Stored[row] = stateOf(row);
        return row;
    }

    /// <summary>Makes room for <paramref name="more"/> rows about to be read, so that a batch's preload grows the maps once rather than by doubling.</summary>
    public void EnsureRoom(int more)
    {
        Held.Rows.EnsureCapacity(Held.Rows.Count + more);
        Held.Stored.EnsureCapacity(Held.Stored.Count + more);
    }

    /// <summary>A new row, inserted when the session is written.</summary>
    public void Add(TRow row)
    {
        Held.Rows.Add(keyOf(row), row);
        Held.Added.Add(row);
        AddedCount++;
    }

    public TRow? Find(TKey key) => Held.Rows.GetValueOrDefault(key);

    public int Count => Held.Rows.Count;

    /// <summary>Every row held, read or added.</summary>
    public IEnumerable<TRow> All => Held.Rows.Values;

    /// <summary>The rows to insert and those read whose columns changed since (or since the last write).</summary>
    public (IReadOnlyList<TRow> Added, IReadOnlyList<TRow> Changed) Unwritten()
    {
        var changed = new List<TRow>();
        foreach (var (row, state) in Held.Stored)
        {
            if (!stateOf(row).Equals(state))
                changed.Add(row);
        }

        return (Held.Added.ToList(), changed);
    }

    /// <summary>The columns <paramref name="row"/> (read, not added) had when read or last written.</summary>
    public TState Stored(TRow row) => Held.Stored[row];

    /// <summary>After a write of <see cref="Unwritten"/>: what was written is now what the store holds.</summary>
    public void Written(IReadOnlyList<TRow> changed)
    {
        foreach (var row in Held.Added)
            Held.Stored[row] = stateOf(row);
        foreach (var row in changed)
            Held.Stored[row] = stateOf(row);
        Held.Added.Clear();
    }

    public void Clear() => Held.Clear();

    /// <summary>Hands the maps on to a later session, emptied; this instance cannot be used after.</summary>
    public void Release()
    {
        if (rented is { } released)
            Maps.Return(released);
        rented = null;
    }

    /// <summary>
    /// The maps of a session, kept for the next one. A batch holds a few thousand runs, and its maps
    /// of them outgrow 85 KB: made anew for every batch, they went to the large-object heap, whose
    /// budget then set off a full collection every ten batches or so (P2: one or two a pass, and
    /// 50 ms of collection pauses in a 0.45 s pass; 13 ms with no large objects). Maps grown past
    /// <see cref="KeptRows"/> (a schedule's audience of many thousands) are left to the collector.
    /// </summary>
    private sealed class Maps
    {
        private const int KeptRows = 16_384;
        private const int KeptMaps = 4;
        private static readonly Lock Gate = new();
        private static readonly Stack<Maps> Spare = new();

        public Dictionary<TKey, TRow> Rows { get; } = [];

        public Dictionary<TRow, TState> Stored { get; } = new(ReferenceEqualityComparer.Instance);

        public List<TRow> Added { get; } = [];

        public static Maps Rent()
        {
            lock (Gate)
                return Spare.TryPop(out var maps) ? maps : new Maps();
        }

        public static void Return(Maps maps)
        {
            // EnsureCapacity(0) is the capacity, which a map keeps when emptied.
            if (maps.Rows.EnsureCapacity(0) > KeptRows || maps.Stored.EnsureCapacity(0) > KeptRows || maps.Added.Capacity > KeptRows)
                return;
            maps.Clear();
            lock (Gate)
            {
                if (Spare.Count < KeptMaps)
                    Spare.Push(maps);
            }
        }

        public void Clear()
        {
            Rows.Clear();
            Stored.Clear();
            Added.Clear();
        }
    }
}
