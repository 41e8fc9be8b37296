using ReEngage.Flows.Browser.Tests.Support;
using Xunit.Abstractions;

namespace ReEngage.Flows.Browser.Tests.SignIn;

/// <summary>The sign-in page that guards every page of the product, driven through its stable hooks.</summary>
public sealed class SignInTests(BrowserFixture app, ITestOutputHelper output) : BrowserTest(app, output)
{
    [Fact]
    public async Task An_anonymous_visit_of_the_home_page_ends_on_the_sign_in_page()
    {
        var page = await NewPageAsync();

        await page.GotoAsync("/");

        Assert.True(LoginPage.IsShowing(page), $"Expected the sign-in page, got {page.Url}");
        await Assertions.Expect(LoginPage.User(page)).ToBeVisibleAsync();
        await Assertions.Expect(LoginPage.Password(page)).ToBeVisibleAsync();
        await Assertions.Expect(LoginPage.Submit(page)).ToBeVisibleAsync();
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Signing_in_as_admin_leaves_the_sign_in_page_and_opens_the_api_to_the_page()
    {
        var page = await NewPageAsync();

        await LoginAsAdminAsync(page);

        Assert.False(LoginPage.IsShowing(page), $"Still on the sign-in page: {page.Url}");
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "reengage.auth");
        // The page's own context (its cookie, no API key) may read the API.
        var flows = await page.APIRequest.GetAsync("/api/flows");
        Assert.Equal(200, flows.Status);
        Assert.Contains("abandoned-cart", await flows.TextAsync());
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_wrong_password_stays_on_the_sign_in_page_and_says_so()
    {
        var page = await NewPageAsync();

        await LoginPage.SubmitAsync(page, BrowserFixture.AdminUser, "not-the-password");

        Assert.True(LoginPage.IsShowing(page), $"Expected the sign-in page, got {page.Url}");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");
        await Assertions.Expect(LoginPage.User(page)).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "reengage.auth");
        var flows = await page.APIRequest.GetAsync("/api/flows");
        Assert.Equal(401, flows.Status);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_page_opened_as_admin_starts_signed_in()
    {
        var page = await NewAdminPageAsync();

        await page.GotoAsync("/");

        Assert.False(LoginPage.IsShowing(page), $"Sent to the sign-in page: {page.Url}");
        Assert.Equal(200, (await page.APIRequest.GetAsync("/api/flows")).Status);
        AssertNoScriptErrors();
    }
}
