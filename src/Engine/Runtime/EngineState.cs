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
        var json = await SettingsJson(db, SettingsKey, cancellationToken);
        if (json is null)
            return new StoreSettings();

        // Every batch reads the settings, and they rarely change: the last text read keeps its
        // settings (an immutable record), so only a changed text is deserialized again.
        var last = lastSettings;
        if (last is not null && string.Equals(last.Json, json, StringComparison.Ordinal))
            return last.Settings;
        var settings = JsonSerializer.Deserialize<StoreSettings>(json, FlowJson.Options) ?? new StoreSettings();
        lastSettings = new ReadSettings(json, settings);
        return settings;
    }

    private sealed record ReadSettings(string Json, StoreSettings Settings);

    private static ReadSettings? lastSettings;

    // Compiled once: read at the start of every ingest and tick batch.
    private static readonly Func<FlowDbContext, string, CancellationToken, Task<string?>> SettingsJson =
        EF.CompileAsyncQuery((FlowDbContext db, string key, CancellationToken _) => db.EngineState.AsNoTracking().Where(s => s.Key == key).Select(s => s.Value).FirstOrDefault());

    private static readonly Func<FlowDbContext, string, CancellationToken, Task<bool>> IsTrue =
        EF.CompileAsyncQuery((FlowDbContext db, string key, CancellationToken _) => db.EngineState.AsNoTracking().Any(s => s.Key == key && s.Value == "true"));

    public static Task SaveSettingsAsync(FlowDbContext db, StoreSettings settings, CancellationToken cancellationToken = default) =>
        SetAsync(db, SettingsKey, JsonSerializer.Serialize(settings, FlowJson.Options), cancellationToken);

    public static async Task<bool> IsGloballyPausedAsync(FlowDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await IsTrue(db, GlobalPauseKey, cancellationToken);
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
