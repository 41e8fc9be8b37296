using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Host.Security;

/// <summary>
/// Who may do what: designer users sign in with ASP.NET Core Identity (hashed passwords, a cookie,
/// antiforgery on the login form, a rate limit on attempts); machines send <c>X-Api-Key</c>. No
/// credentials on an API call gives 401, the wrong role 403 — never a redirect.
/// </summary>
internal static class SecuritySetup
{
    public const string Smart = "reengage";
    public const string LoginLimit = "login";

    public static IServiceCollection AddReEngageSecurity(this IServiceCollection services, string dataDirectory, IEnumerable<ApiKeyOptions> apiKeys)
    {
        Directory.CreateDirectory(dataDirectory);
        services.AddDbContext<UsersDbContext>(o => o.UseSqlite(StorageSetup.SqliteConnectionString(Path.Combine(dataDirectory, "users.db"))));
        services.AddIdentityCore<IdentityUser>(o =>
            {
                o.Password.RequiredLength = 12;
                // Length over composition rules (NIST SP 800-63B): a long passphrase is fine.
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireDigit = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<UsersDbContext>()
            .AddSignInManager();

        services.AddSingleton(new ApiKeyStore(apiKeys));
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Smart;
                o.DefaultChallengeScheme = Smart;
            })
            .AddPolicyScheme(Smart, "API key or sign-in cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyHandler.Header) ? ApiKeyHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.Cookie.Name = "reengage.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Policies.Read, p => p.RequireRole(Roles.Viewer, Roles.Marketer, Roles.Admin))
            .AddPolicy(Roles.Policies.Edit, p => p.RequireRole(Roles.Marketer, Roles.Admin))
            .AddPolicy(Roles.Policies.Administer, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.Policies.IngestEvents, p => p.RequireRole(Roles.Ingest, Roles.Marketer, Roles.Admin));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per address, generous enough for an office behind one NAT or a test script; guessing is
            // stopped by the account lockout (10 failures), not by this limit.
            o.AddPolicy(LoginLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        services.AddAntiforgery();
        return services;
    }

    /// <summary>API calls get a status code; pages get the login redirect.</summary>
    private static Task Refuse(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
            context.Response.StatusCode = status;
        else
            context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
