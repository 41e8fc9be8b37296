using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace ReEngage.Flows.Host.Security;

/// <summary>
/// Sign-in and sign-out. The sign-in page is plain HTML rather than a designer page because the
/// cookie can only be set by an ordinary request, not over a Blazor circuit; it carries the stable
/// test hooks of DESIGN.md §8 and returns the user to the page they asked for.
/// </summary>
internal static class AccountEndpoints
{
    private const string LoginStyle =
        "body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f4f6f9;font-family:Roboto,'Segoe UI',Helvetica,Arial,sans-serif}" +
        "main{background:#fff;padding:32px 36px;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.12);width:320px}" +
        "h1{margin:0;color:#15325e;font-size:1.5rem}.lead{color:#607d8b;margin:4px 0 20px}" +
        "label{display:block;font-size:.85rem;color:#455a64;margin-bottom:14px}" +
        "input{display:block;width:100%;box-sizing:border-box;margin-top:4px;padding:9px 10px;border:1px solid #b0bec5;border-radius:4px;font-size:1rem}" +
        "button{width:100%;padding:10px;border:0;border-radius:4px;background:#1e63d6;color:#fff;font-size:1rem;cursor:pointer}" +
        ".error{color:#b71c1c;background:#ffebee;padding:8px 10px;border-radius:4px}";

    public static void MapAccount(this WebApplication app)
    {
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? error, string? returnUrl) =>
        {
            var token = antiforgery.GetAndStoreTokens(context);
            var message = error is null ? "" : "<p class=\"error\" role=\"alert\">The user name or password is not right.</p>";
            var back = WebUtility.HtmlEncode(returnUrl ?? "/");
            return Results.Content($$"""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign in · ReEngage.Flows</title><link rel="icon" href="data:,">
                <style>{{LoginStyle}}</style></head>
                <body><main><h1>ReEngage.Flows</h1><p class="lead">Sign in to the flow designer.</p>{{message}}
                <form method="post" action="/account/login">
                  <input type="hidden" name="{{token.FormFieldName}}" value="{{WebUtility.HtmlEncode(token.RequestToken)}}">
                  <input type="hidden" name="returnUrl" value="{{back}}">
                  <label>User <input name="username" data-testid="login-user" autocomplete="username" required autofocus></label>
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
                return Results.Redirect($"/login?error=1&returnUrl={Uri.EscapeDataString(form["returnUrl"].ToString())}");
            var returnUrl = form["returnUrl"].ToString();
            // Only a path on this site: "//host" and "/\\host" would leave it.
            var local = returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal);
            return Results.LocalRedirect(local ? returnUrl : "/");
        }).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(SecuritySetup.LoginLimit).ExcludeFromDescription();

        app.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.Redirect("/login");
        }).RequireAuthorization().ExcludeFromDescription();
    }
}
