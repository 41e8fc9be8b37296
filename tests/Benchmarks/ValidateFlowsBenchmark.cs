using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ReEngage.Flows.Engine.Validation;

namespace ReEngage.Flows.Benchmarks;

/// <summary>
/// Issue #2 target: validating 100 flows takes under 2 s after start-up. The 100 files are the
/// shipped flows copied with fresh ids, read from disk as the <c>validate</c> verb reads them.
/// The cold job measures the first validation in a fresh process (JIT of RulesEngine's parser,
/// Fluid and the serializer included); the warm job measures a developer's repeated runs.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.ColdStart, launchCount: 5, iterationCount: 1, id: "cold")]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10, id: "warm")]
public class ValidateFlowsBenchmark
{
    public const int FlowCount = 100;

    private string folder = "";
    private readonly List<string> files = [];
    private FlowValidationContext context = FlowValidationContext.Empty;

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("reengage-bench-").FullName;
        var shipped = Directory.GetFiles(RepoFiles.Workflows, FlowFiles.FlowPattern).Order(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < FlowCount; i++)
        {
            var flow = JsonNode.Parse(File.ReadAllText(shipped[i % shipped.Length]))!.AsObject();
            flow["id"] = $"{flow["id"]}-{i}";
            var path = Path.Combine(folder, $"{flow["id"]}.flow.json");
            File.WriteAllText(path, flow.ToJsonString());
            files.Add(path);
        }

        var settings = FlowFiles.ReadSettings(Path.Combine(RepoFiles.Workflows, FlowFiles.SettingsFileName), out _);
        context = FlowFiles.ContextFor(settings);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    [Benchmark(Description = "validate 100 flow files")]
    public int Validate100Flows()
    {
        var reports = new FlowFiles(FlowValidator.Default).Validate(files, _ => context);
        var errors = reports.Sum(r => r.Result.Problems.Count);
        return errors == 0 ? reports.Count : throw new InvalidOperationException($"{errors} problems in the benchmark's flows");
    }
}
