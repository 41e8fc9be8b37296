using System.Net.Http.Json;
using System.Text;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Channels;

/// <summary>
/// HTTP delivery: webhook actions POST their rendered payload to their URL; chat, SMS, push and
/// WhatsApp messages POST to the configured gateway of their channel. Every request carries an
/// <c>Idempotency-Key</c> so a gateway can drop a repeat after a crash. 2xx delivers; 408, 429 and
/// 5xx are retried; other answers fail the message.
/// </summary>
public sealed class WebhookChannel(HttpClient http, ChannelOptions options) : IChannelAdapter
{
    public bool CanDeliver(MessageRecord message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Kind == OutboxKind.Webhook ? options.CallWebhooks : options.GatewayFor(message.Channel) is not null;
    }

    public async Task<DeliveryResult> DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var message = delivery.Message;
        using var request = message.Kind == OutboxKind.Webhook
            ? new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = new StringContent(message.Body ?? "{}", Encoding.UTF8, "application/json") }
            : new HttpRequestMessage(HttpMethod.Post, options.GatewayFor(message.Channel))
            {
                Content = JsonContent.Create(new
                {
                    messageId = message.Id,
                    channel = message.Channel.ToString().ToLowerInvariant(),
                    customerId = message.CustomerId,
                    email = delivery.Email,
                    phone = delivery.Phone,
                    title = message.Title,
                    body = message.Body,
                    couponCode = message.CouponCode,
                    flowId = message.FlowId,
                    nodeId = message.NodeId,
                }),
            };
        request.Headers.Add("Idempotency-Key", delivery.IdempotencyKey);

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? new DeliveryResult(DeliveryOutcome.Delivered)
                : status is 408 or 429 || status >= 500 ? new DeliveryResult(DeliveryOutcome.Retry, $"the gateway answered {status}")
                : new DeliveryResult(DeliveryOutcome.Failed, $"the gateway refused it: {status} {response.ReasonPhrase}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(DeliveryOutcome.Retry, ex.Message);
        }
    }
}
