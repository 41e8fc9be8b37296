using MudBlazor;

namespace ReEngage.Flows.Designer.Layout;

internal static class DesignerTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1e63d6",
            Secondary = "#c62828",
            AppbarBackground = "#15325e",
            Background = "#f4f6f9",
        },
    };
}
