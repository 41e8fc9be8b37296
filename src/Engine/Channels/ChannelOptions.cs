using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Channels;

/// <summary>
/// Where messages go (configuration section <c>ReEngage:Channels</c>). With nothing configured every
/// channel is the development channel, which only records.
/// </summary>
public sealed class ChannelOptions
{
    public SmtpOptions? Email { get; set; }

    /// <summary>Whether webhook actions really call their URLs; off by default, so a development store records them instead.</summary>
    public bool CallWebhooks { get; set; }

    /// <summary>HTTP endpoints of the chat, SMS, push, WhatsApp and webhook gateways, by channel name.</summary>
    public Dictionary<string, string> Gateways { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Uri? GatewayFor(Channel channel) =>
        Gateways.TryGetValue(channel.ToString(), out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
}

public sealed class SmtpOptions
{
    public required string Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>None, StartTls (default) or SslOnConnect.</summary>
    public string Security { get; set; } = "StartTls";

    public string? User { get; set; }

    public string? Password { get; set; }

    public required string From { get; set; }

    public string? FromName { get; set; }
}
