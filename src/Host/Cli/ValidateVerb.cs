using System.CommandLine;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Host.Cli;

/// <summary>
/// <c>validate &lt;files or folders&gt;</c>: prints <c>file: ok</c> or one
/// <c>file: node: code: message</c> line per problem; exit code 1 when any file has an error.
/// </summary>
internal static class ValidateVerb
{
    public static Command Create(TextWriter output)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Flow files, or folders searched for *.flow.json.",
            Arity = ArgumentArity.OneOrMore,
        };
        var settings = new Option<string?>("--settings")
        {
            Description = "Settings file whose coupon pools flows may use (default: settings.json beside each flow, else workflows/settings.json).",
        };

        var command = new Command("validate", "Check flow files and print every problem.") { paths, settings };
        command.SetAction(result => Run(result.GetValue(paths)!, result.GetValue(settings), output));
        return command;
    }

    internal static int Run(IReadOnlyList<string> paths, string? settingsPath, TextWriter output)
    {
        var failed = false;
        var missing = new List<string>();
        var files = FlowFiles.Expand(paths, missing);
        foreach (var path in missing)
        {
            output.WriteLine($"{path}: not found: no such file or folder");
            failed = true;
        }

        var contexts = new SettingsContexts(settingsPath, output);
        var reports = new FlowFiles(FlowValidator.Default).Validate(files, contexts.For);
        failed |= contexts.Failed;

        foreach (var report in reports)
        {
            var errors = report.Result.Problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
            if (errors.Count == 0)
                output.WriteLine($"{report.Path}: ok");
            foreach (var problem in errors)
                output.WriteLine($"{report.Path}: {problem.Location}: {problem.Code}: {problem.Message}");
            foreach (var warning in report.Result.Problems.Where(p => p.Severity == ProblemSeverity.Warning))
                output.WriteLine($"{report.Path}: {warning.Location}: {warning.Code}: warning: {warning.Message}");
            failed |= errors.Count > 0;
        }

        if (files.Count == 0 && missing.Count == 0)
        {
            output.WriteLine($"{string.Join(", ", paths)}: no *.flow.json files found");
            failed = true;
        }

        return failed ? 1 : 0;
    }

    /// <summary>Finds and caches the settings (coupon pools) that apply to each flow file.</summary>
    private sealed class SettingsContexts(string? explicitPath, TextWriter output)
    {
        private readonly Dictionary<string, FlowValidationContext> byPath = new(StringComparer.Ordinal);

        public bool Failed { get; private set; }

        public FlowValidationContext For(string flowFile)
        {
            var path = explicitPath ?? Candidates(flowFile).FirstOrDefault(File.Exists);
            if (path is null)
                return FlowValidationContext.Empty;
            if (byPath.TryGetValue(path, out var cached))
                return cached;

            var settings = FlowFiles.ReadSettings(path, out var problems);
            if (explicitPath is not null && !File.Exists(path))
                problems = [new FlowProblem("settings.not-found", "The settings file does not exist.")];
            foreach (var problem in problems)
                output.WriteLine($"{path}: {problem.Location}: {problem.Code}: {problem.Message}");
            Failed |= problems.Count > 0;

            return byPath[path] = FlowFiles.ContextFor(settings);
        }

        private static IEnumerable<string> Candidates(string flowFile)
        {
            yield return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(flowFile))!, FlowFiles.SettingsFileName);
            yield return Path.Combine(Environment.CurrentDirectory, "workflows", FlowFiles.SettingsFileName);
        }
    }
}
