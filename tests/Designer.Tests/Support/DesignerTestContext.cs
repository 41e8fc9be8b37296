using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ReEngage.Flows.Designer.Tests.Support;

/// <summary>A bunit context with MudBlazor, the designer's services over a real store, and a signed-in user.</summary>
public static class DesignerTestContext
{
    public static BunitContext Create(DesignerStore store, string role = DesignerRoles.Admin)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        context.Services.AddSingleton(store.Desk);
        context.Services.AddSingleton(store.Customers);
        var auth = context.AddAuthorization();
        auth.SetAuthorized("someone");
        auth.SetRoles(role);
        context.Render<MudPopoverProvider>();
        context.Render<MudSnackbarProvider>();
        return context;
    }
}
