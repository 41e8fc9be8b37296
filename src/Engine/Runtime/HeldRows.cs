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
    private readonly Dictionary<TKey, TRow> rows = [];
    private readonly Dictionary<TRow, TState> stored = new(ReferenceEqualityComparer.Instance);
    private readonly List<TRow> added = [];

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
        if (rows.TryGetValue(key, out var held))
            return held;
        rows[key] = row;
        stored[row] = stateOf(row);
        return row;
    }

    /// <summary>Makes room for <paramref name="more"/> rows about to be read, so that a batch's preload grows the maps once rather than by doubling.</summary>
    public void EnsureRoom(int more)
    {
        rows.EnsureCapacity(rows.Count + more);
        stored.EnsureCapacity(stored.Count + more);
    }

    /// <summary>A new row, inserted when the session is written.</summary>
    public void Add(TRow row)
    {
        rows.Add(keyOf(row), row);
        added.Add(row);
        AddedCount++;
    }

    public TRow? Find(TKey key) => rows.GetValueOrDefault(key);

    public int Count => rows.Count;

    /// <summary>Every row held, read or added.</summary>
    public IEnumerable<TRow> All => rows.Values;

    /// <summary>The rows to insert and those read whose columns changed since (or since the last write).</summary>
    public (IReadOnlyList<TRow> Added, IReadOnlyList<TRow> Changed) Unwritten()
    {
        var changed = new List<TRow>();
        foreach (var (row, state) in stored)
        {
            if (!stateOf(row).Equals(state))
                changed.Add(row);
        }

        return (added.ToList(), changed);
    }

    /// <summary>The columns <paramref name="row"/> (read, not added) had when read or last written.</summary>
    public TState Stored(TRow row) => stored[row];

    /// <summary>After a write of <see cref="Unwritten"/>: what was written is now what the store holds.</summary>
    public void Written(IReadOnlyList<TRow> changed)
    {
        foreach (var row in added)
            stored[row] = stateOf(row);
        foreach (var row in changed)
            stored[row] = stateOf(row);
        added.Clear();
    }

    public void Clear()
    {
        rows.Clear();
        stored.Clear();
        added.Clear();
    }
}
