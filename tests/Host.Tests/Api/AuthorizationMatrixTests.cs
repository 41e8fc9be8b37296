using System.Net;
using System.Text;

namespace ReEngage.Flows.Host.Tests.Api;

/// <summary>Every endpoint × (no key, Viewer, Ingest, Marketer, Admin): 401 without credentials, 403 for the wrong role.</summary>
public sealed class AuthorizationMatrixTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string?[] Callers = [null, "Viewer", "Ingest", "Marketer", "Admin"];

    private static string NewFlow(string id) => $$"""
        { "id": "{{id}}", "name": "Matrix {{id}}",
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "store.followed" }, { "id": "x", "type": "exit" } ],
          "edges": [ { "from": "t", "to": "x" } ] }
        """;

    private const string Event = """{"type": "product.viewed", "customerId": "matrix", "occurredAt": "2026-11-23T10:00:00Z", "properties": {"productId": "p1"}}""";

    /// <summary>Method, path (with {n} for a unique suffix), body, and the status each caller gets, in the order of <see cref="Callers"/>.</summary>
    public static TheoryData<string, string, string?, int[]> Endpoints() => new()
    {
        { "POST", "/api/events", Event, [401, 403, 202, 202, 202] },
        { "GET", "/api/flows", null, [401, 200, 403, 200, 200] },
        { "GET", "/api/flows/abandoned-cart", null, [401, 200, 403, 200, 200] },
        { "POST", "/api/flows", "NEW", [401, 403, 403, 201, 201] },
        { "PUT", "/api/flows/win-back", "SAME", [401, 403, 403, 200, 200] },
        { "POST", "/api/flows/validate", "NEW", [401, 200, 403, 200, 200] },
        { "POST", "/api/flows/post-purchase/publish", null, [401, 403, 403, 200, 200] },
        { "POST", "/api/flows/price-drop/duplicate", null, [401, 403, 403, 201, 201] },
        { "POST", "/api/flows/back-in-stock/pause", null, [401, 403, 403, 403, 200] },
        { "POST", "/api/flows/alarm-clock/resume", null, [401, 403, 403, 403, 409] },
        { "GET", "/api/flows/abandoned-cart/stats", null, [401, 200, 403, 200, 200] },
        { "GET", "/api/flows/abandoned-cart/export", null, [401, 200, 403, 200, 200] },
        { "GET", "/api/flows/abandoned-cart/analytics", null, [401, 200, 403, 200, 200] },
        { "GET", "/api/flows/abandoned-cart/analytics.csv", null, [401, 200, 403, 200, 200] },
        { "GET", "/api/messages?flowId=abandoned-cart", null, [401, 200, 403, 200, 200] },
        { "GET", "/api/customers/nobody", null, [401, 404, 403, 404, 404] },
        { "PUT", "/api/customers/matrix-{n}", """{"email": "m@example.com", "attributes": {"firstName": "M"}}""", [401, 403, 403, 201, 201] },
        { "GET", "/api/engine/pause", null, [401, 200, 403, 200, 200] },
        { "PUT", "/api/engine/pause", """{"paused": false}""", [401, 403, 403, 403, 200] },
        { "GET", "/api/settings", null, [401, 200, 403, 200, 200] },
        { "PUT", "/api/settings", """{"guardrails": {"unreadChatCap": 2}, "couponPools": [{"id": "CART10", "pattern": "CART-########"}]}""", [401, 403, 403, 403, 200] },
        { "GET", "/api/quota", null, [401, 200, 403, 200, 200] },
        { "GET", "/api/coupon-pools", null, [401, 200, 403, 200, 200] },
        { "POST", "/api/coupon-pools", """{"id": "P-{n}", "kind": "shared", "code": "SPRING", "redemptionLimit": 500}""", [401, 403, 403, 201, 201] },
        { "GET", "/api/campaigns", null, [401, 200, 403, 200, 200] },
        { "GET", "/api/campaigns/estimate?group=addedToCart&period=P7D", null, [401, 200, 403, 200, 200] },
        { "POST", "/api/campaigns", """{"name": "Matrix {n}", "group": "storeFollowers", "period": "P14D", "channel": "email", "title": "Hello", "body": "Hi", "startAt": "2099-01-01T09:00:00Z"}""", [401, 403, 403, 201, 201] },
        { "GET", "/api/campaigns/987654", null, [401, 404, 403, 404, 404] },
        { "PUT", "/api/campaigns/987654", """{"name": "Matrix"}""", [401, 403, 403, 404, 404] },
        { "POST", "/api/campaigns/987654/finish", null, [401, 403, 403, 404, 404] },
        { "POST", "/api/campaigns/987654/duplicate", null, [401, 403, 403, 404, 404] },
        { "GET", "/api/users", null, [401, 403, 403, 403, 200] },
        { "POST", "/api/users", """{"userName": "user-{n}", "password": "a long enough password", "role": "Viewer"}""", [401, 403, 403, 403, 201] },
        { "GET", "/api/api-keys", null, [401, 403, 403, 403, 200] },
        { "POST", "/api/api-keys", """{"name": "shop-{n}", "role": "Ingest"}""", [401, 403, 403, 403, 201] },
        { "GET", "/health", null, [200, 200, 200, 200, 200] },
        { "GET", "/openapi/v1.json", null, [200, 200, 200, 200, 200] },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Each_caller_gets_what_its_role_allows(string method, string path, string? body, int[] expected)
    {
        for (var i = 0; i < Callers.Length; i++)
        {
            var suffix = $"{Callers[i]?.ToLowerInvariant() ?? "anon"}-{Guid.NewGuid():N}"[..16];
            var content = body switch
            {
                null => null,
                "NEW" => NewFlow($"matrix-{suffix}"),
                "SAME" => (await (await api.As("Admin").GetAsync("/api/flows/win-back/export")).Content.ReadAsStringAsync()),
                _ => body.Replace("{n}", suffix, StringComparison.Ordinal),
            };
            using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{n}", suffix, StringComparison.Ordinal));
            if (content is not null)
                request.Content = new StringContent(content, Encoding.UTF8, "application/json");

            using var response = await api.As(Callers[i]).SendAsync(request);

            Assert.True(expected[i] == (int)response.StatusCode,
                $"{method} {path} as {Callers[i] ?? "nobody"}: expected {expected[i]}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_401()
    {
        var client = api.As(null);
        client.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/flows")).StatusCode);
    }
}
