using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>Per node: how many runs entered, passed, wait there now, were suppressed, failed, converted or exited.</summary>
public sealed record NodeSummary(string FlowId, string NodeId, int Entered, int Passed, int Waiting, int Suppressed, int Failed, int Converted, int Exited);

/// <summary>Counts of the steps logged (all versions of a flow together, see <see cref="NodeCountRecord"/>) and the runs waiting now (<see cref="RunTallyRecord"/>).</summary>
public static class FlowStats
{
    public static async Task<IReadOnlyList<NodeSummary>> ForFlowsAsync(FlowDbContext db, IReadOnlyList<FlowDefinition> flows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(flows);
        var ids = flows.Select(f => f.Id).ToList();
        var steps = await db.NodeCounts.AsNoTracking()
            .Where(s => ids.Contains(s.FlowId))
            .GroupBy(s => new { s.FlowId, s.NodeId, s.Outcome })
            .Select(g => new { g.Key.FlowId, g.Key.NodeId, g.Key.Outcome, Count = g.Sum(s => s.Count) })
            .ToListAsync(cancellationToken);
        var waiting = await db.RunTallies.AsNoTracking()
            .Where(t => ids.Contains(t.FlowId) && t.Status == RunStatus.Waiting)
            .Select(t => new { t.FlowId, t.NodeId, t.Count })
            .ToListAsync(cancellationToken);

        int Count(string flow, string node, StepOutcome outcome) =>
            steps.Where(s => s.FlowId == flow && s.NodeId == node && s.Outcome == outcome).Sum(s => s.Count);

        return flows.SelectMany(f => f.Nodes.Select(n => new NodeSummary(
                f.Id, n.Id,
                Count(f.Id, n.Id, StepOutcome.Entered),
                Count(f.Id, n.Id, StepOutcome.Passed) + Count(f.Id, n.Id, StepOutcome.Completed),
                waiting.Where(w => w.FlowId == f.Id && w.NodeId == n.Id).Sum(w => w.Count),
                Count(f.Id, n.Id, StepOutcome.Suppressed),
                Count(f.Id, n.Id, StepOutcome.Failed),
                Count(f.Id, n.Id, StepOutcome.Converted),
                Count(f.Id, n.Id, StepOutcome.Exited))))
            .ToList();
    }
}
