using System.Security.Claims;

namespace ReEngage.Flows.Designer;

/// <summary>The designer's view of the roles of DESIGN.md §7: Viewer reads, Marketer edits and publishes, Admin also pauses and changes settings.</summary>
public static class DesignerRoles
{
    public const string Admin = "Admin";
    public const string Marketer = "Marketer";
    public const string Viewer = "Viewer";

    /// <summary>For AuthorizeView: who may edit and publish flows.</summary>
    public const string Editors = $"{Admin},{Marketer}";

    public static bool CanEdit(ClaimsPrincipal user) => user.IsInRole(Admin) || user.IsInRole(Marketer);

    public static bool CanAdminister(ClaimsPrincipal user) => user.IsInRole(Admin);

    public static string Describe(ClaimsPrincipal user) =>
        user.IsInRole(Admin) ? Admin : user.IsInRole(Marketer) ? Marketer : user.IsInRole(Viewer) ? Viewer : "No role";
}
