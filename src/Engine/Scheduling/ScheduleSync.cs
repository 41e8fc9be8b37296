using Quartz;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Engine.Scheduling;

/// <summary>
/// Keeps one Quartz cron trigger per schedule trigger of each active flow — never one per customer:
/// audiences are entered in batches when the trigger fires. A cron that will not fire again (a
/// one-off whose moment passed, as a started campaign's) needs no trigger: Quartz refuses one.
/// </summary>
public static class ScheduleSync
{
    public const string Group = "flow-schedules";

    public static async Task SyncAsync(IScheduler scheduler, IEnumerable<FlowProgram> active, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var wanted = new Dictionary<JobKey, (FlowProgram Program, TriggerNode Trigger)>();
        foreach (var program in active)
        {
            foreach (var trigger in program.Triggers.Where(t => t.On == TriggerKind.Schedule && Schedules.NextFire(t, now) is not null))
                wanted[new JobKey($"{program.FlowId}/{trigger.Id}", Group)] = (program, trigger);
        }

        foreach (var existing in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), cancellationToken))
        {
            if (!wanted.ContainsKey(existing))
                await scheduler.DeleteJob(existing, cancellationToken);
        }

        foreach (var (key, (program, trigger)) in wanted)
        {
            var zone = trigger.TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var info) ? info : TimeZoneInfo.Utc;
            var job = JobBuilder.Create<ScheduleTriggerJob>()
                .WithIdentity(key)
                .UsingJobData(ScheduleTriggerJob.FlowIdKey, program.FlowId)
                .UsingJobData(ScheduleTriggerJob.TriggerIdKey, trigger.Id)
                .Build();
            var cron = TriggerBuilder.Create()
                .WithIdentity(key.Name, Group)
                .WithCronSchedule(trigger.Cron!, c => c.InTimeZone(zone))
                .Build();
            await scheduler.DeleteJob(key, cancellationToken);
            await scheduler.ScheduleJob(job, cron, cancellationToken: cancellationToken);
        }
    }
}
