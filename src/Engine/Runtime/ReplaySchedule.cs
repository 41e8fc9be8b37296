using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// A replay's schedule triggers and when each fires next. The simulator fires them between batches;
/// a batch that can read every known customer without asking the store (see <see cref="Storage.CustomerMirror"/>)
/// fires those that fall between its events itself, and takes them off here.
/// </summary>
internal sealed class ReplaySchedule
{
    private readonly List<Slot> slots;

    public ReplaySchedule(IEnumerable<FlowDefinition> flows, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(flows);
        slots = [.. flows.SelectMany(f => f.Nodes.OfType<TriggerNode>()
            .Where(t => t.On == TriggerKind.Schedule)
            .Select(t => new Slot(f.Id, t) { Next = Schedules.NextFire(t, start.AddTicks(-1)) }))];
    }

    /// <summary>The earliest next fire of any schedule trigger; null when none will fire again.</summary>
    public DateTimeOffset? Next => slots.Select(s => s.Next).Where(n => n is not null).Min();

    /// <summary>The earliest fire before <paramref name="before"/>, when there is one (ties in flow order).</summary>
    public bool TryPeekBefore(DateTimeOffset before, out string flowId, out string triggerId, out DateTimeOffset at)
    {
        Slot? first = null;
        foreach (var slot in slots)
        {
            if (slot.Next is { } next && next < before && (first is null || next < first.Next))
                first = slot;
        }

        (flowId, triggerId, at) = first is null ? ("", "", default) : (first.FlowId, first.Trigger.Id, first.Next!.Value);
        return first is not null;
    }

    /// <summary>The triggers due by <paramref name="now"/>, in flow order.</summary>
    public IReadOnlyList<(string FlowId, string TriggerId)> DueBy(DateTimeOffset now) =>
        [.. slots.Where(s => s.Next <= now).Select(s => (s.FlowId, s.Trigger.Id))];

    /// <summary>The trigger fired at <paramref name="at"/>: its next fire is the one after that.</summary>
    public void Fired(string flowId, string triggerId, DateTimeOffset at)
    {
        var slot = slots.First(s => s.FlowId == flowId && s.Trigger.Id == triggerId);
        slot.Next = Schedules.NextFire(slot.Trigger, at);
    }

    private sealed class Slot(string flowId, TriggerNode trigger)
    {
        public string FlowId { get; } = flowId;

        public TriggerNode Trigger { get; } = trigger;

        public DateTimeOffset? Next { get; set; }
    }
}
