using System.Runtime.CompilerServices;
using Xunit.Abstractions;

namespace ReEngage.Flows.Browser.Tests.Support;

/// <summary>
/// Base of every browser test: pages in fresh contexts against the shared Host, a sign-in through the
/// stable hooks, the script errors of its pages, and at the end — pass or fail — a screenshot of each
/// page (<c>&lt;artifacts&gt;/screenshots/&lt;Class&gt;.&lt;Test&gt;.png</c>) and the Host log lines the test
/// caused in its output (shown by <c>dotnet test</c> when it fails).
/// </summary>
[Collection(BrowserTestGroup.Name)]
public abstract class BrowserTest(BrowserFixture app, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<(IBrowserContext Context, IPage Page, string Name)> pages = [];
    private int hostLogMark;

    protected BrowserFixture App => app;

    /// <summary>Uncaught exceptions and console errors of every page this test opened.</summary>
    protected ScriptErrors ScriptErrors { get; } = new();

    /// <summary>A page in a new, signed-out browser context. The test's name (filled in) names its screenshot.</summary>
    protected async Task<IPage> NewPageAsync([CallerMemberName] string test = "") => await OpenAsync(await app.NewContextAsync(), test);

    /// <summary>
    /// A page in a new context that is already signed in as admin (the cookies of the run's one sign-in
    /// through the login page, see <see cref="BrowserFixture.AdminStorageStateAsync"/>).
    /// </summary>
    protected async Task<IPage> NewAdminPageAsync([CallerMemberName] string test = "") =>
        await OpenAsync(await app.NewContextAsync(await app.AdminStorageStateAsync()), test);

    /// <summary>Signs this page's context in as admin through the login page's hooks; throws if that fails.</summary>
    protected Task LoginAsAdminAsync(IPage page) => LoginPage.SignInAsync(page, BrowserFixture.AdminUser, app.AdminPassword);

    protected void AssertNoScriptErrors() => Assert.Empty(ScriptErrors.All);

    public Task InitializeAsync()
    {
        if (app.Host.StoppedUnexpectedly is { } why)
            throw new InvalidOperationException($"No Host to test against: {why}. Its log: {app.HostLogPath}");
        hostLogMark = app.Host.LogMark;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var (context, page, name) in pages)
        {
            await ScreenshotAsync(page, name);
            await context.DisposeAsync();
        }

        if (app.Host.StoppedUnexpectedly is { } why)
            output.WriteLine($"During this test {why}.");
        if (ScriptErrors.All.Count > 0)
            output.WriteLine($"Script errors:{Environment.NewLine}{string.Join(Environment.NewLine, ScriptErrors.All)}");
        var log = app.Host.LogSince(hostLogMark);
        if (log.Length > 0)
            output.WriteLine($"Host log during this test:{Environment.NewLine}{log}");
    }

    private async Task<IPage> OpenAsync(IBrowserContext context, string test)
    {
        var page = await context.NewPageAsync();
        ScriptErrors.Watch(page);
        var name = pages.Count == 0 ? $"{GetType().Name}.{test}" : $"{GetType().Name}.{test}-{pages.Count + 1}";
        pages.Add((context, page, name));
        return page;
    }

    // A screenshot that cannot be taken (the page crashed or was closed) is reported, not thrown: the
    // test's own result is what matters.
    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(app.ScreenshotsDirectory, $"{name}.png");
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            output.WriteLine($"Screenshot: {path}");
        }
        catch (PlaywrightException e)
        {
            output.WriteLine($"No screenshot of {page.Url}: {e.Message}");
        }
    }
}
