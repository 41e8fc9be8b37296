using ReEngage.Flows.Browser.Tests.Support;
using Xunit.Abstractions;

namespace ReEngage.Flows.Browser.Tests.Designer;

/// <summary>What each role may do in the designer: a Viewer sees everything and changes nothing.</summary>
public sealed class RoleTests(BrowserFixture app, ITestOutputHelper output) : BrowserTest(app, output)
{
    [Fact]
    public async Task A_viewer_sees_the_flows_and_the_editor_read_only()
    {
        var admin = await NewAdminPageAsync();
        var password = $"viewer-{Guid.NewGuid():N}";
        var created = await admin.APIRequest.PostAsync("/api/users", new() { DataObject = new { userName = "vera", password, role = "Viewer" } });
        Assert.True(created.Ok, await created.TextAsync());

        var page = await NewPageAsync();
        await LoginPage.SignInAsync(page, "vera", password);

        await Assertions.Expect(DesignerPages.Row(page, "abandoned-cart")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("current-role")).ToHaveTextAsync("Viewer");
        await Assertions.Expect(page.GetByTestId("pause-flow")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("global-pause")).ToHaveCountAsync(0);

        await DesignerPages.OpenEditorAsync(page, "abandoned-cart", "still");
        await Assertions.Expect(page.GetByTestId("save-flow")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("publish-flow")).ToHaveCountAsync(0);
        var nodes = await DesignerPages.Nodes(page).CountAsync();
        await page.Locator("[data-palette=\"delay\"]").DragToAsync(DesignerPages.Canvas(page));
        await DesignerPages.Cell(page, "still").ClickAsync();
        await Assertions.Expect(page.GetByTestId("expression-input")).ToHaveAttributeAsync("readonly", "");
        Assert.Equal(nodes, await DesignerPages.Nodes(page).CountAsync());
        AssertNoScriptErrors();
    }
}
