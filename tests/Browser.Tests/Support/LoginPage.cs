namespace ReEngage.Flows.Browser.Tests.Support;

/// <summary>The sign-in page, reached only through its stable test hooks (DESIGN.md §8).</summary>
public static class LoginPage
{
    public const string Path = "/login";

    private const string FormAction = "/account/login";

    public static ILocator User(IPage page) => Hook(page, "login-user");

    public static ILocator Password(IPage page) => Hook(page, "login-password");

    public static ILocator Submit(IPage page) => Hook(page, "login-submit");

    /// <summary>Opens the sign-in page, fills it in and submits; returns once the answer page has loaded.</summary>
    public static async Task SubmitAsync(IPage page, string user, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(Path);
        await User(page).FillAsync(user);
        await Password(page).FillAsync(password);
        var before = page.Url;
        await Submit(page).ClickAsync();
        // The form posts and is redirected, to the home page or back to the sign-in page: wait for either.
        // Committed, not loaded: the designer's pages keep a connection open, and waiting for a load
        // event that may already have passed made this wait flaky.
        await page.WaitForURLAsync(url => url != before, new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>Signs in and fails loudly if the sign-in page is still showing afterwards.</summary>
    public static async Task SignInAsync(IPage page, string user, string password)
    {
        await SubmitAsync(page, user, password);
        // Still on the sign-in page: wrong credentials. On the form's own address: the post was answered
        // without a redirect, such as 429 from the sign-in rate limit (30 a minute per address).
        var path = new Uri(page.Url).AbsolutePath;
        if (path is Path or FormAction)
            throw new InvalidOperationException($"Signing in as '{user}' failed: the browser is on {page.Url}, showing: {await page.InnerTextAsync("body")}");
    }

    public static bool IsShowing(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new Uri(page.Url).AbsolutePath == Path;
    }

    private static ILocator Hook(IPage page, string testId)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.GetByTestId(testId);
    }
}
