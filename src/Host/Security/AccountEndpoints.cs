using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace ReEngage.Flows.Host.Security;

/// <summary>
/// Sign-in and sign-out. The plain login page here keeps the host usable until the designer's own
/// login page (issue #5) takes its place; it carries the stable test hooks of DESIGN.md §8.
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccount(this WebApplication app)
    {
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? error) =>
        {
            var token = antiforgery.GetAndStoreTokens(context);
            var message = error is null ? "" : "<p class=\"error\" role=\"alert\">The user name or password is not right.</p>";
            return Results.Content($$"""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · ReEngage.Flows</title></head>
                <body><main><h1>ReEngage.Flows</h1>{{message}}
                <form method="post" action="/account/login">
                  <input type="hidden" name="{{token.FormFieldName}}" value="{{WebUtility.HtmlEncode(token.RequestToken)}}">
                  <label>User <input name="username" data-testid="login-user" autocomplete="username" required></label>
                  <label>Password <input name="password" type="password" data-testid="login-password" autocomplete="current-password" required></label>
                  <button type="submit" data-testid="login-submit">Sign in</button>
                </form></main></body></html>
                """, "text/html");
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/account/login", async ([FromForm] string username, [FromForm] string password, [FromForm] string? returnUrl, SignInManager<IdentityUser> signIn) =>
        {
            var result = await signIn.PasswordSignInAsync(username, password, isPersistent: true, lockoutOnFailure: true);
            if (!result.Succeeded)
                return Results.Redirect("/login?error=1");
            return Results.LocalRedirect(string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') ? "/" : returnUrl);
        }).AllowAnonymous().RequireRateLimiting(SecuritySetup.LoginLimit).ExcludeFromDescription();

        app.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.Redirect("/login");
        }).RequireAuthorization().ExcludeFromDescription();
    }
}
