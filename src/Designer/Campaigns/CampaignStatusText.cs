using MudBlazor;
using ReEngage.Flows.Engine.Campaigns;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Designer.Campaigns;

/// <summary>A campaign's status in the seller-centre words of DESIGN.md §1, with a colour.</summary>
public static class CampaignStatusText
{
    public static string Of(CampaignStatus status) => CampaignBook.Describe(status);

    public static Color Color(CampaignStatus status) => status switch
    {
        CampaignStatus.NotStarted => MudBlazor.Color.Info,
        CampaignStatus.Delivering => MudBlazor.Color.Success,
        CampaignStatus.Finished => MudBlazor.Color.Dark,
        _ => MudBlazor.Color.Error,
    };

    public static string Group(CustomerGroup group) => group switch
    {
        CustomerGroup.AddedToCart => "Added to cart",
        CustomerGroup.StoreFollowers => "Store followers",
        CustomerGroup.ViewedSeveralTimes => "Viewed products several times",
        _ => "Existing customers",
    };
}
