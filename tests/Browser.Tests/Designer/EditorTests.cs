using ReEngage.Flows.Browser.Tests.Support;
using Xunit.Abstractions;

namespace ReEngage.Flows.Browser.Tests.Designer;

/// <summary>The flow editor at /flows/&lt;id&gt;, driven the way a marketer would, through the hooks of DESIGN.md §8.</summary>
public sealed class EditorTests(BrowserFixture app, ITestOutputHelper output) : BrowserTest(app, output)
{
    [Fact]
    public async Task The_editor_draws_every_node_and_edge_of_a_flow()
    {
        var page = await NewAdminPageAsync();
        var draft = await DesignerPages.DraftAsync(page, "win-back");

        await DesignerPages.OpenEditorAsync(page, "win-back", "done");

        foreach (var node in draft.GetProperty("nodes").EnumerateArray())
            await Assertions.Expect(DesignerPages.Cell(page, node.GetProperty("id").GetString()!)).ToHaveCountAsync(1);
        Assert.Equal(draft.GetProperty("nodes").GetArrayLength(), await DesignerPages.Nodes(page).CountAsync());
        Assert.Equal(draft.GetProperty("edges").GetArrayLength(), await DesignerPages.Edges(page).CountAsync());
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_delay_dragged_from_the_palette_is_added_and_is_still_there_after_save_and_reload()
    {
        var page = await NewAdminPageAsync();
        var flowId = await DesignerPages.DuplicateAsync(page, "abandoned-cart");
        await DesignerPages.OpenEditorAsync(page, flowId, "still");
        var before = await DesignerPages.Nodes(page).CountAsync();

        await page.Locator("[data-palette=\"delay\"]").DragToAsync(DesignerPages.Canvas(page));

        await Assertions.Expect(DesignerPages.Nodes(page)).ToHaveCountAsync(before + 1);
        await Assertions.Expect(DesignerPages.Cell(page, "delay-1")).ToBeVisibleAsync();
        await page.GetByTestId("save-flow").ClickAsync();
        await Assertions.Expect(page.GetByText("Draft saved.")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(DesignerPages.Cell(page, "delay-1")).ToBeVisibleAsync();
        Assert.Equal(before + 1, await DesignerPages.Nodes(page).CountAsync());
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Connecting_a_port_to_a_step_adds_the_edge_and_undo_takes_it_back()
    {
        var page = await NewAdminPageAsync();
        var flowId = await DesignerPages.DuplicateAsync(page, "abandoned-cart");
        await DesignerPages.OpenEditorAsync(page, flowId, "still");
        await page.Locator("[data-palette=\"exit\"]").ClickAsync();
        await Assertions.Expect(DesignerPages.Cell(page, "exit-1")).ToBeVisibleAsync();
        var edges = await DesignerPages.Edges(page).CountAsync();
        await Assertions.Expect(page.GetByTestId("diagnostics")).ToContainTextAsync("exit-1");

        // A new delay and a new exit, laid out, then the delay's out port dragged onto the exit's in port.
        await page.Locator("[data-palette=\"delay\"]").ClickAsync();
        await Assertions.Expect(DesignerPages.Cell(page, "delay-1")).ToBeVisibleAsync();
        await page.GetByTestId("auto-layout").ClickAsync();
        await SettledAsync(DesignerPages.Cell(page, "delay-1"));
        await SettledAsync(DesignerPages.Cell(page, "exit-1"));
        await DesignerPages.DragAsync(page, DesignerPages.Cell(page, "delay-1").Locator("[port-group=\"out\"]"), DesignerPages.Cell(page, "exit-1").Locator("[port-group=\"in\"]"));

        await Assertions.Expect(DesignerPages.Edges(page)).ToHaveCountAsync(edges + 1);
        await Assertions.Expect(DesignerPages.Canvas(page).Locator("[data-cell-id=\"delay-1||exit-1\"]")).ToHaveCountAsync(1);
        await DesignerPages.Canvas(page).FocusAsync();
        await page.Keyboard.PressAsync("Control+z");
        await Assertions.Expect(DesignerPages.Edges(page)).ToHaveCountAsync(edges);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Selecting_a_condition_shows_its_expression_and_a_broken_one_shows_a_diagnostic_at_once()
    {
        var page = await NewAdminPageAsync();
        var flowId = await DesignerPages.DuplicateAsync(page, "abandoned-cart");
        await DesignerPages.OpenEditorAsync(page, flowId, "still");

        await DesignerPages.Cell(page, "still").ClickAsync();
        var input = page.GetByTestId("expression-input");
        await Assertions.Expect(input).ToHaveValueAsync("customer.CartValue > 0 && !customer.Tags.Contains(\"staff\")");
        await input.FillAsync("customer.CartValue >");

        await Assertions.Expect(page.GetByTestId("diagnostics")).ToContainTextAsync("does not compile", new LocatorAssertionsToContainTextOptions { Timeout = 2000 });
        await Assertions.Expect(page.GetByTestId("diagnostics").Locator("[data-node-id=\"still\"]")).ToHaveCountAsync(1);
        await input.FillAsync("customer.CartValue > 10");
        await Assertions.Expect(page.GetByTestId("diagnostics")).ToContainTextAsync("can be published");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Publishing_twice_makes_two_versions_and_the_diff_shows_the_change()
    {
        var page = await NewAdminPageAsync();
        var flowId = await DesignerPages.DuplicateAsync(page, "abandoned-cart");
        await DesignerPages.OpenEditorAsync(page, flowId, "still");
        await page.GetByTestId("publish-flow").ClickAsync();
        await Assertions.Expect(page.GetByText("Published as version 1.")).ToBeVisibleAsync();

        await DesignerPages.Cell(page, "still").ClickAsync();
        await page.GetByTestId("expression-input").FillAsync("customer.CartValue > 25");
        await page.GetByTestId("publish-flow").ClickAsync();
        await Assertions.Expect(page.GetByText("Published as version 2.")).ToBeVisibleAsync();
        await page.GetByTestId("show-versions").ClickAsync();

        var diff = page.GetByTestId("version-diff");
        await Assertions.Expect(diff.Locator(".diff-side").First).ToContainTextAsync("customer.CartValue > 0");
        await Assertions.Expect(diff.Locator(".diff-side").Last).ToContainTextAsync("customer.CartValue > 25");
        await Assertions.Expect(diff.Locator(".diff-line.modified, .diff-line.inserted").First).ToBeVisibleAsync();
        var detail = await (await page.APIRequest.GetAsync($"/api/flows/{flowId}")).TextAsync();
        Assert.Contains("\"version\":2", detail.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Live_counts_appear_on_the_canvas_once_a_customer_enters()
    {
        var page = await NewAdminPageAsync();
        await DesignerPages.OpenEditorAsync(page, "abandoned-cart", "wait");

        var answer = await page.APIRequest.PostAsync("/api/events", new()
        {
            DataObject = new { eventId = $"browser-{Guid.NewGuid():N}", type = "cart.added", customerId = "browser-counts", occurredAt = DateTimeOffset.UtcNow, properties = new { value = 25 } },
        });
        Assert.True(answer.Ok, await answer.TextAsync());

        // The engine ticks every second and the page asks for counts every five.
        await Assertions.Expect(DesignerPages.Cell(page, "wait").Locator(".node-counts")).ToContainTextAsync("1 waiting", new() { Timeout = 15000 });
        await Assertions.Expect(DesignerPages.Cell(page, "start").Locator(".node-counts")).ToContainTextAsync("entered");
        AssertNoScriptErrors();
    }

    /// <summary>Waits until a step stops moving (the layout is applied through the circuit; on a busy machine it lags the click).</summary>
    private static async Task SettledAsync(Microsoft.Playwright.ILocator cell)
    {
        var last = await cell.BoundingBoxAsync();
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(100);
            var now = await cell.BoundingBoxAsync();
            if (now is not null && last is not null && now.X == last.X && now.Y == last.Y)
                return;
            last = now;
        }
    }
}
