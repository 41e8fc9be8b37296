using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Runtime;

public sealed class AudienceEstimateTests
{
    [Fact]
    public async Task An_audience_counts_the_customers_whose_facts_and_events_match_now()
    {
        await using var harness = await EngineHarness.CreateAsync();
        // a: cart + two views; b: cart + one view; c: two views, no cart; d: nothing in the window.
        await harness.SendAsync("cart.added", "a", new { price = 20 });
        await harness.SendAsync("product.viewed", "a");
        await harness.SendAsync("product.viewed", "a");
        await harness.SendAsync("cart.added", "b", new { price = 15 });
        await harness.SendAsync("product.viewed", "b");
        await harness.SendAsync("product.viewed", "c");
        await harness.SendAsync("product.viewed", "c");
        await harness.SendAsync("product.viewed", "d", at: EngineHarness.Start.AddDays(-30));
        await harness.SendAsync("product.viewed", "d", at: EngineHarness.Start.AddDays(-30));

        AudienceCount count = default!;
        await harness.WithDbAsync(async db => count = await AudienceEstimate.CountAsync(
            db, "customer.CountEvents(\"product.viewed\", \"P7D\") >= 2", harness.Clock.GetUtcNow()));
        AudienceCount both = default!;
        await harness.WithDbAsync(async db => both = await AudienceEstimate.CountAsync(
            db, "customer.CartValue > 0 && customer.CountEvents(\"product.viewed\", \"P7D\") >= 2", harness.Clock.GetUtcNow()));

        Assert.Equal((2, 4, false), (count.Estimate, count.Total, count.Sampled));
        Assert.Equal(1, both.Estimate);
        Assert.Null(both.Problem);
    }

    [Fact]
    public async Task A_sample_is_scaled_to_the_whole_base_and_a_broken_expression_says_why()
    {
        await using var harness = await EngineHarness.CreateAsync();
        foreach (var id in new[] { "a", "b", "c", "d" })
            await harness.SendAsync("cart.added", id, new { price = 10 });

        AudienceCount sampled = default!;
        await harness.WithDbAsync(async db => sampled = await AudienceEstimate.CountAsync(db, "customer.CartValue > 0", harness.Clock.GetUtcNow(), sample: 2));
        AudienceCount broken = default!;
        await harness.WithDbAsync(async db => broken = await AudienceEstimate.CountAsync(db, "customer.CartValue >", harness.Clock.GetUtcNow()));

        Assert.Equal((4, 2, 2, 4, true), (sampled.Estimate, sampled.Matching, sampled.Examined, sampled.Total, sampled.Sampled));
        Assert.NotNull(broken.Problem);
    }
}
