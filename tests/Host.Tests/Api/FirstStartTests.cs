using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ReEngage.Flows.Host.Security;

namespace ReEngage.Flows.Host.Tests.Api;

public sealed partial class FirstStartTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("reengage-first-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddHttpContextAccessor();
        services.AddReEngageSecurity(folder, []);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_first_start_without_a_password_creates_admin_and_prints_a_generated_password_once()
    {
        await using var services = Services();
        var console = new StringWriter();

        await FirstStart.EnsureAdminAsync(services, configuredPassword: null, console);
        await FirstStart.EnsureAdminAsync(services, configuredPassword: null, console);

        var match = PasswordLine().Matches(console.ToString());
        var password = Assert.Single(match).Groups["password"].Value;
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var admin = await users.FindByNameAsync("admin");
        Assert.NotNull(admin);
        Assert.True(await users.CheckPasswordAsync(admin, password));
        Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
        Assert.DoesNotContain(password, admin.PasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_password_is_used_and_never_printed()
    {
        await using var services = Services();
        var console = new StringWriter();

        await FirstStart.EnsureAdminAsync(services, "a long chosen passphrase", console);

        Assert.Empty(console.ToString());
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByNameAsync("admin"))!, "a long chosen passphrase"));
    }

    [GeneratedRegex("created the user 'admin' with the password (?<password>\\S+)")]
    private static partial Regex PasswordLine();
}
