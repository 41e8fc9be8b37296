using ReEngage.Flows.Host.Cli;

if (CliApp.IsVerb(args))
    return await CliApp.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

// Liveness for now; issue #4 extends it to the database and the scheduler.
app.MapGet("/health", () => Results.Ok(new { status = "healthy" }));

await app.RunAsync();
return 0;

/// <summary>The host's entry point; public so API tests can start it with WebApplicationFactory.</summary>
public partial class Program;
