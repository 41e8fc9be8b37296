using BenchmarkDotNet.Running;
using ReEngage.Flows.Benchmarks.Harness;

// BenchmarkDotNet: dotnet run -c Release --project tests/Benchmarks -- --filter '*'
// Whole-process measures that BenchmarkDotNet does not fit (simulate wall time, resident memory):
//   dotnet run -c Release --project tests/Benchmarks -- --harness <mode> [options]   (modes: see HarnessMain)
// Latest figures and how to read them: docs/performance.md.
if (args.Length > 0 && args[0] == "--harness")
    return await HarnessMain.RunAsync(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
