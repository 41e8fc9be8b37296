using System.Text.Json.Nodes;

namespace ReEngage.Flows.Engine.Tests.Support;

/// <summary>Flow documents for tests: a valid baseline that each test bends one way.</summary>
public static class FlowSamples
{
    /// <summary>A small valid flow: trigger → delay → condition → (send | exit).</summary>
    public const string AbandonedCart = """
        {
          "$schema": "./flow.schema.json",
          "id": "abandoned-cart",
          "name": "Abandoned cart: chat coupon after 4 hours",
          "entry": { "reentry": "after", "cooldown": "P7D" },
          "exitOn": [ { "event": "order.placed" } ],
          "goal": { "event": "order.placed", "within": "P7D" },
          "nodes": [
            { "id": "start", "type": "trigger", "on": "event", "event": "cart.added" },
            { "id": "wait",  "type": "delay", "for": "PT4H" },
            { "id": "still", "type": "condition", "expression": "customer.CartValue > 0 && !customer.Tags.Contains(\"staff\")" },
            { "id": "send",  "type": "action", "do": "send", "channel": "chat",
              "title": "Your cart misses you: 10% off",
              "body": "Hi {{ customer.firstName }}, use {{ coupon.code }} before {{ coupon.expiresAt | date: '%b %d' }}.",
              "coupon": { "pool": "CART10" } },
            { "id": "done",  "type": "exit" }
          ],
          "edges": [
            { "from": "start", "to": "wait" },
            { "from": "wait",  "to": "still" },
            { "from": "still", "to": "send", "port": "true" },
            { "from": "still", "to": "done", "port": "false" },
            { "from": "send",  "to": "done" }
          ],
          "layout": { "start": { "x": 0, "y": 0 } }
        }
        """;

    /// <summary>Every node type, every kind of trigger, split, delay and action, and every flow setting.</summary>
    public const string EverySetting = """
        {
          "$schema": "./flow.schema.json",
          "id": "kitchen-sink",
          "name": "Every node and setting",
          "description": "Exercises the whole file format.",
          "entry": { "reentry": "after", "cooldown": "P30D" },
          "exitOn": [ { "event": "order.placed" }, { "event": "unsubscribed", "filter": "event.Properties[\"channel\"] == \"email\"" } ],
          "goal": { "event": "order.placed", "filter": "event.Properties.Number(\"total\") > 20", "within": "P14D" },
          "quietHours": { "from": "21:00", "to": "08:00" },
          "caps": { "unreadChatCap": 1, "frequencyCap": { "max": 3, "window": "P7D" } },
          "nodes": [
            { "id": "on-event", "type": "trigger", "label": "Cart added", "on": "event", "event": "cart.added", "filter": "event.Properties.Number(\"price\") >= 10" },
            { "id": "on-schedule", "type": "trigger", "on": "schedule", "cron": "0 0 10 * * ?", "timeZone": "Europe/London", "audience": "customer.DaysSinceLastOrder >= 35" },
            { "id": "on-date", "type": "trigger", "on": "date", "attribute": "birthday", "offset": "-P3D", "at": "09:00", "timeZone": "Asia/Ho_Chi_Minh" },
            { "id": "is-buyer", "type": "condition", "expression": "customer.OrderCount > 0" },
            { "id": "by-segment", "type": "split", "kind": "rules", "branches": [
                { "label": "champions", "expression": "customer.Rfm.Segment == \"Champions\"" },
                { "label": "at-risk", "expression": "customer.Rfm.Segment == \"AtRisk\"" } ] },
            { "id": "ab", "type": "split", "kind": "random", "branches": [ { "label": "a", "weight": 50 }, { "label": "b", "weight": 50.5 } ] },
            { "id": "wait-4h", "type": "delay", "for": "PT4H" },
            { "id": "until-10", "type": "delay", "until": "10:00" },
            { "id": "until-birthday", "type": "delay", "untilAttribute": "birthday", "offset": "-P1D" },
            { "id": "wait-order", "type": "wait", "event": "message.clicked", "filter": "event.Properties[\"messageId\"] != null", "timeout": "P3D" },
            { "id": "chat", "type": "action", "do": "send", "channel": "chat", "title": "Hi {{ customer.firstName }}", "body": "Use {{ coupon.code }}", "coupon": { "pool": "CART10" } },
            { "id": "email", "type": "action", "do": "send", "channel": "email", "title": "Subject", "body": "<p>Hello</p>" },
            { "id": "sms", "type": "action", "do": "send", "channel": "sms", "body": "Hello" },
            { "id": "push", "type": "action", "do": "send", "channel": "push", "title": "T", "body": "B" },
            { "id": "whatsapp", "type": "action", "do": "send", "channel": "whatsapp", "body": "B" },
            { "id": "hook-send", "type": "action", "do": "send", "channel": "webhook", "body": "{\"a\": 1}" },
            { "id": "give-coupon", "type": "action", "do": "coupon", "coupon": { "pool": "CART10" } },
            { "id": "tag", "type": "action", "do": "tag", "tag": "vip" },
            { "id": "untag", "type": "action", "do": "untag", "tag": "lapsed" },
            { "id": "set", "type": "action", "do": "set", "attribute": "lastFlow", "expression": "run.FlowId" },
            { "id": "points", "type": "action", "do": "points", "points": -5 },
            { "id": "webhook", "type": "action", "do": "webhook", "url": "https://example.com/hook", "payload": "{\"customer\": \"{{ customer.id }}\"}" },
            { "id": "end", "type": "exit" }
          ],
          "edges": [
            { "from": "on-event", "to": "is-buyer" },
            { "from": "on-schedule", "to": "by-segment" },
            { "from": "on-date", "to": "until-birthday" },
            { "from": "is-buyer", "to": "ab", "port": "true" },
            { "from": "is-buyer", "to": "wait-4h", "port": "false" },
            { "from": "by-segment", "to": "tag", "port": "champions" },
            { "from": "by-segment", "to": "untag", "port": "at-risk" },
            { "from": "by-segment", "to": "end", "port": "else" },
            { "from": "ab", "to": "chat", "port": "a" },
            { "from": "ab", "to": "email", "port": "b" },
            { "from": "wait-4h", "to": "until-10" },
            { "from": "until-10", "to": "wait-order" },
            { "from": "wait-order", "to": "end", "port": "event" },
            { "from": "wait-order", "to": "sms", "port": "timeout" },
            { "from": "until-birthday", "to": "give-coupon" },
            { "from": "give-coupon", "to": "push" },
            { "from": "push", "to": "whatsapp" },
            { "from": "whatsapp", "to": "hook-send" },
            { "from": "tag", "to": "points" },
            { "from": "points", "to": "end" },
            { "from": "untag", "to": "set" },
            { "from": "set", "to": "webhook" },
            { "from": "webhook", "to": "end" },
            { "from": "chat", "to": "end" },
            { "from": "email", "to": "end" },
            { "from": "sms", "to": "end" },
            { "from": "hook-send", "to": "end" }
          ],
          "layout": { "on-event": { "x": 0, "y": 0 }, "on-schedule": { "x": 240.5, "y": 0 }, "end": { "x": 120, "y": 960 } }
        }
        """;

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>The node with <paramref name="id"/> in a parsed flow.</summary>
    public static JsonObject Node(JsonObject flow, string id) =>
        flow["nodes"]!.AsArray().Select(n => n!.AsObject()).Single(n => (string?)n["id"] == id);
}
