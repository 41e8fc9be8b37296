using Bunit;
using ReEngage.Flows.Designer.Flows;
using ReEngage.Flows.Designer.Tests.Support;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Designer.Tests.Flows;

public sealed class FlowsPageTests : IAsyncLifetime
{
    private DesignerStore store = null!;

    public async Task InitializeAsync()
    {
        store = await DesignerStore.CreateAsync();
        await store.PublishAsync(SampleFlows.AbandonedCart("cart"));
        await store.Desk.SaveDraftAsync(SampleFlows.AbandonedCart("draft-only") with { Name = "Draft only" });
    }

    public async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task An_admin_pauses_and_resumes_a_flow_from_its_row()
    {
        await using var context = DesignerTestContext.Create(store);
        var page = context.Render<FlowsPage>();
        page.WaitForElement("[data-flow-id=cart]");

        Assert.Equal("active", page.Find("[data-flow-id=cart] [data-testid=flow-status]").TextContent.Trim());
        page.Find("[data-flow-id=cart] [data-testid=pause-flow]").Click();

        page.WaitForAssertion(() => Assert.Equal("paused", page.Find("[data-flow-id=cart] [data-testid=flow-status]").TextContent.Trim()));
        Assert.Equal(FlowStatus.Paused, (await store.Desk.OpenAsync("cart"))!.Status);
        page.Find("[data-flow-id=cart] [data-testid=resume-flow]").Click();
        page.WaitForAssertion(() => Assert.Equal("active", page.Find("[data-flow-id=cart] [data-testid=flow-status]").TextContent.Trim()));
        Assert.Equal(FlowStatus.Active, (await store.Desk.OpenAsync("cart"))!.Status);
    }

    [Fact]
    public async Task Every_flow_has_a_row_with_its_status_and_version_and_a_draft_has_no_pause()
    {
        await using var context = DesignerTestContext.Create(store);
        var page = context.Render<FlowsPage>();
        page.WaitForElement("[data-flow-id=draft-only]");

        Assert.Equal(2, page.FindAll("tr[data-flow-id]").Count);
        Assert.Equal("draft", page.Find("[data-flow-id=draft-only] [data-testid=flow-status]").TextContent.Trim());
        Assert.Contains("never published", page.Find("[data-flow-id=draft-only]").TextContent, StringComparison.Ordinal);
        Assert.Contains("v1", page.Find("[data-flow-id=cart]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-flow-id=draft-only] [data-testid=pause-flow]"));
    }

    [Fact]
    public async Task Search_narrows_the_list()
    {
        await using var context = DesignerTestContext.Create(store);
        var page = context.Render<FlowsPage>();
        page.WaitForElement("[data-flow-id=cart]");

        page.Find("input[data-testid=flow-search]").Input("draft");

        page.WaitForAssertion(() => Assert.Equal(["draft-only"], page.FindAll("tr[data-flow-id]").Select(r => r.GetAttribute("data-flow-id"))));
    }

    [Theory]
    [InlineData(DesignerRoles.Viewer)]
    [InlineData(DesignerRoles.Marketer)]
    public async Task Only_admins_see_pause_and_the_global_switch(string role)
    {
        await using var context = DesignerTestContext.Create(store, role);
        var page = context.Render<FlowsPage>();
        page.WaitForElement("[data-flow-id=cart]");

        Assert.Empty(page.FindAll("[data-testid=pause-flow]"));
        Assert.Empty(page.FindAll("[data-testid=global-pause]"));
        Assert.Equal(role == DesignerRoles.Marketer, page.FindAll("[data-testid=new-flow]").Count == 1);
    }
}
