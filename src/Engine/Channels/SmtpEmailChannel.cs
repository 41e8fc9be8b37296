using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Channels;

/// <summary>Email through an SMTP server (MailKit). 5xx replies fail the message; anything else is retried.</summary>
public sealed class SmtpEmailChannel(SmtpOptions options) : IChannelAdapter
{
    public bool CanDeliver(MessageRecord message) =>
        message is { Kind: OutboxKind.Message, Channel: Channel.Email };

    public async Task<DeliveryResult> DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (string.IsNullOrWhiteSpace(delivery.Email))
            return new DeliveryResult(DeliveryOutcome.Failed, "the customer has no email address");

        var message = new MimeMessage
        {
            Subject = delivery.Message.Title ?? "",
            MessageId = $"{delivery.IdempotencyKey}@reengage",
        };
        message.From.Add(new MailboxAddress(options.FromName ?? options.From, options.From));
        message.To.Add(MailboxAddress.Parse(delivery.Email));
        var body = delivery.Message.Body ?? "";
        message.Body = body.TrimStart().StartsWith('<')
            ? new BodyBuilder { HtmlBody = body }.ToMessageBody()
            : new TextPart("plain") { Text = body };

        using var client = new SmtpClient();
        try
        {
            var security = Enum.TryParse<SecureSocketOptions>(options.Security, ignoreCase: true, out var parsed) ? parsed : SecureSocketOptions.StartTls;
            await client.ConnectAsync(options.Host, options.Port, security, cancellationToken);
            if (options.User is not null)
                await client.AuthenticateAsync(options.User, options.Password ?? "", cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return new DeliveryResult(DeliveryOutcome.Delivered);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            return new DeliveryResult(DeliveryOutcome.Failed, $"the mail server refused it: {(int)ex.StatusCode} {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or IOException or System.Net.Sockets.SocketException)
        {
            return new DeliveryResult(DeliveryOutcome.Retry, ex.Message);
        }
    }
}
