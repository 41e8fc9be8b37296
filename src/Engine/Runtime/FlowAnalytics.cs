using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>One branch of a random split: runs that took it, conversions, and the test against the first branch.</summary>
public sealed record BranchResult(string SplitId, string Branch, int Runs, int Conversions, double Rate, double? Z, double? PValue)
{
    /// <summary>Significant at the 5 % level (two-sided) against the split's first branch.</summary>
    public bool Significant => PValue is < 0.05;
}

/// <summary>One day of a flow: entries, messages sent, suppressed, conversions.</summary>
public sealed record DailyPoint(DateOnly Day, int Entered, int Sent, int Suppressed, int Converted);

public sealed record FlowReport(string FlowId, IReadOnlyList<NodeSummary> Nodes, IReadOnlyList<BranchResult> Branches, IReadOnlyList<DailyPoint> Daily, IReadOnlyDictionary<string, int> SuppressedBy);

/// <summary>A flow's numbers for the designer and the CSV export.</summary>
public static class FlowAnalytics
{
    public static async Task<FlowReport> ReportAsync(FlowDbContext db, FlowDefinition flow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(flow);
        var nodes = await FlowStats.ForFlowsAsync(db, [flow], cancellationToken);

        var branches = new List<BranchResult>();
        foreach (var split in flow.Nodes.OfType<SplitNode>().Where(s => s.Kind == SplitKind.Random))
        {
            var taken = await db.NodeCounts.AsNoTracking()
                .Where(s => s.FlowId == flow.Id && s.NodeId == split.Id && s.Outcome == StepOutcome.Passed)
                .GroupBy(s => s.Port).Select(g => new { Branch = g.Key, Count = g.Sum(s => s.Count) })
                .ToListAsync(cancellationToken);
            var converted = await db.NodeCounts.AsNoTracking()
                .Where(s => s.FlowId == flow.Id && s.Outcome == StepOutcome.Converted && s.Port != "")
                .GroupBy(s => s.Port).Select(g => new { Branch = g.Key, Count = g.Sum(s => s.Count) })
                .ToListAsync(cancellationToken);

            var control = split.Branches[0].Label;
            var controlRuns = taken.FirstOrDefault(t => t.Branch == control)?.Count ?? 0;
            var controlWins = converted.FirstOrDefault(c => c.Branch == control)?.Count ?? 0;
            foreach (var branch in split.Branches)
            {
                var runs = taken.FirstOrDefault(t => t.Branch == branch.Label)?.Count ?? 0;
                var wins = converted.FirstOrDefault(c => c.Branch == branch.Label)?.Count ?? 0;
                var (z, p) = branch.Label == control ? (null, null) : TwoProportionZ(controlWins, controlRuns, wins, runs);
                branches.Add(new BranchResult(split.Id, branch.Label, runs, wins, runs == 0 ? 0 : (double)wins / runs, z, p));
            }
        }

        var steps = await db.NodeCounts.AsNoTracking()
            .Where(s => s.FlowId == flow.Id && (s.Outcome == StepOutcome.Entered || s.Outcome == StepOutcome.Converted))
            .Select(s => new { s.Day, s.Outcome, s.Count })
            .ToListAsync(cancellationToken);
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.FlowId == flow.Id && m.Kind == OutboxKind.Message)
            .Select(m => new { m.DueAt, m.Status, m.Reason })
            .ToListAsync(cancellationToken);
        var days = steps.Select(s => DateOnly.FromDateTime(s.Day.UtcDateTime))
            .Concat(messages.Select(m => DateOnly.FromDateTime(m.DueAt.UtcDateTime)))
            .Distinct().Order();
        var daily = days.Select(day => new DailyPoint(
            day,
            steps.Where(s => s.Outcome == StepOutcome.Entered && DateOnly.FromDateTime(s.Day.UtcDateTime) == day).Sum(s => s.Count),
            messages.Count(m => m.Status == MessageStatus.Sent && DateOnly.FromDateTime(m.DueAt.UtcDateTime) == day),
            messages.Count(m => m.Status == MessageStatus.Suppressed && DateOnly.FromDateTime(m.DueAt.UtcDateTime) == day),
            steps.Where(s => s.Outcome == StepOutcome.Converted && DateOnly.FromDateTime(s.Day.UtcDateTime) == day).Sum(s => s.Count))).ToList();
        var suppressedBy = messages.Where(m => m.Status == MessageStatus.Suppressed)
            .GroupBy(m => m.Reason ?? "unknown").ToDictionary(g => g.Key, g => g.Count());

        return new FlowReport(flow.Id, nodes, branches, daily, suppressedBy);
    }

    /// <summary>Two-proportion z-test (pooled); the p-value is two-sided. Null when either group is empty.</summary>
    public static (double? Z, double? PValue) TwoProportionZ(int wins1, int n1, int wins2, int n2)
    {
        if (n1 == 0 || n2 == 0)
            return (null, null);
        var p1 = (double)wins1 / n1;
        var p2 = (double)wins2 / n2;
        var pooled = (double)(wins1 + wins2) / (n1 + n2);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / n1) + (1.0 / n2)));
        if (se == 0)
            return (0, 1);
        var z = (p2 - p1) / se;
        return (z, 2 * (1 - NormalCdf(Math.Abs(z))));
    }

    /// <summary>Φ(x) through the error function (Abramowitz and Stegun 7.1.26, error below 1.5e-7).</summary>
    internal static double NormalCdf(double x)
    {
        var t = 1 / (1 + (0.3275911 * Math.Abs(x) / Math.Sqrt(2)));
        var y = 1 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x / 2);
        return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
    }
}
