using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ReEngage.Flows.Engine.Channels;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Runtime;
using ReEngage.Flows.Engine.Storage;
using ReEngage.Flows.Engine.Tests.Support;

namespace ReEngage.Flows.Engine.Tests.Channels;

/// <summary>The real adapters against stand-ins for the outside world on loopback: an HTTP gateway and an SMTP server.</summary>
public sealed class ChannelAdapterTests
{
    private static MessageRecord Message(OutboxKind kind = OutboxKind.Message, Channel channel = Channel.Sms, string? url = null) => new()
    {
        Id = 42,
        FlowId = "f",
        NodeId = "n",
        CustomerId = "c1",
        Kind = kind,
        Channel = channel,
        Title = "Hello",
        Body = kind == OutboxKind.Webhook ? """{"customer":"c1"}""" : "Your code is A1",
        Url = url,
        CouponCode = "A1",
    };

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A loopback HTTP gateway answering each request with the next status of a script.</summary>
    private sealed class Gateway : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Queue<int> statuses;

        public Gateway(params int[] statuses)
        {
            this.statuses = new Queue<int>(statuses);
            Url = $"http://127.0.0.1:{FreePort()}/";
            listener.Prefixes.Add(Url);
            listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public List<(string Key, string Body)> Requests { get; } = [];

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream);
                lock (Requests)
                    Requests.Add((context.Request.Headers["Idempotency-Key"] ?? "", reader.ReadToEnd()));
                context.Response.StatusCode = statuses.Count > 0 ? statuses.Dequeue() : 200;
                context.Response.Close();
            }
        }

        public void Dispose() => listener.Close();
    }

    [Fact]
    public async Task A_gateway_message_is_posted_with_its_idempotency_key_and_contact()
    {
        using var gateway = new Gateway(200);
        using var http = new HttpClient();
        var channel = new WebhookChannel(http, new ChannelOptions { Gateways = { ["sms"] = gateway.Url } });

        var result = await channel.DeliverAsync(new Delivery(Message(), "a@example.com", "+84901234567"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var (key, body) = Assert.Single(gateway.Requests);
        Assert.Equal("reengage-42", key);
        var json = JsonNode.Parse(body)!;
        Assert.Equal("+84901234567", (string?)json["phone"]);
        Assert.Equal("Your code is A1", (string?)json["body"]);
        Assert.Equal("sms", (string?)json["channel"]);
    }

    [Theory]
    [InlineData(503, DeliveryOutcome.Retry)]
    [InlineData(429, DeliveryOutcome.Retry)]
    [InlineData(400, DeliveryOutcome.Failed)]
    public async Task Gateway_answers_decide_between_retry_and_failure(int status, DeliveryOutcome expected)
    {
        using var gateway = new Gateway(status);
        using var http = new HttpClient();
        var channel = new WebhookChannel(http, new ChannelOptions { Gateways = { ["push"] = gateway.Url } });

        var result = await channel.DeliverAsync(new Delivery(Message(channel: Channel.Push), null, null), CancellationToken.None);

        Assert.Equal(expected, result.Outcome);
    }

    [Fact]
    public async Task Webhook_actions_post_their_payload_only_when_calls_are_enabled()
    {
        using var gateway = new Gateway();
        using var http = new HttpClient();
        var off = new WebhookChannel(http, new ChannelOptions());
        var on = new WebhookChannel(http, new ChannelOptions { CallWebhooks = true });
        var message = Message(OutboxKind.Webhook, Channel.Webhook, gateway.Url + "hook");

        Assert.False(off.CanDeliver(message));
        Assert.True(on.CanDeliver(message));
        Assert.Equal(DeliveryOutcome.Delivered, (await on.DeliverAsync(new Delivery(message, null, null), CancellationToken.None)).Outcome);
        Assert.Equal("""{"customer":"c1"}""", Assert.Single(gateway.Requests).Body);
    }

    [Fact]
    public async Task The_dispatcher_retries_a_busy_gateway_with_backoff_and_then_delivers()
    {
        await using var h = await EngineHarness.CreateAsync();
        using var gateway = new Gateway(503, 503, 200);
        using var http = new HttpClient();
        var parts = new EngineParts(h.Databases, h.Clock, [new WebhookChannel(http, new ChannelOptions { Gateways = { ["sms"] = gateway.Url } })]);
        await using (var db = h.Databases.CreateDbContext())
        {
            Assert.True((await parts.Catalog.PublishAsync(db, FlowJson.Deserialize("""
                { "id": "s", "name": "SMS", "nodes": [ { "id": "t", "type": "trigger", "on": "event", "event": "store.followed" },
                  { "id": "m", "type": "action", "do": "send", "channel": "sms", "body": "Hi" } ], "edges": [ { "from": "t", "to": "m" } ] }
                """), h.Clock.GetUtcNow(), Engine.Validation.FlowValidationContext.Empty)).Published);
        }

        await parts.Engine.IngestAsync([h.Event("store.followed", "c1")]);
        await parts.Dispatcher.DispatchAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(29));
        await parts.Dispatcher.DispatchAsync();
        Assert.Single(gateway.Requests);

        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await parts.Dispatcher.DispatchAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(60));
        await parts.Dispatcher.DispatchAsync();

        var message = Assert.Single(await h.MessagesAsync());
        Assert.Equal(MessageStatus.Sent, message.Status);
        Assert.Equal(3, message.Attempts);
        Assert.Equal(3, gateway.Requests.Count);
        Assert.Single(gateway.Requests.Select(r => r.Key).Distinct());
    }

    /// <summary>Just enough of an SMTP server on loopback to take mail, or refuse a recipient.</summary>
    private sealed class SmtpServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);

        public SmtpServer()
        {
            listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public List<string> Received { get; } = [];

        private async Task ServeAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                using (client)
                {
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII);
                    await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                    await writer.WriteLineAsync("220 localhost ESMTP");
                    while (await reader.ReadLineAsync() is { } line)
                    {
                        var verb = line.Split(' ')[0].ToUpperInvariant();
                        if (verb is "EHLO" or "HELO")
                            await writer.WriteLineAsync("250 localhost");
                        else if (verb == "RCPT" && line.Contains("bounce@", StringComparison.Ordinal))
                            await writer.WriteLineAsync("550 5.1.1 No such user");
                        else if (verb == "DATA")
                        {
                            await writer.WriteLineAsync("354 go ahead");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                                data.AppendLine(dataLine);
                            lock (Received)
                                Received.Add(data.ToString());
                            await writer.WriteLineAsync("250 queued");
                        }
                        else if (verb == "QUIT")
                        {
                            await writer.WriteLineAsync("221 bye");
                            break;
                        }
                        else
                            await writer.WriteLineAsync("250 ok");
                    }
                }
            }
        }

        public void Dispose() => listener.Stop();
    }

    [Fact]
    public async Task Email_goes_out_through_SMTP_and_a_refused_address_fails()
    {
        using var server = new SmtpServer();
        var channel = new SmtpEmailChannel(new SmtpOptions { Host = "127.0.0.1", Port = server.Port, Security = "None", From = "shop@example.com", FromName = "The Shop" });
        var email = Message(channel: Channel.Email);

        var sent = await channel.DeliverAsync(new Delivery(email, "ana@example.com", null), CancellationToken.None);
        var refused = await channel.DeliverAsync(new Delivery(email, "bounce@example.com", null), CancellationToken.None);
        var missing = await channel.DeliverAsync(new Delivery(email, null, null), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, sent.Outcome);
        var mail = Assert.Single(server.Received);
        Assert.Contains("Subject: Hello", mail);
        Assert.Contains("Your code is A1", mail);
        Assert.Contains("reengage-42@reengage", mail);
        Assert.Equal(DeliveryOutcome.Failed, refused.Outcome);
        Assert.Equal(DeliveryOutcome.Failed, missing.Outcome);
    }
}
