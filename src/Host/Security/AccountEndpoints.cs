using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

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

        // The token is checked here rather than by form binding, so a missing one is a plain 400.
        app.MapPost("/account/login", async (HttpContext context, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
                return Results.Problem(title: "The sign-in form expired", detail: "Reload the sign-in page and try again.", statusCode: StatusCodes.Status400BadRequest);

            var form = await context.Request.ReadFormAsync();
            var result = await signIn.PasswordSignInAsync(form["username"].ToString(), form["password"].ToString(), isPersistent: true, lockoutOnFailure: true);
            if (!result.Succeeded)
                return Results.Redirect("/login?error=1");
            var returnUrl = form["returnUrl"].ToString();
            return Results.LocalRedirect(string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') ? "/" : returnUrl);
        }).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(SecuritySetup.LoginLimit).ExcludeFromDescription();

        app.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.Redirect("/login");
        }).RequireAuthorization().ExcludeFromDescription();
    }
}
