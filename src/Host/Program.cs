using ReEngage.Flows.Host;
using ReEngage.Flows.Host.Cli;

if (CliApp.IsVerb(args))
    return await CliApp.RunAsync(args, Console.Out, Console.Error);

// The content root is the app's own folder, whatever folder `dotnet run` was started from (the CLI
// verbs above take paths relative to that folder, so the run directory is the caller's).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = builder.Configuration.GetSection(ReEngageOptions.Section).Get<ReEngageOptions>() ?? new ReEngageOptions();
builder.Services.AddSingleton(options);
builder.Services.AddReEngageEngine(options, builder.Environment.ContentRootPath);

var app = builder.Build();
await app.PrepareEngineAsync();

// Liveness for now; issue #4 extends it to the database and the scheduler.
app.MapGet("/health", () => Results.Ok(new { status = "healthy" }));

await app.RunAsync();
return 0;

/// <summary>The host's entry point; public so API tests can start it with WebApplicationFactory.</summary>
public partial class Program;
