using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using ReEngage.Flows.Benchmarks.Support;
using ReEngage.Flows.Engine.Runtime;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// Issue #3, P7: with 1 000 000 waiting runs in the store, the host process's resident memory stays
/// under 400 MB.
/// <list type="bullet">
/// <item><c>--harness p7-build DIR [runs]</c>: a fresh store <c>DIR/reengage.db</c> with the runs of
/// <c>bench-due-runs</c> (customer, event, entry, run, two steps each, bulk-inserted); the first 1 %
/// due a minute before the build, the rest spread over the next 30 days; the flow file in <c>DIR/workflows</c>.</item>
/// <item><c>--harness p7-host DIR HOST_DLL [seconds]</c>: starts the real host (its Release build) with
/// <c>ReEngage__DataDirectory=DIR</c>, so its Quartz jobs tick the engine and dispatch the outbox every
/// second, samples VmRSS of the host process from <c>/proc/PID/status</c> every 100 ms, then stops it by its id.</item>
/// <item><c>--harness p7-engine DIR [seconds]</c>: the same sampling over a child process that only
/// builds the engine over the store and calls NextWakeAsync / TickAsync / DispatchAsync in a loop,
/// its clock jumping to each next wake-up (every batch it ticks is a real one).</item>
/// </list>
/// </summary>
internal static class MemoryHarness
{
    public static async Task<int> BuildAsync(string[] args)
    {
        var dir = Path.GetFullPath(args[0]);
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "reengage.db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(path + suffix);

        var watch = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        await using (var store = await BenchStore.OpenAsync(path, now - TimeSpan.FromDays(1)))
        {
            await using (var db = store.Databases.CreateDbContext())
                await EngineState.SaveSettingsAsync(db, new Engine.Model.StoreSettings());
            await store.PublishAsync([BenchFlows.Own("due-runs.flow.json")]);
            var due = runs / 100;
            using var connection = store.OpenRaw();
            WaitingRuns.Insert(connection, runs, i => i < due
                ? now - TimeSpan.FromMinutes(1) - TimeSpan.FromMinutes(1) * ((double)i / due)
                : now + TimeSpan.FromDays(30) * ((double)(i - due + 1) / (runs - due)));
        }

        DueRunsFixture.Checkpoint(path);
        var workflows = Directory.CreateDirectory(Path.Combine(dir, "workflows")).FullName;
        File.Copy(Path.Combine(BenchFlows.Folder, "due-runs.flow.json"), Path.Combine(workflows, "due-runs.flow.json"), overwrite: true);
        Console.WriteLine($"{runs} waiting runs ({runs / 100} due now) in {path}: {new FileInfo(path).Length / 1e6:F0} MB, built in {watch.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    public static async Task<int> HostAsync(string[] args)
    {
        var dir = Path.GetFullPath(args[0]);
        var hostDll = Path.GetFullPath(args[1]);
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 90;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [hostDll])
        {
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ReEngage__DataDirectory"] = dir;
        start.Environment["ReEngage__WorkflowsDirectory"] = Path.Combine(dir, "workflows");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return await SampleAsync(start, seconds, dir, $"host {Path.GetFileName(hostDll)} on 127.0.0.1:{port}");
    }

    public static async Task<int> EngineAsync(string[] args)
    {
        var dir = Path.GetFullPath(args[0]);
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        var start = new ProcessStartInfo("dotnet", [typeof(MemoryHarness).Assembly.Location, "--harness", "p7-engine-child", dir, seconds.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return await SampleAsync(start, seconds + 30, dir, "engine-only child");
    }

    /// <summary>The child of <c>p7-engine</c>: the engine over the store, ticking from wake-up to wake-up for a while.</summary>
    public static async Task<int> EngineChildAsync(string[] args)
    {
        var dir = args[0];
        var seconds = int.Parse(args[1], CultureInfo.InvariantCulture);
        await using var store = await BenchStore.OpenAsync(Path.Combine(dir, "reengage.db"), DateTimeOffset.UtcNow);
        var watch = Stopwatch.StartNew();
        var (ticks, moved, sent) = (0, 0, 0);
        while (watch.Elapsed.TotalSeconds < seconds && await store.Engine.NextWakeAsync() is { } wake)
        {
            if (wake > store.Clock.Now)
                store.Clock.Now = wake + TimeSpan.FromMinutes(30);
            moved += await store.Engine.TickAsync();
            sent += await store.Parts.Dispatcher.DispatchAsync();
            ticks++;
        }

        Console.WriteLine($"engine child: {ticks} ticks moved {moved} runs, dispatched {sent}, clock at {store.Clock.Now:u}; {Status("VmHWM")}");
        return 0;
    }

    private static async Task<int> SampleAsync(ProcessStartInfo start, int seconds, string dir, string what)
    {
        using var process = Process.Start(start)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var samples = new List<(double At, long Kb)>();
        var watch = Stopwatch.StartNew();
        long hwm = 0;
        while (watch.Elapsed.TotalSeconds < seconds && !process.HasExited)
        {
            if (Status(process.Id, "VmRSS") is { } rss)
                samples.Add((watch.Elapsed.TotalSeconds, rss));
            hwm = Status(process.Id, "VmHWM") ?? hwm;
            await Task.Delay(100);
        }

        var exited = process.HasExited;
        if (!exited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        await Task.Delay(200);
        lock (output)
        {
            foreach (var line in output.TakeLast(15))
                Console.WriteLine($"  | {line}");
        }

        var peak = samples.Count == 0 ? 0 : samples.Max(s => s.Kb);
        var last = samples.Count == 0 ? 0 : samples[^1].Kb;
        Console.WriteLine($"{what}: {(exited ? "exited" : "stopped")} after {watch.Elapsed.TotalSeconds:F0} s; VmRSS peak {peak / 1024.0:F0} MB, last {last / 1024.0:F0} MB; VmHWM {hwm / 1024.0:F0} MB (target < 400 MB)");
        foreach (var (at, kb) in samples.Where((_, i) => i % 50 == 0))
            Console.WriteLine($"  t={at,5:F1} s  VmRSS {kb / 1024.0,6:F0} MB");

        using var check = new Microsoft.Data.Sqlite.SqliteConnection(Engine.Storage.StorageSetup.SqliteConnectionString(Path.Combine(dir, "reengage.db")));
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM \"Runs\" WHERE \"Status\" = 'Waiting'), (SELECT COUNT(*) FROM \"Messages\"), (SELECT COUNT(*) FROM \"Messages\" WHERE \"Status\" = 'Sent')";
        using var reader = command.ExecuteReader();
        reader.Read();
        Console.WriteLine($"store now: {reader.GetInt64(0)} runs waiting, {reader.GetInt64(1)} messages in the outbox ({reader.GetInt64(2)} sent)");
        return 0;
    }

    private static long? Status(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private static string Status(string field) => $"{field} {(Status(Environment.ProcessId, field) ?? 0) / 1024.0:F0} MB";

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
