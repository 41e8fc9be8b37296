using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Host.Security;

namespace ReEngage.Flows.Host.Api;

/// <summary>Admins manage designer users and API keys. A new key is shown once; only its hash is kept.</summary>
internal static class AccessApi
{
    public sealed record NewUser(string UserName, string Password, string Role);

    public sealed record NewApiKey(string Name, string Role);

    public static void MapAccess(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").RequireAuthorization(Roles.Policies.Administer).WithTags("Access");

        admin.MapGet("/users", async (UserManager<IdentityUser> users) =>
        {
            var list = await users.Users.OrderBy(u => u.UserName).ToListAsync();
            var result = new List<object>();
            foreach (var user in list)
                result.Add(new { user.UserName, roles = await users.GetRolesAsync(user) });
            return Results.Ok(result);
        }).WithSummary("Designer users and their roles.");

        admin.MapPost("/users", async (NewUser body, UserManager<IdentityUser> users) =>
        {
            if (!Roles.All.Contains(body.Role) || body.Role == Roles.Ingest)
                return RequestBodies.Problem("Unknown role", $"A user's role is one of {Roles.Admin}, {Roles.Marketer}, {Roles.Viewer}.", "$.role");
            var user = new IdentityUser(body.UserName);
            var created = await users.CreateAsync(user, body.Password);
            if (!created.Succeeded)
                return RequestBodies.Problem("The user cannot be created", string.Join(" ", created.Errors.Select(e => e.Description)), "$");
            await users.AddToRoleAsync(user, body.Role);
            return Results.Created($"/api/users/{body.UserName}", new { body.UserName, roles = new[] { body.Role } });
        }).WithSummary("Create a designer user with a role.");

        admin.MapGet("/api-keys", async (UsersDbContext db) =>
            Results.Ok((await db.ApiKeys.AsNoTracking().ToListAsync()).OrderBy(k => k.CreatedAt).Select(k => new { k.Id, k.Name, k.Role, k.CreatedAt })))
            .WithSummary("API keys made by admins (without the keys themselves).");

        admin.MapPost("/api-keys", async (NewApiKey body, UsersDbContext db, TimeProvider time) =>
        {
            if (!Roles.All.Contains(body.Role))
                return RequestBodies.Problem("Unknown role", $"A key's role is one of {string.Join(", ", Roles.All)}.", "$.role");
            var key = ApiKeyStore.NewKey();
            var record = new ApiKeyRecord { Id = Guid.CreateVersion7(time.GetUtcNow()), Name = body.Name, Role = body.Role, Hash = ApiKeyStore.HashText(key), CreatedAt = time.GetUtcNow() };
            db.ApiKeys.Add(record);
            await db.SaveChangesAsync();
            return Results.Created($"/api/api-keys/{record.Id}", new { record.Id, record.Name, record.Role, key });
        }).WithSummary("Make an API key; the key is in this answer only.");

        admin.MapDelete("/api-keys/{id:guid}", async (Guid id, UsersDbContext db) =>
            await db.ApiKeys.Where(k => k.Id == id).ExecuteDeleteAsync() == 1 ? Results.NoContent() : Results.NotFound())
            .WithSummary("Revoke an API key.");
    }
}
