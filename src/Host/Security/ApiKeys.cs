using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ReEngage.Flows.Host.Security;

/// <summary>A key from configuration (<c>ReEngage:ApiKeys</c>): the secret and the role it carries.</summary>
public sealed class ApiKeyOptions
{
    public string Key { get; set; } = "";

    public string Role { get; set; } = Roles.Viewer;
}

/// <summary>Configured API keys, held only as SHA-256 hashes and compared in constant time.</summary>
public sealed class ApiKeyStore
{
    private readonly List<(byte[] Hash, string Role)> keys;

    public ApiKeyStore(IEnumerable<ApiKeyOptions> configured)
    {
        keys = [];
        foreach (var key in configured.Where(k => !string.IsNullOrWhiteSpace(k.Key)))
        {
            if (!Roles.All.Contains(key.Role, StringComparer.Ordinal))
                throw new InvalidOperationException($"ReEngage:ApiKeys: role '{key.Role}' is not one of {string.Join(", ", Roles.All)}.");
            keys.Add((Hash(key.Key), key.Role));
        }
    }

    public string? RoleOf(string presented)
    {
        var hash = Hash(presented);
        return keys.FirstOrDefault(k => CryptographicOperations.FixedTimeEquals(k.Hash, hash)).Role;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string HashText(string key) => Convert.ToHexString(Hash(key));

    /// <summary>A new random key (256 bits, URL-safe).</summary>
    public static string NewKey() => "rk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Authenticates requests that carry <c>X-Api-Key</c>; the key's role becomes the caller's role.</summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore store, UsersDbContext users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count == 0)
            return AuthenticateResult.NoResult();

        var presented = values.ToString();
        var role = store.RoleOf(presented);
        if (role is null)
        {
            var hash = ApiKeyStore.HashText(presented);
            role = await users.ApiKeys.AsNoTracking().Where(k => k.Hash == hash).Select(k => k.Role).FirstOrDefaultAsync(Context.RequestAborted);
        }

        if (role is null)
            return AuthenticateResult.Fail("The API key is not valid.");

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, $"api-key:{role}"), new Claim(ClaimTypes.Role, role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
