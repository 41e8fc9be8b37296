using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Runtime;

public class RfmScoringTests
{
    [Fact]
    public void Quintiles_rank_values_and_ties_share_a_score()
    {
        Assert.Equal([1, 2, 3, 4, 5], RfmScoring.Quintiles([10, 20, 30, 40, 50]));
        Assert.Equal([1, 1, 1, 4, 5], RfmScoring.Quintiles([7, 7, 7, 8, 9]));
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], RfmScoring.Quintiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    }

    [Theory]
    [InlineData(5, 5, 5, "Champions")]
    [InlineData(3, 4, 1, "Loyal")]
    [InlineData(5, 1, 1, "New")]
    [InlineData(4, 2, 3, "Potential")]
    [InlineData(2, 3, 3, "AtRisk")]
    [InlineData(1, 1, 5, "Lost")]
    [InlineData(2, 2, 2, "Hibernating")]
    [InlineData(3, 2, 2, "NeedAttention")]
    public void Segments_follow_the_scores(int r, int f, int m, string segment) =>
        Assert.Equal(segment, RfmScoring.Segment(r, f, m));

    [Fact]
    public async Task Recomputing_scores_the_buyers_and_expressions_see_the_segment()
    {
        await using var h = await EngineHarness.CreateAsync();
        var now = h.Clock.GetUtcNow();
        await h.WithDbAsync(async db =>
        {
            for (var i = 1; i <= 10; i++)
                db.Customers.Add(new CustomerRecord { Id = $"c{i}", OrderCount = i, TotalSpent = i * 100, LastOrderAt = now.AddDays(-100 + (i * 10)) });
            db.Customers.Add(new CustomerRecord { Id = "browser" });
            await Task.CompletedTask;
        });

        await h.WithDbAsync(async db => Assert.Equal(10, await RfmScoring.RecomputeAsync(db, now)));

        var best = (await h.CustomerAsync("c10"))!;
        Assert.Equal((5, 5, 5, "Champions"), (best.RfmR, best.RfmF, best.RfmM, best.RfmSegment));
        var worst = (await h.CustomerAsync("c1"))!;
        Assert.Equal((1, 1, 1, "Lost"), (worst.RfmR, worst.RfmF, worst.RfmM, worst.RfmSegment));
        Assert.Null((await h.CustomerAsync("browser"))!.RfmSegment);
        Assert.Equal("Champions", CustomerProfile.ToInput(best, now, counter: null, "UTC").Rfm.Segment);
    }
}
