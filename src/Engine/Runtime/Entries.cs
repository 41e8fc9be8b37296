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
    private readonly SortedDictionary<string, FlowEntry> byFlow;

    private CustomerEntries(SortedDictionary<string, FlowEntry> byFlow) => this.byFlow = byFlow;

    /// <summary>True once <see cref="Enter"/> or <see cref="Merge"/> changed them since they were read or last written back.</summary>
    public bool Changed { get; private set; }

    public int Count => byFlow.Count;

    public FlowEntry? Of(string flowId) => byFlow.TryGetValue(flowId, out var entry) ? entry : null;

    /// <summary>Counts an entry into the flow at <paramref name="at"/>.</summary>
    public void Enter(string flowId, DateTimeOffset at)
    {
        byFlow[flowId] = byFlow.TryGetValue(flowId, out var entry) ? new FlowEntry(at, entry.Count + 1) : new FlowEntry(at, 1);
        Changed = true;
    }

    /// <summary>Adds another profile's entries (an identity merge): counts add up, the later entry is kept.</summary>
    public void Merge(CustomerEntries other)
    {
        foreach (var (flowId, theirs) in other.byFlow)
        {
            byFlow[flowId] = byFlow.TryGetValue(flowId, out var mine)
                ? new FlowEntry(mine.LastEnteredAt > theirs.LastEnteredAt ? mine.LastEnteredAt : theirs.LastEnteredAt, mine.Count + theirs.Count)
                : theirs;
            Changed = true;
        }
    }

    /// <summary>Reads a profile's entries; text that is not what <see cref="ToJson"/> writes fails naming the customer.</summary>
    public static CustomerEntries Parse(CustomerRecord customer)
    {
        var byFlow = new SortedDictionary<string, FlowEntry>(StringComparer.Ordinal);
        if (customer.EntriesJson is "{}" or "")
            return new CustomerEntries(byFlow);
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(customer.EntriesJson));
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
                byFlow[flowId] = new FlowEntry(new DateTimeOffset(ticks, TimeSpan.Zero), count);
            }

            if (reader.TokenType != JsonTokenType.EndObject)
                throw new JsonException($"expected the end of the object, found {reader.TokenType}");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"Customer '{customer.Id}': the stored entries ({nameof(CustomerRecord.EntriesJson)}) are not an object of flow id → [ticks, count]: {e.Message}", e);
        }

        return new CustomerEntries(byFlow);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
            throw new JsonException($"expected {token} at byte {reader.TokenStartIndex}, found {reader.TokenType}");
    }

    public string ToJson()
    {
        if (byFlow.Count == 0)
            return "{}";
        var buffer = new ArrayBufferWriter<byte>(32 * byFlow.Count + 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (flowId, entry) in byFlow)
            {
                writer.WriteStartArray(flowId);
                writer.WriteNumberValue(entry.LastEnteredAt.UtcTicks);
                writer.WriteNumberValue(entry.Count);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
