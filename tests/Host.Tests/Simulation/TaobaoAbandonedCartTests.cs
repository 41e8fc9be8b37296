using System.Globalization;
using System.Text.Json.Nodes;

namespace ReEngage.Flows.Host.Tests.Simulation;

/// <summary>
/// <c>simulate</c> over the real Taobao clickstream, checked message by message against an answer
/// computed here, independently, from the raw CSV.
/// </summary>
public sealed class TaobaoAbandonedCartTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("reengage-taobao-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly Dictionary<string, string> Types = new()
    {
        ["pv"] = "product.viewed",
        ["cart"] = "cart.added",
        ["fav"] = "product.favorited",
        ["buy"] = "order.placed",
    };

    private sealed record Row(int Line, string User, string Item, string Behavior, DateTimeOffset At);

    private static List<Row> ReadRows(string path) =>
        File.ReadLines(path)
            .Select((line, i) => (Fields: line.Split(','), Line: i + 1))
            .Where(x => x.Fields.Length == 5)
            .Select(x => new Row(x.Line, x.Fields[0], x.Fields[1], x.Fields[3],
                DateTimeOffset.FromUnixTimeSeconds(long.Parse(x.Fields[4], CultureInfo.InvariantCulture))))
            .ToList();

    private const string Flow = """
        { "id": "taobao-cart", "name": "Abandoned cart: chat after 4 hours",
          "entry": { "reentry": "after", "cooldown": "P1D" },
          "exitOn": [ { "event": "order.placed" } ],
          "nodes": [
            { "id": "cart", "type": "trigger", "on": "event", "event": "cart.added" },
            { "id": "wait", "type": "delay", "for": "PT4H" },
            { "id": "no-order", "type": "condition", "expression": "!customer.HasEvent(\"order.placed\", \"PT4H\")" },
            { "id": "chat", "type": "action", "do": "send", "channel": "chat", "title": "Still in your cart", "body": "Item {{ event.properties.productId }} is waiting" },
            { "id": "done", "type": "exit" } ],
          "edges": [ { "from": "cart", "to": "wait" }, { "from": "wait", "to": "no-order" },
                     { "from": "no-order", "to": "chat", "port": "true" }, { "from": "no-order", "to": "done", "port": "false" },
                     { "from": "chat", "to": "done" } ] }
        """;

    /// <summary>
    /// The rules written out by hand: a cart starts a run unless one is under way or the last entry was
    /// under a day ago; an order ends the run; four hours after the cart the chat is due. An event at
    /// the very second a run is due is seen first. Then the default guardrails (no settings given):
    /// a customer holds at most 2 unread chats, a chat counting as read 5 days after it went out
    /// (nobody reads in this data), so a chat due while 2 others went out in the 5 days before is
    /// suppressed.
    /// </summary>
    private static HashSet<(string User, DateTimeOffset At, string Item, string Status)> Expected(List<Row> rows, DateTimeOffset until)
    {
        var due = new List<(string User, DateTimeOffset At, string Item)>();
        foreach (var user in rows.GroupBy(r => r.User))
        {
            (DateTimeOffset Start, string Item)? run = null;
            DateTimeOffset? lastEntry = null;
            foreach (var row in user.OrderBy(r => r.At).ThenBy(r => r.Line))
            {
                if (run is { } open && open.Start.AddHours(4) < row.At)
                {
                    due.Add((user.Key, open.Start.AddHours(4), open.Item));
                    run = null;
                }

                if (row.Behavior == "cart" && run is null && (lastEntry is null || lastEntry.Value.AddDays(1) <= row.At))
                {
                    run = (row.At, row.Item);
                    lastEntry = row.At;
                }
                else if (row.Behavior == "buy")
                {
                    run = null;
                }
            }

            if (run is { } last && last.Start.AddHours(4) <= until)
                due.Add((user.Key, last.Start.AddHours(4), last.Item));
        }

        var expected = new HashSet<(string, DateTimeOffset, string, string)>();
        foreach (var user in due.GroupBy(d => d.User))
        {
            var sent = new List<DateTimeOffset>();
            foreach (var chat in user.OrderBy(d => d.At))
            {
                var unread = sent.Count(at => at > chat.At.AddDays(-5) && at <= chat.At);
                if (unread >= 2)
                {
                    expected.Add((chat.User, chat.At, chat.Item, "suppressed"));
                }
                else
                {
                    sent.Add(chat.At);
                    expected.Add((chat.User, chat.At, chat.Item, "sent"));
                }
            }
        }

        return expected;
    }

    [SkippableFact]
    public async Task Simulate_sends_exactly_the_abandoned_cart_chats_the_raw_clickstream_calls_for()
    {
        var rows = ReadRows(SharedData.Require("taobao-userbehavior/UserBehavior_head.csv"));
        var events = Path.Combine(folder, "events.jsonl");
        await using (var writer = new StreamWriter(events))
        {
            foreach (var row in rows)
            {
                var line = new JsonObject
                {
                    ["eventId"] = $"tb-{row.Line}",
                    ["type"] = Types[row.Behavior],
                    ["customerId"] = row.User,
                    ["occurredAt"] = row.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["properties"] = new JsonObject { ["productId"] = row.Item },
                };
                await writer.WriteLineAsync(line.ToJsonString());
            }
        }

        var flow = Path.Combine(folder, "taobao-cart.flow.json");
        await File.WriteAllTextAsync(flow, Flow);
        var until = rows.Max(r => r.At).AddDays(1);
        var outFile = Path.Combine(folder, "messages.jsonl");
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await Host.Cli.CliApp.RunAsync(
            ["simulate", "--flow", flow, "--events", events, "--until", until.ToString("O", CultureInfo.InvariantCulture), "--out", outFile],
            output, error);

        Assert.True(exit == 0, error.ToString());
        var actual = File.ReadLines(outFile)
            .Select(line => JsonNode.Parse(line)!)
            .Select(m =>
            {
                Assert.Equal("chat", (string?)m["channel"]);
                Assert.Equal((string?)m["status"] == "suppressed" ? "unread-cap" : null, (string?)m["reason"]);
                var body = (string)m["body"]!;
                return ((string)m["customerId"]!, DateTimeOffset.Parse((string)m["at"]!, CultureInfo.InvariantCulture), body["Item ".Length..^" is waiting".Length], (string)m["status"]!);
            })
            .ToList();
        var expected = Expected(rows, until);

        Assert.True(expected.Count > 1000, $"the data should call for many chats, not {expected.Count}");
        Assert.Contains(expected, e => e.Status == "suppressed");
        Assert.Equal(actual.Count, actual.Distinct().Count());
        Assert.Empty(expected.Except(actual));
        Assert.Empty(actual.Except(expected));
        Assert.Contains("taobao-cart", output.ToString());
    }
}
