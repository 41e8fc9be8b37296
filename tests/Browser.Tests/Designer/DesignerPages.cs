using System.Text.Json;

namespace ReEngage.Flows.Browser.Tests.Designer;

/// <summary>The designer's stable hooks (DESIGN.md §8) and the few waits the tests share.</summary>
internal static class DesignerPages
{
    public static ILocator Row(IPage page, string flowId) => page.Locator($"[data-flow-id=\"{flowId}\"]");

    public static ILocator Canvas(IPage page) => page.GetByTestId("flow-canvas");

    public static ILocator Cell(IPage page, string id) => Canvas(page).Locator($"[data-cell-id=\"{id}\"]");

    public static ILocator Nodes(IPage page) => Canvas(page).Locator("g.x6-node[data-cell-id]");

    public static ILocator Edges(IPage page) => Canvas(page).Locator("g.x6-edge[data-cell-id]");

    /// <summary>Opens the editor and waits until the canvas has drawn the node <paramref name="waitFor"/>.</summary>
    public static async Task OpenEditorAsync(IPage page, string flowId, string waitFor)
    {
        await page.GotoAsync($"/flows/{flowId}");
        await Assertions.Expect(Cell(page, waitFor)).ToBeVisibleAsync();
    }

    /// <summary>A copy of a shipped flow made through the API, so a test may change it freely.</summary>
    public static async Task<string> DuplicateAsync(IPage page, string flowId)
    {
        var answer = await page.APIRequest.PostAsync($"/api/flows/{flowId}/duplicate");
        Assert.Equal(201, answer.Status);
        using var body = JsonDocument.Parse(await answer.TextAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The flow's draft as the API returns it.</summary>
    public static async Task<JsonElement> DraftAsync(IPage page, string flowId)
    {
        var answer = await page.APIRequest.GetAsync($"/api/flows/{flowId}");
        Assert.Equal(200, answer.Status);
        using var body = JsonDocument.Parse(await answer.TextAsync());
        return body.RootElement.GetProperty("draft").Clone();
    }

    /// <summary>Drags with the mouse from the centre of one element to the centre of another, in steps, as a hand would.</summary>
    public static async Task DragAsync(IPage page, ILocator from, ILocator to)
    {
        var a = await from.BoundingBoxAsync() ?? throw new InvalidOperationException("The drag source is not on screen.");
        var b = await to.BoundingBoxAsync() ?? throw new InvalidOperationException("The drop target is not on screen.");
        await page.Mouse.MoveAsync(a.X + a.Width / 2, a.Y + a.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(b.X + b.Width / 2, b.Y + b.Height / 2, new MouseMoveOptions { Steps = 12 });
        await page.Mouse.UpAsync();
    }
}
