using Bunit;
using ReEngage.Flows.Designer.Editor;
using ReEngage.Flows.Designer.Tests.Support;

namespace ReEngage.Flows.Designer.Tests.Editor;

/// <summary>The canvas component with strict JS interop: every call it makes must be expected.</summary>
public sealed class FlowCanvasTests : IAsyncDisposable
{
    private const string Module = "./_content/ReEngage.Flows.Designer/js/flow-canvas.js";
    private readonly BunitContext context = new();

    public FlowCanvasTests() => context.JSInterop.Mode = JSRuntimeMode.Strict;

    public ValueTask DisposeAsync() => context.DisposeAsync();

    [Fact]
    public async Task The_canvas_loads_the_whole_flow_once_then_sends_only_changes_in_one_call()
    {
        var module = context.JSInterop.SetupModule(Module);
        module.Setup<int>("init", _ => true).SetResult(7);
        module.SetupVoid("load", _ => true).SetVoidResult();
        module.SetupVoid("apply", _ => true).SetVoidResult();
        module.SetupVoid("dispose", _ => true).SetVoidResult();
        var flow = SampleFlows.AbandonedCart();
        var ready = false;

        var canvas = context.Render<FlowCanvas>(p => p.Add(x => x.Initial, CanvasView.Of(flow)).Add(x => x.OnReady, () => ready = true));
        canvas.WaitForAssertion(() => Assert.True(ready));
        var (added, _) = FlowEdits.AddNode(flow, "delay", 10, 10);
        await canvas.InvokeAsync(() => canvas.Instance.ShowAsync(CanvasView.Of(FlowEdits.Move(added, "start", 5, 5))));

        Assert.Single(module.Invocations["init"]);
        var load = Assert.Single(module.Invocations["load"]);
        Assert.Equal(7, load.Arguments[0]);
        var apply = Assert.Single(module.Invocations["apply"]);
        var ops = Assert.IsType<List<CanvasOp>>(apply.Arguments[1]);
        Assert.Equal(["update-node", "add-node"], ops.Select(o => o.Op));
    }

    [Fact]
    public async Task Gestures_from_the_canvas_reach_the_page_as_one_batch()
    {
        var module = context.JSInterop.SetupModule(Module);
        module.Setup<int>("init", _ => true).SetResult(1);
        module.SetupVoid("load", _ => true).SetVoidResult();
        module.SetupVoid("dispose", _ => true).SetVoidResult();
        IReadOnlyList<CanvasGesture>? received = null;

        var canvas = context.Render<FlowCanvas>(p => p
            .Add(x => x.Initial, CanvasView.Of(SampleFlows.AbandonedCart()))
            .Add(x => x.OnGestures, g => received = g));
        await canvas.InvokeAsync(() => canvas.Instance.OnGesturesAsync([new CanvasGesture("move") { Id = "start", X = 1, Y = 2 }, new CanvasGesture("select") { Id = "start" }]));

        Assert.Equal(["move", "select"], received!.Select(g => g.Kind));
    }
}
