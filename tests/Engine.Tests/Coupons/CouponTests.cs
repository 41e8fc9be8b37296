using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Coupons;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Coupons;

[Collection(Alone.Name)]
public class CouponTests
{
    [Fact]
    public async Task Ten_thousand_concurrent_issues_give_ten_thousand_distinct_codes_each_to_one_customer()
    {
        await using var h = await EngineHarness.CreateAsync();
        var pool = new CouponPoolDefinition { Id = "BULK", Pattern = "B-######", ValidFor = "P7D" };
        var now = h.Clock.GetUtcNow();

        // 20 workers, each its own connection and transactions of 50 issues, all at once.
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 20 }, async (batch, ct) =>
        {
            while (true)
            {
                try
                {
                    await using var db = h.Databases.CreateDbContext();
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    for (var i = 0; i < 50; i++)
                        await CouponIssuer.IssueAsync(db, pool, $"c{(batch * 50) + i}", now, null, "n", ct);
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    return;
                }
                catch (DbUpdateException)
                {
                    // A code another worker took in the meantime: the unique index refused it; this batch tries again.
                }
            }
        });

        await using var check = h.Databases.CreateDbContext();
        var issues = await check.CouponIssues.AsNoTracking().ToListAsync();
        Assert.Equal(10_000, issues.Count);
        Assert.Equal(10_000, issues.Select(i => i.Code).Distinct().Count());
        Assert.Equal(10_000, issues.Select(i => i.CustomerId).Distinct().Count());
        Assert.All(issues, i => Assert.Matches("^B-[A-Z2-9]{6}$", i.Code));
        Assert.All(issues, i => Assert.Equal(now.AddDays(7), i.ExpiresAt));
    }

    [Fact]
    public async Task A_redeemed_code_is_attributed_to_the_flow_node_and_branch_that_issued_it()
    {
        await using var h = await EngineHarness.CreateAsync();
        await h.PublishAsync("""
            { "id": "ab-coupon", "name": "A/B coupon", "entry": { "reentry": "always" },
              "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "cart.added" },
                         { "id": "ab", "type": "split", "kind": "random", "branches": [ { "label": "a", "weight": 1 }, { "label": "b", "weight": 1 } ] },
                         { "id": "mail-a", "type": "action", "do": "send", "channel": "email", "title": "A", "body": "{{ coupon.code }}", "coupon": { "pool": "CART10" } },
                         { "id": "mail-b", "type": "action", "do": "send", "channel": "email", "title": "B", "body": "{{ coupon.code }}", "coupon": { "pool": "CART10" } } ],
              "edges": [ { "from": "t", "to": "ab" }, { "from": "ab", "to": "mail-a", "port": "a" }, { "from": "ab", "to": "mail-b", "port": "b" } ] }
            """);
        await h.SendAsync("cart.added", "c1");
        var message = Assert.Single(await h.MessagesAsync());

        await h.SendAsync("order.placed", "c1", new { orderId = "o1", total = 30, couponCode = message.CouponCode });

        await using var db = h.Databases.CreateDbContext();
        var issue = await db.CouponIssues.AsNoTracking().SingleAsync();
        var run = (await h.RunsAsync()).Single();
        Assert.Equal(message.CouponCode, issue.Code);
        Assert.Equal(("ab-coupon", message.NodeId, run.Branch, run.Id), (issue.FlowId, issue.NodeId, issue.Branch, issue.RunId));
        Assert.Equal(h.Clock.GetUtcNow(), issue.RedeemedAt);
    }

    [Fact]
    public async Task A_shared_pool_hands_everyone_its_one_code()
    {
        await using var h = await EngineHarness.CreateAsync();
        var pool = new CouponPoolDefinition { Id = "SPRING", Kind = CouponPoolKind.Shared, Code = "SPRING500", RedemptionLimit = 500 };
        await using var db = h.Databases.CreateDbContext();
        var a = await CouponIssuer.IssueAsync(db, pool, "c1", h.Clock.GetUtcNow(), null, null);
        var b = await CouponIssuer.IssueAsync(db, pool, "c2", h.Clock.GetUtcNow(), null, null);
        await db.SaveChangesAsync();
        Assert.Equal(("SPRING500", "SPRING500"), (a.Code, b.Code));
    }
}
