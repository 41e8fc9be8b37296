using ReEngage.Flows.Engine.Tests.Support;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Engine.Tests.Validation;

public class ShippedFlowsTests
{
    public static TheoryData<string> Files() => [.. RepoPaths.ShippedFlows().Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shipped_flow_validates_without_problems(string file)
    {
        var settings = FlowFiles.ReadSettings(Path.Combine(RepoPaths.Workflows, FlowFiles.SettingsFileName), out var settingsProblems);
        Assert.Empty(settingsProblems);

        var result = FlowValidator.Default.Validate(File.ReadAllText(Path.Combine(RepoPaths.Workflows, file)), FlowFiles.ContextFor(settings));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(file, $"{result.Flow!.Id}.flow.json");
    }

    [Fact]
    public void The_repository_ships_at_least_twelve_flows_with_unique_ids()
    {
        var reports = new FlowFiles(FlowValidator.Default).Validate(RepoPaths.ShippedFlows(), _ => FlowValidationContext.Empty);

        Assert.True(reports.Count >= 12, $"only {reports.Count} flows ship");
        Assert.DoesNotContain(reports, r => r.Result.Problems.Any(p => p.Code == ProblemCodes.DuplicateFlowId));
    }
}
