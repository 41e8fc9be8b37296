using ReEngage.Flows.Browser.Tests.Support;
using Xunit.Abstractions;

namespace ReEngage.Flows.Browser.Tests.Designer;

/// <summary>The campaign wizard and list, as a marketer uses them.</summary>
public sealed class CampaignTests(BrowserFixture app, ITestOutputHelper output) : BrowserTest(app, output)
{
    [Fact]
    public async Task A_campaign_made_in_the_wizard_appears_in_the_list_and_a_bad_title_is_refused_first()
    {
        var page = await NewAdminPageAsync();
        await page.GotoAsync("/campaigns/new");
        await Assertions.Expect(page.GetByTestId("campaign-reach")).ToContainTextAsync("Estimated reach");
        await Assertions.Expect(page.GetByTestId("campaign-preview")).ToContainTextAsync("Still thinking it over?");

        await page.GetByTestId("campaign-title").FillAsync(new string('x', 41));
        await page.GetByRole(AriaRole.Radio, new() { Name = "At a set time" }).CheckAsync();
        await page.GetByTestId("campaign-start").FillAsync("2099-01-02 10:00");
        await page.GetByTestId("create-campaign").ClickAsync();
        await Assertions.Expect(page.GetByText("at most 40").First).ToBeVisibleAsync();
        Assert.EndsWith("/campaigns/new", page.Url, StringComparison.Ordinal);

        await page.GetByTestId("campaign-name").FillAsync("Browser test campaign");
        await page.GetByTestId("campaign-title").FillAsync("Back soon?");
        await page.GetByTestId("create-campaign").ClickAsync();

        var row = page.Locator("[data-campaign-id]").Filter(new() { HasText = "Browser test campaign" });
        await Assertions.Expect(row.GetByTestId("campaign-status")).ToHaveTextAsync("not yet started");
        var api = await (await page.APIRequest.GetAsync("/api/campaigns")).TextAsync();
        Assert.Contains("Browser test campaign", api, StringComparison.Ordinal);
        await row.GetByTestId("finish-campaign").ClickAsync();
        await Assertions.Expect(row.GetByTestId("campaign-status")).ToHaveTextAsync("finished");
        AssertNoScriptErrors();
    }
}
