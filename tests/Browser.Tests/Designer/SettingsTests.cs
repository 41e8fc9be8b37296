using ReEngage.Flows.Browser.Tests.Support;
using Xunit.Abstractions;

namespace ReEngage.Flows.Browser.Tests.Designer;

/// <summary>The settings page: the weekly quota, the guardrails an admin edits, the coupon pools.</summary>
public sealed class SettingsTests(BrowserFixture app, ITestOutputHelper output) : BrowserTest(app, output)
{
    [Fact]
    public async Task An_admin_sees_the_quota_and_a_bad_quiet_hour_is_refused_with_its_reason_and_nothing_saved()
    {
        var page = await NewAdminPageAsync();
        await page.GotoAsync("/settings");
        await Assertions.Expect(page.GetByTestId("quota")).ToContainTextAsync("of");
        await Assertions.Expect(page.GetByTestId("coupon-pools").Locator("[data-pool-id=\"CART10\"]")).ToBeVisibleAsync();
        var before = await (await page.APIRequest.GetAsync("/api/settings")).TextAsync();

        await page.GetByLabel("Quiet hours from").FillAsync("25:00");
        await page.GetByTestId("save-settings").ClickAsync();

        await Assertions.Expect(page.GetByTestId("settings-problems")).ToContainTextAsync("25:00");
        Assert.Equal(before, await (await page.APIRequest.GetAsync("/api/settings")).TextAsync());
        AssertNoScriptErrors();
    }
}
