using System.Text.Json.Nodes;

namespace ReEngage.Flows.Host.Tests.Cli;

/// <summary><c>simulate</c> as a developer runs it: files in, one JSON line per message out, a summary on the console.</summary>
public sealed class SimulateVerbTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("reengage-simulate-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Output, string Error)> Simulate(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Host.Cli.CliApp.RunAsync(["simulate", .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private const string Welcome = """
        { "id": "welcome", "name": "Welcome with a code",
          "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "customer.signed_up" },
                     { "id": "wait", "type": "delay", "until": "10:00" },
                     { "id": "mail", "type": "action", "do": "send", "channel": "email",
                       "title": "Welcome, {{ customer.firstName }}", "body": "Your code {{ coupon.code }} ends {{ coupon.expiresAt | date: '%Y-%m-%d' }}",
                       "coupon": { "pool": "HELLO" } } ],
          "edges": [ { "from": "t", "to": "wait" }, { "from": "wait", "to": "mail" } ] }
        """;

    private const string Settings = """
        { "couponPools": [ { "id": "HELLO", "kind": "unique", "pattern": "HI-######", "validFor": "P7D" } ] }
        """;

    [Fact]
    public async Task Messages_come_out_as_json_lines_at_the_customers_local_time_with_distinct_codes()
    {
        var flow = Write("welcome.flow.json", Welcome);
        var settings = Write("settings.json", Settings);
        var customers = Write("customers.jsonl", """
            {"customerId": "ana", "email": "ana@example.com", "attributes": {"firstName": "Ana", "timeZone": "Asia/Ho_Chi_Minh"}}
            {"customerId": "bob", "attributes": {"firstName": "Bob", "timeZone": "America/New_York"}}
            """);
        var events = Write("events.jsonl", """
            {"eventId": "1", "type": "customer.signed_up", "customerId": "ana", "occurredAt": "2026-03-02T00:30:00Z"}
            {"eventId": "2", "type": "customer.signed_up", "customerId": "bob", "occurredAt": "2026-03-02T01:00:00Z"}
            """);
        var outFile = Path.Combine(folder, "out.jsonl");

        var (exit, output, error) = await Simulate("--flow", flow, "--events", events, "--customers", customers, "--settings", settings, "--until", "2026-03-03T00:00:00Z", "--out", outFile);

        Assert.True(exit == 0, error);
        var lines = File.ReadAllLines(outFile).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(["customerId", "flowId", "nodeId", "channel", "at", "status", "reason", "title", "body", "couponCode"], lines[0].Select(p => p.Key));
        Assert.Equal(("ana", "2026-03-02T03:00:00Z", "Welcome, Ana"), ((string)lines[0]["customerId"]!, (string)lines[0]["at"]!, (string)lines[0]["title"]!));
        Assert.Equal(("bob", "2026-03-02T15:00:00Z", "sent"), ((string)lines[1]["customerId"]!, (string)lines[1]["at"]!, (string)lines[1]["status"]!));
        Assert.NotEqual((string)lines[0]["couponCode"]!, (string)lines[1]["couponCode"]!);
        Assert.Matches("^HI-[A-Z2-9]{6}$", (string)lines[0]["couponCode"]!);
        Assert.EndsWith("ends 2026-03-09", (string)lines[0]["body"]!);
        Assert.Contains("welcome  mail", output);
    }

    [Fact]
    public async Task Bad_event_lines_are_named_and_skipped_and_the_good_ones_still_replayed()
    {
        var flow = Write("welcome.flow.json", Welcome);
        var settings = Write("settings.json", Settings);
        var events = Write("events.jsonl", """
            {"eventId": "1", "type": "customer.signed_up", "customerId": "ana", "occurredAt": "2026-03-02T00:30:00Z"}
            {"eventId": "2", "type": "customer.signed_up", "customerId": "bob", "occurredAt": "yesterday"}
            not json at all
            {"eventId": "4", "type": "customer.signed_up", "occurredAt": "2026-03-02T01:00:00Z"}
            {"eventId": "5", "type": "customer.signed_up", "customerId": "cy", "occurredAt": "2026-03-02T01:00:00Z", "colour": "red"}
            {"eventId": "6", "type": "customer.signed_up", "customerId": "dee", "occurredAt": "2026-03-02T02:00:00Z"}
            """);
        var outFile = Path.Combine(folder, "out.jsonl");

        var (exit, output, error) = await Simulate("--flow", flow, "--events", events, "--settings", settings, "--until", "2026-03-03T00:00:00Z", "--out", outFile);

        Assert.Equal(0, exit);
        Assert.Contains($"{events}:2:", error);
        Assert.Contains($"{events}:3:", error);
        Assert.Contains($"{events}:4: Either 'customerId' or 'anonymousId' is required.", error);
        Assert.Contains($"{events}:5:", error);
        Assert.Contains("colour", error);
        Assert.Equal(["ana", "dee"], File.ReadAllLines(outFile).Select(l => (string)JsonNode.Parse(l)!["customerId"]!));
        Assert.StartsWith("2 events replayed", output);
    }

    [Fact]
    public async Task A_flow_with_errors_is_refused_before_anything_runs()
    {
        var flow = Write("broken.flow.json", Welcome.Replace("\"until\": \"10:00\"", "\"until\": \"25:00\"", StringComparison.Ordinal));
        var events = Write("events.jsonl", "");

        var (exit, _, error) = await Simulate("--flow", flow, "--events", events, "--out", Path.Combine(folder, "out.jsonl"));

        Assert.Equal(1, exit);
        Assert.Contains("wait: time.invalid", error);
        Assert.Contains("coupon.unknown-pool", error);
        Assert.False(File.Exists(Path.Combine(folder, "out.jsonl")));
    }

    [Fact]
    public async Task Missing_files_and_a_bad_until_are_reported()
    {
        var (exit, _, error) = await Simulate("--flow", Path.Combine(folder, "none.flow.json"), "--events", Path.Combine(folder, "none.jsonl"), "--out", "x");
        Assert.Equal(1, exit);
        Assert.Contains("none.flow.json: not found", error);
        Assert.Contains("none.jsonl: not found", error);

        var flow = Write("welcome.flow.json", Welcome);
        var events = Write("events.jsonl", "");
        (exit, _, error) = await Simulate("--flow", flow, "--events", events, "--until", "soon", "--out", "x");
        Assert.Equal(1, exit);
        Assert.Contains("--until: 'soon'", error);
    }
}
