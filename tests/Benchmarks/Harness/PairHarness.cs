using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using ReEngage.Flows.Benchmarks.Support;

namespace ReEngage.Flows.Benchmarks.Harness;

/// <summary>
/// <c>--harness p2-pair [pairs = 20] [warm-ups = 20] "SQL"</c>: a change to the store (an index
/// dropped or made, a pragma) measured on P2's engine pass in one process. Each pair is a pass on a
/// fresh copy of the store and one on a copy with the SQL applied first, in alternating order; the
/// figure is the median of the pairs' time ratios (B/A). On two cores whose speed drifts with the
/// hour, whole processes alternated resolve about 5 %; the pairs see the same moment of the
/// machine, and a run with no SQL (A against A) reads 1.00 with quartiles about ±5 %.
/// </summary>
internal static class PairHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        var warmUps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var change = args.Length > 2 ? args[2] : null;
        using var fixture = await IngestFixture.CreateAsync(10_000);
        var (ratios, plain, changed) = (new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i < warmUps + pairs; i++)
        {
            var changedFirst = i % 2 == 1;
            var first = await PassAsync(fixture, changedFirst ? change : null);
            var second = await PassAsync(fixture, changedFirst ? null : change);
            var (a, b) = changedFirst ? (second, first) : (first, second);
            Console.WriteLine($"{(i < warmUps ? "warm-up" : "pair")} {i + 1}: A {a:F3} s, B {b:F3} s, B/A {b / a:F3}");
            if (i < warmUps)
                continue;
            ratios.Add(b / a);
            plain.Add(a);
            changed.Add(b);
        }

        Console.WriteLine($"B/A median {Quantile(ratios, 0.5):F3} (quartiles {Quantile(ratios, 0.25):F3}–{Quantile(ratios, 0.75):F3}) over {pairs} pairs; median pass A {Quantile(plain, 0.5):F3} s, B {Quantile(changed, 0.5):F3} s");
        return 0;
    }

    private static double Quantile(List<double> values, double q) => values.Order().ElementAt((int)(q * (values.Count - 1)));

    private static async Task<double> PassAsync(IngestFixture fixture, string? change)
    {
        var path = fixture.Copy();
        if (change is not null)
        {
            using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = change;
            command.ExecuteNonQuery();
        }

        double seconds;
        await using (var store = await BenchStore.OpenAsync(path, IngestFixture.Now(fixture.EventCount)))
        {
            var watch = Stopwatch.StartNew();
            foreach (var batch in fixture.Batches)
                await store.Engine.IngestAsync(batch);
            seconds = watch.Elapsed.TotalSeconds;
            fixture.KeepLogSize(path);
        }

        DueRunsFixture.Delete(path);
        return seconds;
    }
}
