using System.Text.RegularExpressions;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>Flow-level settings: id, entry, exitOn, goal, quiet hours, caps, layout.</summary>
internal static partial class SettingRules
{
    public static void Check(FlowDefinition flow, ProblemSink sink)
    {
        if (!FlowId().IsMatch(flow.Id))
            sink.Error(ProblemCodes.InvalidId, $"The flow id '{flow.Id}' may only hold lower-case letters, digits and dashes (e.g. abandoned-cart).", path: "$.id");
        if (string.IsNullOrWhiteSpace(flow.Name))
            sink.Error(ProblemCodes.MissingSetting, "The flow needs a name.", path: "$.name");

        if (flow.Entry is { } entry)
        {
            if (entry.Reentry == Reentry.After)
            {
                sink.Required(entry.Cooldown, "cooldown", "when reentry is 'after'", null, "$.entry.cooldown");
                if (entry.Cooldown is not null)
                    sink.Duration(entry.Cooldown, "re-entry cooldown", null, "$.entry.cooldown");
            }
            else
            {
                sink.Unused(entry.Cooldown, "cooldown", "with reentry 'after'", null, "$.entry.cooldown");
            }
        }

        for (var i = 0; i < (flow.ExitOn?.Count ?? 0); i++)
            CheckMatch(flow.ExitOn![i], "exit event", $"$.exitOn[{i}]", sink);

        if (flow.Goal is { } goal)
        {
            CheckMatch(new EventMatch { Event = goal.Event, Filter = goal.Filter }, "goal", "$.goal", sink);
            if (goal.Within is not null)
                sink.Duration(goal.Within, "goal window", null, "$.goal.within");
        }

        if (flow.QuietHours is { } quiet)
        {
            sink.TimeOfDay(quiet.From, "quiet hours start", null, "$.quietHours.from");
            sink.TimeOfDay(quiet.To, "quiet hours end", null, "$.quietHours.to");
            if (quiet.From == quiet.To)
                sink.Error(ProblemCodes.InvalidTime, "Quiet hours start and end at the same time; give a window such as 21:00 to 08:00.", path: "$.quietHours");
        }

        if (flow.Caps is { } caps)
        {
            if (caps.UnreadChatCap is < 0)
                sink.Error(ProblemCodes.InvalidSetting, "The unread chat cap cannot be negative.", path: "$.caps.unreadChatCap");
            if (caps.UnreadCapAction == UnreadCapAction.Wait && caps.UnreadChatCap == 0)
            {
                sink.Error(ProblemCodes.InvalidSetting,
                    "unreadCapAction 'wait' holds a chat until the customer reads an earlier one, but an unread chat cap of 0 allows no chat to be read first: raise the cap or use 'skip'.",
                    path: "$.caps.unreadCapAction");
            }
            if (caps.FrequencyCap is { } frequency)
            {
                if (frequency.Max < 1)
                    sink.Error(ProblemCodes.InvalidSetting, "The frequency cap must allow at least 1 message per window.", path: "$.caps.frequencyCap.max");
                sink.Duration(frequency.Window, "frequency cap window", null, "$.caps.frequencyCap.window");
            }
        }

        EndedBeforeItResumes(flow, sink);
        if (flow.Nodes.OfType<TriggerNode>().FirstOrDefault(t => t.On == TriggerKind.Date) is { } yearly && (flow.Entry?.Reentry ?? Reentry.Never) == Reentry.Never)
        {
            sink.Warning(ProblemCodes.EntersOnce,
                "A date trigger fires every year, but with reentry 'never' each customer enters only the first time; use reentry 'after' with a cooldown under a year.",
                yearly.Id);
        }

        if (flow.Layout is { } layout)
        {
            var ids = flow.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var key in layout.Keys.Where(k => !ids.Contains(k)))
                sink.Warning(ProblemCodes.LayoutUnknownNode, $"The layout places '{key}', which is not a node of this flow.", path: $"$.layout.{key}");
        }
    }

    /// <summary>
    /// A wait for an event that is also an exit event, or the goal, never resumes by its event port:
    /// the event ends the run first.
    /// </summary>
    private static void EndedBeforeItResumes(FlowDefinition flow, ProblemSink sink)
    {
        foreach (var wait in flow.Nodes.OfType<WaitNode>())
        {
            var ender = flow.ExitOn?.FirstOrDefault(e => e.Event == wait.Event && e.Filter is null) is not null ? "an exit event"
                : flow.Goal is { Filter: null } goal && goal.Event == wait.Event ? "the goal"
                : null;
            if (ender is not null)
            {
                sink.Warning(ProblemCodes.UnreachableBranch,
                    $"'{wait.Event}' is {ender} of this flow, so it ends the run before the wait '{wait.Id}' can resume by its 'event' port.",
                    wait.Id);
            }
        }
    }

    private static void CheckMatch(EventMatch match, string what, string path, ProblemSink sink)
    {
        sink.Required(match.Event, "event", $"on the {what}", null, $"{path}.event");
        if (match.Filter is not null)
            sink.Expression(match.Filter, $"{what} filter", null, $"{path}.filter");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex FlowId();
}
