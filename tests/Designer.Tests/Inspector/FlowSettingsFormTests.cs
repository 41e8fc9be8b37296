using Bunit;
using MudBlazor.Services;
using ReEngage.Flows.Designer.Editor.Inspector;
using ReEngage.Flows.Designer.Tests.Support;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Designer.Tests.Inspector;

public sealed class FlowSettingsFormTests : IAsyncDisposable
{
    private readonly BunitContext context = new();

    public FlowSettingsFormTests()
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
    }

    public ValueTask DisposeAsync() => context.DisposeAsync();

    [Fact]
    public void A_flow_overrides_the_unread_cap_and_quiet_hours_and_clearing_them_falls_back_to_the_store()
    {
        var flow = SampleFlows.AbandonedCart();
        var form = context.Render<FlowSettingsForm>(p => p
            .Add(x => x.Flow, flow)
            .Add(x => x.Changed, change => flow = change.Flow));

        // MudBlazor hands a change on asynchronously: each step waits for it before the next (under load it lags).
        form.Find("input[data-testid=flow-unread-cap]").Change("1");
        form.WaitForAssertion(() => Assert.Equal(1, flow.Caps?.UnreadChatCap));
        form.Render(p => p.Add(x => x.Flow, flow));
        form.Find("input[data-testid=flow-quiet-from]").Change("21:00");
        form.WaitForAssertion(() => Assert.Equal("21:00", flow.QuietHours?.From));
        form.Render(p => p.Add(x => x.Flow, flow));
        form.Find("input[data-testid=flow-quiet-to]").Change("08:00");
        form.WaitForAssertion(() => Assert.Equal(new QuietHours { From = "21:00", To = "08:00" }, flow.QuietHours));

        form.Render(p => p.Add(x => x.Flow, flow));
        form.Find("input[data-testid=flow-unread-cap]").Change("");
        form.WaitForAssertion(() => Assert.Null(flow.Caps));
    }
}
