using MudBlazor;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Designer.Flows;

/// <summary>A flow status as the list shows it: the API's lower-case word and a colour.</summary>
public static class FlowStatusText
{
    public static string Of(FlowStatus status) => status.ToString().ToLowerInvariant();

    public static Color Color(FlowStatus status) => status switch
    {
        FlowStatus.Active => MudBlazor.Color.Success,
        FlowStatus.Paused => MudBlazor.Color.Warning,
        FlowStatus.Finished => MudBlazor.Color.Dark,
        _ => MudBlazor.Color.Default,
    };
}
