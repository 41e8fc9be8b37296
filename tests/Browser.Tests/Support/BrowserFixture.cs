namespace ReEngage.Flows.Browser.Tests.Support;

/// <summary>
/// One Host process (its build output, on a free local port, over a temporary data directory and a
/// temporary copy of the repository's <c>workflows/</c>) and one headless Debian chromium driven by
/// Playwright, shared by the browser tests. Screenshots and the Host's log land in
/// <see cref="ArtifactsDirectory"/>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string AdminUser = "admin";
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Overrides where screenshots and the Host log go (scripts/test.sh points it beside the trx files).</summary>
    public const string ArtifactsVariable = "REENGAGE_TEST_ARTIFACTS";

    // Playwright adds --headless and --user-data-dir itself; these keep a root CI container quiet and offline.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly string scratch = Path.Combine(Path.GetTempPath(), $"reengage-browser-{Guid.NewGuid():N}");
    private HostProcess? host;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private Task<string>? adminStorageState;

    /// <summary>The first admin's password, given to the Host through configuration.</summary>
    public string AdminPassword { get; } = $"browser-tests-{Guid.NewGuid():N}";

    /// <summary>Screenshots in <c>screenshots/</c>, the Host's stdout and stderr in <c>host.log</c>.</summary>
    public string ArtifactsDirectory { get; } =
        Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "TestResults");

    public string ScreenshotsDirectory => Path.Combine(ArtifactsDirectory, "screenshots");

    public string HostLogPath => Path.Combine(ArtifactsDirectory, "host.log");

    /// <summary>The Host's flow files: a copy of the repository's <c>workflows/</c> that tests may change.</summary>
    public string WorkflowsDirectory => Path.Combine(scratch, "workflows");

    public Uri BaseAddress => Host.BaseAddress;

    internal HostProcess Host => host ?? throw NotStarted();

    private IBrowser Browser => browser ?? throw NotStarted();

    public async Task InitializeAsync()
    {
        // Checked first: without it nothing else is worth starting, and the fix is one command.
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"Browser tests need Debian's chromium at {ChromiumPath}. Run the tests with `bash scripts/test.sh`, which installs it (or `apt-get install -y chromium`).");

        if (Directory.Exists(ScreenshotsDirectory))
            Directory.Delete(ScreenshotsDirectory, recursive: true);
        Directory.CreateDirectory(ScreenshotsDirectory);
        CopyDirectory(BuildInfo.WorkflowsDirectory, WorkflowsDirectory);

        host = await HostProcess.StartAsync(new HostSettings(
            BuildInfo.HostAssembly,
            DataDirectory: Path.Combine(scratch, "data"),
            WorkflowsDirectory,
            AdminPassword,
            LogPath: HostLogPath));

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
            await browser.DisposeAsync();
        playwright?.Dispose();
        if (host is not null)
            await host.DisposeAsync();
        if (Directory.Exists(scratch))
            Directory.Delete(scratch, recursive: true);
    }

    /// <summary>A fresh browser context (its own cookies and storage) whose relative URLs go to the Host.</summary>
    public Task<IBrowserContext> NewContextAsync(string? storageState = null) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            StorageState = storageState,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });

    /// <summary>
    /// The cookies of one admin sign-in, made through the login page the first time it is asked for and
    /// reused after: the Host allows 30 sign-in attempts a minute per address, and every page signing in afresh would be slow.
    /// </summary>
    public Task<string> AdminStorageStateAsync() => adminStorageState ??= SignInOnceAsync();

    private async Task<string> SignInOnceAsync()
    {
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await LoginPage.SignInAsync(page, AdminUser, AdminPassword);
        return await context.StorageStateAsync();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static InvalidOperationException NotStarted() => new("The browser fixture has not started (or failed to start).");
}
