using Bunit;
using ReEngage.Flows.Designer.Editor.Inspector;
using ReEngage.Flows.Designer.Tests.Support;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Designer.Tests.Inspector;

public sealed class MessageEditorTests : IAsyncLifetime
{
    private DesignerStore store = null!;

    public async Task InitializeAsync()
    {
        store = await DesignerStore.CreateAsync();
        await store.AddCustomerAsync(new CustomerRecord
        {
            Id = "c-42", Email = "grace@example.com", AttributesJson = """{"firstName":"Grace"}""",
            LastSeenAt = store.Time.GetUtcNow(), CartValue = 59.9m,
        });
    }

    public async Task DisposeAsync() => await store.DisposeAsync();

    [Fact]
    public async Task A_chat_message_previews_as_a_bubble_for_the_latest_customer()
    {
        await using var context = DesignerTestContext.Create(store);
        var node = new ActionNode { Id = "send", Do = ActionKind.Send, Channel = Channel.Chat, Title = "Hi {{ customer.firstName }}", Body = "Your cart holds {{ customer.cartValue }}. Code {{ coupon.code }}", Coupon = new CouponRef { Pool = "CART10" } };

        var editor = context.Render<MessageEditor>(p => p.Add(x => x.Node, node).Add(x => x.Flow, SampleFlows.AbandonedCart()));

        editor.WaitForAssertion(() => Assert.Equal("Hi Grace", editor.Find(".chat-title").TextContent), TimeSpan.FromSeconds(5));
        Assert.Contains("59.9", editor.Find(".chat-body").TextContent, StringComparison.Ordinal);
        Assert.Contains("SAMPLE-", editor.Find(".chat-body").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_previews_as_an_email_and_a_broken_template_says_why()
    {
        await using var context = DesignerTestContext.Create(store);
        var email = new ActionNode { Id = "send", Do = ActionKind.Send, Channel = Channel.Email, Title = "For {{ customer.firstName }}", Body = "Hello" };

        var editor = context.Render<MessageEditor>(p => p.Add(x => x.Node, email).Add(x => x.Flow, SampleFlows.AbandonedCart()));
        editor.WaitForAssertion(() => Assert.Equal("For Grace", editor.Find(".email-subject").TextContent), TimeSpan.FromSeconds(5));

        editor.Render(p => p.Add(x => x.Node, email with { Body = "Hello {{ customer.firstName " }));
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.Find("[data-testid=message-preview] [role=alert]").TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_chat_title_counts_to_forty_characters()
    {
        await using var context = DesignerTestContext.Create(store);
        var node = new ActionNode { Id = "send", Do = ActionKind.Send, Channel = Channel.Chat, Title = new string('x', 41), Body = "b" };

        var editor = context.Render<MessageEditor>(p => p.Add(x => x.Node, node).Add(x => x.Flow, SampleFlows.AbandonedCart()));

        Assert.Contains("41 / 40", editor.Markup, StringComparison.Ordinal);
        Assert.Contains("at most 40 characters", editor.Markup, StringComparison.Ordinal);
    }
}
