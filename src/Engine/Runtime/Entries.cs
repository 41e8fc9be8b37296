using System.Buffers;
using System.Text;
using System.Text.Json;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// The re-entry rules: <c>never</c> — once per customer, ever; <c>after</c> + cooldown — again once the
/// cooldown since the last entry has passed and no run is under way; <c>always</c> — a run per trigger.
/// </summary>
internal static class Entries
{
    public static async Task<bool> AdmitAsync(EngineSession session, FlowProgram program, string customerId, CancellationToken cancellationToken)
    {
        var entries = await session.EntriesAsync(customerId, cancellationToken);
        var entry = entries.Of(program.FlowId);
        if (program.Reentry != Reentry.Always)
        {
            if (entry is not null && program.Reentry == Reentry.Never)
                return false;

            if ((await session.OpenRunsAsync(customerId, program.FlowId, cancellationToken)).Count > 0)
                return false;

            if (entry is { } last && program.Cooldown is { } cooldown
                && LocalClock.Add(last.LastEnteredAt, cooldown, NodaTime.DateTimeZone.Utc) > session.Now)
            {
                return false;
            }
        }

        entries.Enter(program.FlowId, session.Now);
        return true;
    }
}

/// <summary>A customer's entries into one flow.</summary>
internal readonly record struct FlowEntry(DateTimeOffset LastEnteredAt, int Count);

/// <summary>
/// A customer's entries into every flow, as <see cref="CustomerRecord.EntriesJson"/> holds them:
/// <c>{"flow-id":[lastEnteredAtUtcTicks,count],…}</c>, flows in ordinal order. Ticks, as every
/// other instant on SQLite, so that a cooldown compares exactly what was stored.
/// </summary>
internal sealed class CustomerEntries
{
    // In ordinal order of flow id: a profile holds a few of the store's flows, so a scan of a list
    // finds one as fast as a tree would, and a batch parses one of these for every customer it admits.
    private readonly List<(string FlowId, FlowEntry Entry)> byFlow;

    private CustomerEntries(List<(string FlowId, FlowEntry Entry)> byFlow) => this.byFlow = byFlow;

    /// <summary>True once <see cref="Enter"/> or <see cref="Merge"/> changed them since they were read or last written back.</summary>
    public bool Changed { get; private set; }

    public int Count => byFlow.Count;

    public FlowEntry? Of(string flowId) => IndexOf(flowId) is var i and >= 0 ? byFlow[i].Entry : null;

    /// <summary>Counts an entry into the flow at <paramref name="at"/>.</summary>
    public void Enter(string flowId, DateTimeOffset at)
    {
        var i = IndexOf(flowId);
        Set(i, flowId, i >= 0 ? new FlowEntry(at, byFlow[i].Entry.Count + 1) : new FlowEntry(at, 1));
    }

    /// <summary>Adds another profile's entries (an identity merge): counts add up, the later entry is kept.</summary>
    public void Merge(CustomerEntries other)
    {
        foreach (var (flowId, theirs) in other.byFlow)
        {
            var i = IndexOf(flowId);
            Set(i, flowId, i >= 0 && byFlow[i].Entry is var mine
                ? new FlowEntry(mine.LastEnteredAt > theirs.LastEnteredAt ? mine.LastEnteredAt : theirs.LastEnteredAt, mine.Count + theirs.Count)
                : theirs);
        }
    }

    /// <summary>The flow's position, or the bitwise complement of where it would go.</summary>
    private int IndexOf(string flowId)
    {
        for (var i = 0; i < byFlow.Count; i++)
        {
            var order = string.CompareOrdinal(byFlow[i].FlowId, flowId);
            if (order == 0)
                return i;
            if (order > 0)
                return ~i;
        }

        return ~byFlow.Count;
    }

    private void Set(int index, string flowId, FlowEntry entry)
    {
        if (index >= 0)
            byFlow[index] = (flowId, entry);
        else
            byFlow.Insert(~index, (flowId, entry));
        Changed = true;
    }

    /// <summary>Reads a profile's entries; text that is not what <see cref="ToJson"/> writes fails naming the customer.</summary>
    public static CustomerEntries Parse(CustomerRecord customer)
    {
        var json = customer.EntriesJson;
        if (json is "{}" or "")
            return new CustomerEntries([]);
        var byFlow = new List<(string FlowId, FlowEntry Entry)>(4);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(0, Encoding.UTF8.GetBytes(json, bytes)));
            Expect(ref reader, JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var flowId = reader.GetString()!;
                Expect(ref reader, JsonTokenType.StartArray);
                Expect(ref reader, JsonTokenType.Number);
                var ticks = reader.GetInt64();
                Expect(ref reader, JsonTokenType.Number);
                var count = reader.GetInt32();
                Expect(ref reader, JsonTokenType.EndArray);
                byFlow.Add((flowId, new FlowEntry(new DateTimeOffset(ticks, TimeSpan.Zero), count)));
            }

            if (reader.TokenType != JsonTokenType.EndObject)
                throw new JsonException($"expected the end of the object, found {reader.TokenType}");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"Customer '{customer.Id}': the stored entries ({nameof(CustomerRecord.EntriesJson)}) are not an object of flow id → [ticks, count]: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        // Written in order; sorted anyway, so that text written by other means still reads right.
        byFlow.Sort((x, y) => string.CompareOrdinal(x.FlowId, y.FlowId));
        for (var i = 1; i < byFlow.Count; i++)
        {
            if (byFlow[i].FlowId == byFlow[i - 1].FlowId)
                throw new InvalidDataException($"Customer '{customer.Id}': the stored entries ({nameof(CustomerRecord.EntriesJson)}) name flow '{byFlow[i].FlowId}' twice.");
        }

        return new CustomerEntries(byFlow);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
            throw new JsonException($"expected {token} at byte {reader.TokenStartIndex}, found {reader.TokenType}");
    }

    // ToJson's buffer and writer, reused: it runs once a batch for every profile whose entries changed.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    public string ToJson()
    {
        if (byFlow.Count == 0)
            return "{}";
        var output = buffer ??= new ArrayBufferWriter<byte>(256);
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output);
        json.Reset(output);
        json.WriteStartObject();
        foreach (var (flowId, entry) in byFlow)
        {
            json.WriteStartArray(flowId);
            json.WriteNumberValue(entry.LastEnteredAt.UtcTicks);
            json.WriteNumberValue(entry.Count);
            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.Flush();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Writes them back into the profile they were read from, if they changed.</summary>
    public void WriteInto(CustomerRecord customer)
    {
        if (!Changed)
            return;
        customer.EntriesJson = ToJson();
        Changed = false;
    }
}
