using System.CommandLine;

namespace ReEngage.Flows.Host.Cli;

/// <summary>
/// The developer verbs of the host binary (<c>dotnet run --project src/Host -- VERB …</c>).
/// Without a verb the host starts the web product instead.
/// </summary>
internal static class CliApp
{
    private static readonly string[] Verbs = ["validate", "simulate", "export", "import", "schema", "engine-worker", "--help", "-h", "-?"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("ReEngage.Flows: re-engagement flows for online stores. Run without a verb to start the product.")
        {
            ValidateVerb.Create(output),
            SimulateVerb.Create(output, error),
            ExportImportVerbs.Export(output),
            ExportImportVerbs.Import(output),
            SchemaVerb.Create(output),
            WorkerVerb.Create(output),
        };

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }
}
