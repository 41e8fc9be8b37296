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
        var entry = await session.EntryAsync(program.FlowId, customerId, cancellationToken);
        if (program.Reentry != Reentry.Always)
        {
            if (entry is not null && program.Reentry == Reentry.Never)
                return false;

            if ((await session.OpenRunsAsync(customerId, program.FlowId, cancellationToken)).Count > 0)
                return false;

            if (entry is not null && program.Cooldown is { } cooldown
                && LocalClock.Add(entry.LastEnteredAt, cooldown, NodaTime.DateTimeZone.Utc) > session.Now)
            {
                return false;
            }
        }

        if (entry is null)
            session.Add(new EntryRecord { FlowId = program.FlowId, CustomerId = customerId, LastEnteredAt = session.Now, Entries = 1 });
        else
        {
            entry.LastEnteredAt = session.Now;
            entry.Entries++;
        }

        return true;
    }
}
