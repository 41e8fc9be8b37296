using NodaTime;
using ReEngage.Flows.Engine.Channels;

namespace ReEngage.Flows.Engine.Tests.Channels;

/// <summary>A message's title and body rendered together from one model.</summary>
public sealed class MessageRendererTests
{
    private static readonly Dictionary<string, object?> Model = new()
    {
        ["customer"] = new Dictionary<string, object?> { ["firstName"] = "Chloé" },
        ["event"] = new Dictionary<string, object?> { ["properties"] = new Dictionary<string, object?> { ["productName"] = "Blue mug" } },
    };

    [Fact]
    public void Title_and_body_each_see_the_model_and_not_what_the_other_assigns()
    {
        var renderer = new MessageRenderer();
        var (title, body) = renderer.Render(
            "{% assign greeting = 'Hi' %}{{ greeting }} {{ customer.firstName }}",
            "[{{ greeting }}] Still thinking about the {{ event.properties.productName }}?",
            Model, DateTimeZone.Utc);

        Assert.Equal("Hi Chloé", title);
        Assert.Equal("[] Still thinking about the Blue mug?", body);
    }

    [Fact]
    public void An_absent_text_stays_absent()
    {
        var renderer = new MessageRenderer();
        Assert.Equal(((string?)null, "Hello Chloé"), renderer.Render(null, "Hello {{ customer.firstName }}", Model, DateTimeZone.Utc));
        Assert.Equal(((string?)null, (string?)null), renderer.Render(null, null, Model, DateTimeZone.Utc));
    }
}
