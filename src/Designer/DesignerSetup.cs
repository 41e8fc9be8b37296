using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReEngage.Flows.Designer.Data;

namespace ReEngage.Flows.Designer;

/// <summary>Adds the designer (Blazor Server pages, MudBlazor, the canvas) to a host that has the engine.</summary>
public static class DesignerSetup
{
    public static IServiceCollection AddReEngageDesigner(this IServiceCollection services)
    {
        services.AddRazorComponents()
            .AddInteractiveServerComponents(o => o.DetailedErrors = false);
        services.Configure<CircuitOptions>(o => o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(10));
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddScoped<FlowDesk>();
        services.AddScoped<CustomerDesk>();
        services.AddScoped<SettingsDesk>();
        services.AddScoped<CampaignDesk>();
        return services;
    }

    /// <summary>Maps the pages behind sign-in (any designer role may look; each page checks who may change what).</summary>
    public static void MapReEngageDesigner(this WebApplication app, string readPolicy)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(readPolicy);
    }
}
