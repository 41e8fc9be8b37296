using Bunit;
using ReEngage.Flows.Designer.Diagnostics;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Designer.Tests.Diagnostics;

public sealed class DiagnosticsPanelTests : IAsyncDisposable
{
    private readonly BunitContext context = new();

    public ValueTask DisposeAsync() => context.DisposeAsync();

    [Fact]
    public void A_valid_flow_shows_that_it_can_be_published()
    {
        var panel = context.Render<DiagnosticsPanel>(p => p.Add(x => x.Problems, []));

        Assert.Contains("can be published", panel.Find("[data-testid=diagnostics]").TextContent);
        Assert.Empty(panel.FindAll("li"));
    }

    [Fact]
    public void The_problems_of_a_real_flow_are_listed_errors_first_and_clicking_one_selects_its_node()
    {
        var flow = """
            { "id": "f", "name": "F",
              "nodes": [ { "id": "start", "type": "trigger", "on": "event", "event": "cart.added" },
                         { "id": "check", "type": "condition", "expression": "customer.Nope > 1" },
                         { "id": "w", "type": "wait", "event": "order.placed", "timeout": "P1D" } ],
              "edges": [ { "from": "start", "to": "check" }, { "from": "check", "to": "w", "port": "true" } ] }
            """;
        var problems = FlowValidator.Default.Validate(flow).Problems;
        string? selected = null;

        var panel = context.Render<DiagnosticsPanel>(p => p
            .Add(x => x.Problems, problems)
            .Add(x => x.OnSelectNode, id => selected = id));

        var items = panel.FindAll("li");
        Assert.Equal(problems.Count, items.Count);
        Assert.Equal("expression.invalid", items[0].GetAttribute("data-code"));
        Assert.Contains("warning", items[^1].ClassList);
        Assert.Contains("to fix before publishing", panel.Find(".diagnostics-summary").TextContent);

        panel.Find("li[data-code='expression.invalid'] button").Click();
        Assert.Equal("check", selected);
    }
}
