using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ReEngage.Flows.Host.Tests.Api;

/// <summary>The campaigns API on the real host: Quartz starts campaigns on the real clock.</summary>
public sealed class CampaignsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static string Ago(TimeSpan by) => (DateTimeOffset.UtcNow - by).ToString("O", CultureInfo.InvariantCulture);

    private async Task PostEventsAsync(params (string Type, string Customer, TimeSpan Ago)[] events)
    {
        var body = "[" + string.Join(",", events.Select(e =>
            $$"""{"eventId": "{{Guid.NewGuid():N}}", "type": "{{e.Type}}", "customerId": "{{e.Customer}}", "occurredAt": "{{Ago(e.Ago)}}"}""")) + "]";
        var response = await api.As("Ingest").PostAsync("/api/events", Json(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static string Campaign(string group, string extra = "\"startNow\": true") => $$"""
        { "name": "Spring win-back", "group": "{{group}}", "period": "P7D", "channel": "chat",
          "title": "We kept your cart", "body": "Hi {{"{{"}} customer.firstName {{"}}"}}, it is still there.", {{extra}} }
        """;

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private async Task<JsonNode> WaitForStatusAsync(long id, string status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var campaign = await ReadAsync(await api.As("Viewer").GetAsync($"/api/campaigns/{id}"));
            if ((string)campaign["status"]! == status || clock.Elapsed > TimeSpan.FromSeconds(45))
                return campaign;
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_campaign_started_now_delivers_finishes_and_then_refuses_edits_with_409()
    {
        // No quiet hours: the test must not depend on the hour it runs at.
        var settings = await api.As("Admin").PutAsync("/api/settings", Json("""{"guardrails": {"unreadChatCap": 2}, "couponPools": [{"id": "CART10", "pattern": "CART-########"}]}"""));
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        await PostEventsAsync(("cart.added", "api-cart-1", TimeSpan.FromHours(1)), ("cart.added", "api-cart-2", TimeSpan.FromDays(2)), ("cart.added", "api-cart-old", TimeSpan.FromDays(9)));

        var created = await api.As("Marketer").PostAsync("/api/campaigns", Json(Campaign("addedToCart")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (long)(await ReadAsync(created))["id"]!;
        Assert.Equal($"/api/campaigns/{id}", created.Headers.Location?.OriginalString);

        var finished = await WaitForStatusAsync(id, "finished");
        Assert.Equal("finished", (string)finished["status"]!);
        Assert.Equal(2, (int)finished["reach"]!);
        Assert.Equal(2, (int)finished["counts"]!["sent"]!);
        Assert.Equal(2, (int)finished["counts"]!["delivered"]!);
        Assert.False((bool)finished["editable"]!);

        var flowId = (string)finished["flowId"]!;
        var flowExport = await (await api.As("Admin").GetAsync($"/api/flows/{flowId}/export")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await api.As("Marketer").PutAsync($"/api/flows/{flowId}", Json(flowExport))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await api.As("Marketer").PostAsync($"/api/flows/{flowId}/publish", null)).StatusCode);

        var edit = await api.As("Marketer").PutAsync($"/api/campaigns/{id}", Json("""{"name": "Renamed"}"""));
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        Assert.Equal("application/problem+json", edit.Content.Headers.ContentType?.MediaType);
        Assert.Contains("only a campaign that has not started can be edited", (string)(await ReadAsync(edit))["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await api.As("Marketer").PostAsync($"/api/campaigns/{id}/finish", null)).StatusCode);

        var duplicated = await api.As("Marketer").PostAsync($"/api/campaigns/{id}/duplicate", null);
        Assert.Equal(HttpStatusCode.Created, duplicated.StatusCode);
        var copy = await ReadAsync(duplicated);
        Assert.Equal(("notStarted", id, true), ((string)copy["status"]!, (long)copy["duplicatedFrom"]!, (bool)copy["editable"]!));
        Assert.Null(copy["startAt"]);

        var later = DateTimeOffset.UtcNow.AddDays(3).ToString("O", CultureInfo.InvariantCulture);
        var rescheduled = await api.As("Marketer").PutAsync($"/api/campaigns/{(long)copy["id"]!}", Json($$"""{"name": "Again in three days", "startAt": "{{later}}"}"""));
        Assert.Equal(HttpStatusCode.OK, rescheduled.StatusCode);
        Assert.Equal("Again in three days", (string)(await ReadAsync(rescheduled))["name"]!);

        var stopped = await api.As("Marketer").PostAsync($"/api/campaigns/{(long)copy["id"]!}/finish", null);
        Assert.Equal("finished", (string)(await ReadAsync(stopped))["status"]!);

        var list = (await ReadAsync(await api.As("Viewer").GetAsync("/api/campaigns"))).AsArray();
        Assert.Contains(list, c => (long)c!["id"]! == id);
        var finishedOnly = (await ReadAsync(await api.As("Viewer").GetAsync("/api/campaigns?status=finished"))).AsArray();
        Assert.All(finishedOnly, c => Assert.Equal("finished", (string)c!["status"]!));
        Assert.Contains(finishedOnly, c => (long)c!["id"]! == id);
        var badStatus = await api.As("Viewer").GetAsync("/api/campaigns?status=paused");
        Assert.Equal((HttpStatusCode.BadRequest, "status"), (badStatus.StatusCode, (string)(await ReadAsync(badStatus))["field"]!));
        Assert.DoesNotContain((await ReadAsync(await api.As("Viewer").GetAsync("/api/flows"))).AsArray(), f => ((string)f!["id"]!).StartsWith("campaign-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_empty_group_shows_cannot_deliver_with_the_reason()
    {
        var created = await api.As("Marketer").PostAsync("/api/campaigns", Json(Campaign("existingCustomers")));
        var id = (long)(await ReadAsync(created))["id"]!;

        var failed = await WaitForStatusAsync(id, "cannotDeliver");

        Assert.Equal("cannotDeliver", (string)failed["status"]!);
        Assert.Equal("no-customers", (string)failed["cannotDeliver"]!["reason"]!);
        Assert.Contains("customers who ordered in the last 7 days", (string)failed["cannotDeliver"]!["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_estimate_counts_the_group_over_the_period_and_names_a_bad_parameter()
    {
        await PostEventsAsync(("store.followed", "api-follow-1", TimeSpan.FromDays(1)), ("store.followed", "api-follow-2", TimeSpan.FromDays(5)), ("store.followed", "api-follow-3", TimeSpan.FromDays(20)));

        var week = await ReadAsync(await api.As("Viewer").GetAsync("/api/campaigns/estimate?group=storeFollowers&period=P7D"));
        var month = await ReadAsync(await api.As("Viewer").GetAsync("/api/campaigns/estimate?group=storeFollowers&period=30"));

        Assert.Equal(("storeFollowers", "P7D", 2), ((string)week["group"]!, (string)week["period"]!, (int)week["reach"]!));
        Assert.Equal(("P30D", 3), ((string)month["period"]!, (int)month["reach"]!));

        var badGroup = await api.As("Viewer").GetAsync("/api/campaigns/estimate?group=everyone&period=P7D");
        Assert.Equal((HttpStatusCode.BadRequest, "group"), (badGroup.StatusCode, (string)(await ReadAsync(badGroup))["field"]!));
        var badPeriod = await api.As("Viewer").GetAsync("/api/campaigns/estimate?group=storeFollowers&period=P10D");
        Assert.Equal((HttpStatusCode.BadRequest, "period"), (badPeriod.StatusCode, (string)(await ReadAsync(badPeriod))["field"]!));
    }

    [Theory]
    [InlineData("\"title\": \"A chat title that is much longer than forty characters\", \"startNow\": true", "$.title", "at most 40")]
    [InlineData("\"couponPool\": \"NOPE\", \"startNow\": true", "$.couponPool", "'NOPE' does not exist")]
    [InlineData("\"startAt\": \"2020-01-01T00:00:00Z\"", "$.startAt", "has passed")]
    [InlineData("\"startNow\": true, \"colour\": \"red\"", "$.colour", "colour")]
    public async Task Bad_input_is_400_with_a_problem_naming_the_field(string extra, string field, string says)
    {
        var body = Campaign("addedToCart", extra);
        if (field == "$.title")
            body = body.Replace("\"title\": \"We kept your cart\", ", "", StringComparison.Ordinal);

        var response = await api.As("Marketer").PostAsync("/api/campaigns", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadAsync(response);
        Assert.Equal(field, (string)problem["field"]!);
        Assert.Contains(says, (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_group_in_the_body_is_named()
    {
        var response = await api.As("Marketer").PostAsync("/api/campaigns", Json(Campaign("everyone")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("$.group", (string)(await ReadAsync(response))["field"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await api.As("Viewer").GetAsync("/api/campaigns/987654")).StatusCode);
    }
}
