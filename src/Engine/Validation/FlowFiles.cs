using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Validation;

/// <summary>One flow file and what validation found in it.</summary>
public sealed record FlowFileReport(string Path, FlowValidationResult Result);

/// <summary>
/// Validates flow files the way developers keep them: <c>*.flow.json</c> in folders, with the coupon
/// pools of a <c>settings.json</c> beside them. Flow ids must be unique across the files checked.
/// </summary>
public sealed class FlowFiles(FlowValidator validator)
{
    public const string FlowPattern = "*.flow.json";
    public const string SettingsFileName = "settings.json";

    /// <summary>Expands folders into their flow files (recursively, in a stable order); files stay as given.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths, ICollection<string> missing)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, FlowPattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                missing.Add(path);
            }
        }

        return files;
    }

    /// <summary>
    /// Reads a settings file; null when there is none. A settings file that does not read is
    /// reported through <paramref name="problems"/> rather than thrown.
    /// </summary>
    public static StoreSettings? ReadSettings(string path, out IReadOnlyList<FlowProblem> problems)
    {
        problems = [];
        if (!File.Exists(path))
            return null;

        var read = JsonDocumentReader.Read<StoreSettings>(File.ReadAllText(path));
        problems = read.Value is null ? read.Problems : SettingsValidator.Validate(read.Value);
        return read.Value;
    }

    public static FlowValidationContext ContextFor(StoreSettings? settings) =>
        settings is null
            ? FlowValidationContext.Empty
            : new FlowValidationContext { CouponPools = settings.CouponPools.Select(p => p.Id).ToHashSet(StringComparer.Ordinal) };

    /// <summary>
    /// Validates each file. <paramref name="contextFor"/> gives the context of a file (its coupon pools).
    /// </summary>
    public IReadOnlyList<FlowFileReport> Validate(IEnumerable<string> files, Func<string, FlowValidationContext> contextFor)
    {
        var reports = new List<FlowFileReport>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var result = validator.Validate(File.ReadAllText(file), contextFor(file));
            if (result.Flow is { } flow && !owners.TryAdd(flow.Id, file))
            {
                var duplicate = new FlowProblem(ProblemCodes.DuplicateFlowId, $"The flow id '{flow.Id}' is already used by {owners[flow.Id]}; flow ids must be unique.") { Path = "$.id" };
                result = result with { Problems = [.. result.Problems, duplicate] };
            }

            reports.Add(new FlowFileReport(file, result));
        }

        return reports;
    }
}
