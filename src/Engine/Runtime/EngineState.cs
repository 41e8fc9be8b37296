using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>The engine's small named state: store settings and the global pause switch.</summary>
public static class EngineState
{
    public const string SettingsKey = "settings";
    public const string GlobalPauseKey = "global-pause";

    public static async Task<StoreSettings> SettingsAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var json = await db.EngineState.AsNoTracking().Where(s => s.Key == SettingsKey).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
        return json is null ? new StoreSettings() : JsonSerializer.Deserialize<StoreSettings>(json, FlowJson.Options) ?? new StoreSettings();
    }

    public static Task SaveSettingsAsync(FlowDbContext db, StoreSettings settings, CancellationToken cancellationToken = default) =>
        SetAsync(db, SettingsKey, JsonSerializer.Serialize(settings, FlowJson.Options), cancellationToken);

    public static async Task<bool> IsGloballyPausedAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.EngineState.AsNoTracking().AnyAsync(s => s.Key == GlobalPauseKey && s.Value == "true", cancellationToken);
    }

    public static Task SetGlobalPauseAsync(FlowDbContext db, bool paused, CancellationToken cancellationToken = default) =>
        SetAsync(db, GlobalPauseKey, paused ? "true" : "false", cancellationToken);

    private static async Task SetAsync(FlowDbContext db, string key, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.EngineState.FindAsync([key], cancellationToken);
        if (row is null)
            db.EngineState.Add(new EngineStateRecord { Key = key, Value = value });
        else
            row.Value = value;
        await db.SaveChangesAsync(cancellationToken);
    }
}
