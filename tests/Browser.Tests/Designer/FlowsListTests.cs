using ReEngage.Flows.Browser.Tests.Support;
using Xunit.Abstractions;

namespace ReEngage.Flows.Browser.Tests.Designer;

/// <summary>The flows list, the home page after sign-in.</summary>
public sealed class FlowsListTests(BrowserFixture app, ITestOutputHelper output) : BrowserTest(app, output)
{
    [Fact]
    public async Task Signing_in_lands_on_the_flows_list_with_a_row_per_flow()
    {
        var page = await NewPageAsync();

        await LoginAsAdminAsync(page);

        await Assertions.Expect(DesignerPages.Row(page, "abandoned-cart")).ToBeVisibleAsync();
        Assert.True(await page.Locator("tr[data-flow-id]").CountAsync() >= 14);
        await Assertions.Expect(page.GetByTestId("current-role")).ToHaveTextAsync("Admin");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Pause_and_resume_in_the_list_change_the_status_chip_and_the_engine()
    {
        var page = await NewAdminPageAsync();
        await page.GotoAsync("/");
        var row = DesignerPages.Row(page, "win-back");
        await Assertions.Expect(row.GetByTestId("flow-status")).ToHaveTextAsync("active");

        await row.GetByTestId("pause-flow").ClickAsync();

        await Assertions.Expect(row.GetByTestId("flow-status")).ToHaveTextAsync("paused");
        Assert.Contains("\"paused\"", await (await page.APIRequest.GetAsync("/api/flows/win-back")).TextAsync(), StringComparison.Ordinal);
        await row.GetByTestId("resume-flow").ClickAsync();
        await Assertions.Expect(row.GetByTestId("flow-status")).ToHaveTextAsync("active");
        Assert.Contains("\"active\"", await (await page.APIRequest.GetAsync("/api/flows/win-back")).TextAsync(), StringComparison.Ordinal);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task An_anonymous_visit_of_an_editor_is_sent_to_sign_in_and_comes_back_after()
    {
        var page = await NewPageAsync();

        await page.GotoAsync("/flows/birthday");
        Assert.True(LoginPage.IsShowing(page), page.Url);
        await LoginPage.User(page).FillAsync(BrowserFixture.AdminUser);
        await LoginPage.Password(page).FillAsync(App.AdminPassword);
        await LoginPage.Submit(page).ClickAsync();

        await Assertions.Expect(DesignerPages.Canvas(page)).ToBeVisibleAsync();
        Assert.EndsWith("/flows/birthday", page.Url, StringComparison.Ordinal);
        AssertNoScriptErrors();
    }
}
