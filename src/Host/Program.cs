using Scalar.AspNetCore;
using ReEngage.Flows.Designer;
using ReEngage.Flows.Host;
using ReEngage.Flows.Host.Api;
using ReEngage.Flows.Host.Cli;
using ReEngage.Flows.Host.Security;

if (CliApp.IsVerb(args))
    return await CliApp.RunAsync(args, Console.Out, Console.Error);

// The content root is the app's own folder, whatever folder `dotnet run` was started from (the CLI
// verbs above take paths relative to that folder, so the run directory is the caller's).
var demo = args.Contains(Demo.Flag, StringComparer.Ordinal);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    // --demo is a switch, not a configuration key: the command-line provider would take the next argument as its value.
    Args = [.. args.Where(a => a != Demo.Flag)],
    ContentRootPath = AppContext.BaseDirectory,
});
var options = builder.Configuration.GetSection(ReEngageOptions.Section).Get<ReEngageOptions>() ?? new ReEngageOptions();
builder.Services.AddSingleton(options);
builder.Services.AddReEngageEngine(options, builder.Environment.ContentRootPath);
builder.Services.AddReEngageSecurity(options.DataDirectory!, options.ApiKeys);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddReEngageDesigner();
// Static web assets (MudBlazor's, the canvas bundle) are served from the build output in every
// environment, so `dotnet run` and the browser tests need no publish step.
builder.WebHost.UseStaticWebAssets();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
if (demo)
    builder.Services.AddHostedService<Demo>();

var app = builder.Build();
await app.PrepareEngineAsync();
await FirstStart.EnsureAdminAsync(app.Services, options.AdminPassword, Console.Out);
if (demo)
    await Demo.SeedAsync(app.Services, Console.Out);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
app.MapScalarApiReference("/docs").AllowAnonymous();
app.MapAccount();

var api = app.MapGroup("/api").RequireAuthorization().DisableAntiforgery();
api.MapEvents();
api.MapFlows();
api.MapCustomers();
api.MapSettings();
api.MapCouponPools();
api.MapCampaigns();
api.MapAccess();
app.MapEngine(api);

app.MapStaticAssets();
app.MapReEngageDesigner(Roles.Policies.Read);

app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"ReEngage.Flows is running: {string.Join(", ", app.Urls)} (API docs at /docs, health at /health)"));

await app.RunAsync();
return 0;

/// <summary>The host's entry point; public so API tests can start it with WebApplicationFactory.</summary>
public partial class Program;
