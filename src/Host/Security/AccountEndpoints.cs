using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace ReEngage.Flows.Host.Security;

/// <summary>
/// Sign-in and sign-out. The plain login page and home page here keep the host usable until the
/// designer's own pages (issue #5) take their place; the login page carries the stable test hooks of
/// DESIGN.md §8.
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccount(this WebApplication app)
    {
        // Both pages name an empty icon: the browser would otherwise ask for /favicon.ico, and its 404 is
        // a console error that browser tests rightly count.
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? error) =>
        {
            var token = antiforgery.GetAndStoreTokens(context);
            var message = error is null ? "" : "<p class=\"error\" role=\"alert\">The user name or password is not right.</p>";
            return Results.Content($$"""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Sign in · ReEngage.Flows</title></head>
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

        // Where a sign-in lands until the designer's flows list takes "/" (DESIGN.md §8). Order 1 rather
        // than the default 0, so the designer's page wins the route without this being removed first;
        // until then an anonymous visit is sent to the login page like any other page.
        app.MapGet("/", (HttpContext context) => Results.Content($$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>ReEngage.Flows</title></head>
            <body><main><h1>ReEngage.Flows</h1>
            <p>Signed in as {{WebUtility.HtmlEncode(context.User.Identity?.Name)}}. The designer is not built yet; the API and its documentation are at <a href="/docs">/docs</a>.</p>
            <form method="post" action="/account/logout"><button type="submit">Sign out</button></form>
            </main></body></html>
            """, "text/html"))
            .RequireAuthorization(Roles.Policies.Read).WithOrder(1).ExcludeFromDescription();

        app.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.Redirect("/login");
        }).RequireAuthorization().ExcludeFromDescription();
    }
}
