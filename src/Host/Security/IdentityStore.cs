using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ReEngage.Flows.Host.Security;

/// <summary>Designer users and their roles (ASP.NET Core Identity) and admin-made API keys, in their own SQLite file.</summary>
public sealed class UsersDbContext(DbContextOptions<UsersDbContext> options) : IdentityDbContext<IdentityUser>(options)
{
    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ApiKeyRecord>(e =>
        {
            e.HasKey(k => k.Id);
            e.HasIndex(k => k.Hash).IsUnique();
        });
    }
}

/// <summary>An API key an admin made: only its SHA-256 hash is kept; the key is shown once, when made.</summary>
public sealed class ApiKeyRecord
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string Role { get; set; }

    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal static partial class FirstStart
{
    public const string AdminUser = "admin";

    /// <summary>
    /// Creates the roles and, on a first start, the <c>admin</c> user: with <c>ReEngage:AdminPassword</c>
    /// when given, else a generated password printed once to the console (never logged).
    /// </summary>
    public static async Task EnsureAdminAsync(IServiceProvider services, string? configuredPassword, TextWriter console)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        await db.Database.EnsureCreatedAsync();

        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All.Where(r => r != Roles.Ingest))
        {
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.Users.AnyAsync())
            return;

        var password = string.IsNullOrEmpty(configuredPassword) ? Generate() : configuredPassword;
        var admin = new IdentityUser(AdminUser);
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
            throw new InvalidOperationException($"The first admin could not be created: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        await users.AddToRoleAsync(admin, Roles.Admin);

        if (string.IsNullOrEmpty(configuredPassword))
        {
            await console.WriteLineAsync($"First start: created the user '{AdminUser}' with the password {password}");
            await console.WriteLineAsync("It is shown only this once; set ReEngage__AdminPassword to choose it instead.");
        }
    }

    private static string Generate()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var chars = Enumerable.Range(0, 16).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]);
        return $"{string.Concat(chars)}-9a";
    }
}
