using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*'
// Latest figures and how to read them: docs/performance.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
