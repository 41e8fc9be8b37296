using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ReEngage.Flows.Host.Tests.Api;

/// <summary>What the API does with good and bad input, and the engine behind it.</summary>
public sealed partial class ApiBehaviourTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static string Event(string id, string type, string customer, string? properties = null) =>
        $$"""{"eventId": "{{id}}", "type": "{{type}}", "customerId": "{{customer}}", "occurredAt": "2026-11-23T10:00:00Z", "properties": {{properties ?? "{}"}}}""";

    [Theory]
    [InlineData("{\"type\": ", "not valid JSON")]
    [InlineData("", "empty")]
    [InlineData("42", "event object or an array")]
    public async Task Malformed_bodies_are_400_with_a_problem_naming_it(string body, string says)
    {
        var response = await api.As("Ingest").PostAsync("/api/events", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(says, (string)problem["title"]! + (string?)problem["detail"]);
        Assert.NotNull(problem["field"]);
    }

    [Fact]
    public async Task A_batch_over_the_limit_or_the_size_cap_is_refused_whole()
    {
        var many = "[" + string.Join(",", Enumerable.Range(0, 1001).Select(i => Event($"big-{i}", "product.viewed", "c"))) + "]";
        var tooMany = await api.As("Ingest").PostAsync("/api/events", Json(many));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("1001", await tooMany.Content.ReadAsStringAsync());

        var huge = Event("huge", "product.viewed", "c", $$"""{"blob": "{{new string('x', 5 * 1024 * 1024)}}"}""");
        var tooBig = await api.As("Ingest").PostAsync("/api/events", Json(huge));
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Contains("too large", await tooBig.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_batch_with_bad_items_keeps_the_good_ones_and_names_the_bad_by_index()
    {
        var batch = $"[{Event("mix-1", "product.viewed", "mixer")}, {{\"type\": \"product.viewed\"}}, {Event("mix-3", "product.viewed", "mixer")}, {{\"type\": \"x\", \"customerId\": \"c\", \"occurredAt\": \"2026-11-23T10:00:00Z\", \"colour\": 1}}]";

        var response = await api.As("Ingest").PostAsync("/api/events", Json(batch));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(2, (int)body["accepted"]!);
        Assert.Equal(2, (int)body["rejected"]!);
        var results = body["results"]!.AsArray();
        Assert.Equal(["accepted", "rejected", "accepted", "rejected"], results.Select(r => (string)r!["status"]!));
        Assert.Contains("customerId", (string)results[1]!["error"]!);
        Assert.Contains("colour", (string)results[3]!["error"]!);
        var customer = JsonNode.Parse(await api.As("Viewer").GetStringAsync("/api/customers/mixer"))!;
        Assert.Equal(2, customer["timeline"]!.AsArray().Count(t => (string?)t!["kind"] == "event"));
    }

    [Fact]
    public async Task The_same_event_id_twice_is_stored_once()
    {
        var first = await api.As("Ingest").PostAsync("/api/events", Json(Event("dup-1", "product.viewed", "dupe")));
        var second = await api.As("Ingest").PostAsync("/api/events", Json($"[{Event("dup-1", "product.viewed", "dupe")}]"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("duplicate", (string)JsonNode.Parse(await second.Content.ReadAsStringAsync())!["results"]![0]!["status"]!);
        var customer = JsonNode.Parse(await api.As("Viewer").GetStringAsync("/api/customers/dupe"))!;
        Assert.Single(customer["timeline"]!.AsArray(), t => (string?)t!["kind"] == "event");
    }

    private const string FollowFlow = """
        { "id": "api-follow", "name": "Thanks for following", "entry": { "reentry": "always" },
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "store.followed" },
                     { "id": "m", "type": "action", "do": "send", "channel": "push", "title": "Thanks", "body": "Version one" } ],
          "edges": [ { "from": "t", "to": "m" } ] }
        """;

    private async Task<JsonArray> MessagesAsync(string flowId) =>
        JsonNode.Parse(await api.As("Viewer").GetStringAsync($"/api/messages?flowId={flowId}"))!.AsArray();

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
            await Task.Delay(100);
    }

    [Fact]
    public async Task Pausing_a_flow_stops_its_sends_and_resuming_restarts_them()
    {
        var marketer = api.As("Marketer");
        var admin = api.As("Admin");
        Assert.Equal(HttpStatusCode.Created, (await marketer.PostAsync("/api/flows", Json(FollowFlow))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marketer.PostAsync("/api/flows/api-follow/publish", null)).StatusCode);

        await api.As("Ingest").PostAsync("/api/events", Json(Event("f-1", "store.followed", "fan-1")));
        await WaitForAsync(async () => (await MessagesAsync("api-follow")).Any(m => (string?)m!["status"] == "sent"));
        Assert.Single(await MessagesAsync("api-follow"));

        var paused = await admin.PostAsync("/api/flows/api-follow/pause", null);
        Assert.Equal("paused", (string)JsonNode.Parse(await paused.Content.ReadAsStringAsync())!["status"]!);
        await api.As("Ingest").PostAsync("/api/events", Json(Event("f-2", "store.followed", "fan-2")));
        await Task.Delay(2500);
        Assert.Single(await MessagesAsync("api-follow"));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/api/flows/api-follow/pause", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/flows/api-follow/resume", null)).StatusCode);
        await api.As("Ingest").PostAsync("/api/events", Json(Event("f-3", "store.followed", "fan-3")));
        await WaitForAsync(async () => (await MessagesAsync("api-follow")).Count(m => (string?)m!["status"] == "sent") == 2);
        var customers = (await MessagesAsync("api-follow")).Select(m => (string)m!["customerId"]!).Order().ToList();
        Assert.Equal(["fan-1", "fan-3"], customers);
    }

    [Fact]
    public async Task Updating_a_flow_publishes_a_new_version_while_runs_under_way_finish_on_theirs()
    {
        var marketer = api.As("Marketer");
        var flow = """
            { "id": "api-versions", "name": "Versions", "entry": { "reentry": "always" },
              "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "cart.added" },
                         { "id": "d", "type": "delay", "for": "PT3S" },
                         { "id": "m", "type": "action", "do": "send", "channel": "sms", "body": "First words" } ],
              "edges": [ { "from": "t", "to": "d" }, { "from": "d", "to": "m" } ] }
            """;
        await marketer.PostAsync("/api/flows", Json(flow));
        var v1 = JsonNode.Parse(await (await marketer.PostAsync("/api/flows/api-versions/publish", null)).Content.ReadAsStringAsync())!;
        await api.As("Ingest").PostAsync("/api/events", Json(Event("v-1", "cart.added", "early")));

        var update = await marketer.PutAsync("/api/flows/api-versions", Json(flow.Replace("First words", "Second words", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var v2 = JsonNode.Parse(await (await marketer.PostAsync("/api/flows/api-versions/publish", null)).Content.ReadAsStringAsync())!;
        await api.As("Ingest").PostAsync("/api/events", Json(Event("v-2", "cart.added", "late")));

        Assert.Equal((1, 2), ((int)v1["version"]!, (int)v2["version"]!));
        await WaitForAsync(async () => (await MessagesAsync("api-versions")).Count == 2);
        var bodies = (await MessagesAsync("api-versions")).ToDictionary(m => (string)m!["customerId"]!, m => (string)m!["body"]!);
        Assert.Equal("First words", bodies["early"]);
        Assert.Equal("Second words", bodies["late"]);

        // The stats count both runs, of either version, as ended, and none waiting at the delay.
        var stats = JsonNode.Parse(await (await api.As("Viewer").GetAsync("/api/flows/api-versions/stats")).Content.ReadAsStringAsync())!;
        Assert.Equal("""{"completed":2}""", stats["runs"]!.ToJsonString());
        Assert.Equal(0, (int)stats["nodes"]!.AsArray().Single(n => (string)n!["nodeId"]! == "d")!["waiting"]!);
    }

    [Fact]
    public async Task Flows_from_the_workflows_folder_are_listed_as_coming_from_files()
    {
        var flows = JsonNode.Parse(await api.As("Viewer").GetStringAsync("/api/flows"))!.AsArray();
        var cart = flows.Single(f => (string?)f!["id"] == "abandoned-cart")!;
        Assert.Equal("file", (string?)cart["source"]);
        Assert.Equal("active", (string?)cart["status"]);
        Assert.True(flows.Count >= 14);
    }

    [Fact]
    public async Task An_invalid_flow_cannot_be_published_and_the_problem_is_named()
    {
        var marketer = api.As("Marketer");
        await marketer.PostAsync("/api/flows", Json(FollowFlow.Replace("api-follow", "api-broken", StringComparison.Ordinal).Replace("\"title\": \"Thanks\", ", "", StringComparison.Ordinal)));

        var publish = await marketer.PostAsync("/api/flows/api-broken/publish", null);

        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        var problem = JsonNode.Parse(await publish.Content.ReadAsStringAsync())!;
        Assert.Equal("m", (string?)problem["field"]);
        Assert.Contains("title", problem["problems"]![0]!["message"]!.ToString());
    }

    [Fact]
    public async Task The_first_admin_signs_in_with_the_configured_password_through_the_login_form()
    {
        var client = api.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/login");
        var token = TokenField().Match(page);
        Assert.True(token.Success, page);

        var wrong = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = token.Groups["value"].Value, ["username"] = "admin", ["password"] = "nope",
        }));
        Assert.Contains("error", wrong.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/flows")).StatusCode);

        var right = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = token.Groups["value"].Value, ["username"] = "admin", ["password"] = ApiFixture.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/engine/pause", new { paused = false })).StatusCode);
    }

    [Fact]
    public async Task A_login_post_without_the_antiforgery_token_is_refused()
    {
        var client = api.CreateClient(new() { AllowAutoRedirect = false });
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = ApiFixture.AdminPassword }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Settings_with_problems_are_refused_by_path_and_the_quota_shows_use_and_limit()
    {
        var bad = await api.As("Admin").PutAsync("/api/settings", Json("""{"guardrails": {"autoReadAfter": "soon"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("$.guardrails.autoReadAfter", (string?)JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["field"]);

        var quota = JsonNode.Parse(await api.As("Viewer").GetStringAsync("/api/quota"))!;
        Assert.True((int)quota["limit"]! >= 2000);
        Assert.True((int)quota["used"]! >= 0);
    }

    [Fact]
    public async Task An_api_key_made_by_an_admin_works_for_its_role_until_revoked()
    {
        var made = JsonNode.Parse(await (await api.As("Admin").PostAsJsonAsync("/api/api-keys", new { name = "checkout", role = "Ingest" })).Content.ReadAsStringAsync())!;
        var key = (string)made["key"]!;
        var client = api.As(null);
        client.DefaultRequestHeaders.Add("X-Api-Key", key);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/events", Json(Event("key-1", "product.viewed", "keyed")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/flows")).StatusCode);
        Assert.DoesNotContain(key, await api.As("Admin").GetStringAsync("/api/api-keys"));

        Assert.Equal(HttpStatusCode.NoContent, (await api.As("Admin").DeleteAsync($"/api/api-keys/{made["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/events", Json(Event("key-2", "product.viewed", "keyed")))).StatusCode);
    }

    [GeneratedRegex("name=\"(?<name>__RequestVerificationToken)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex TokenField();
}
