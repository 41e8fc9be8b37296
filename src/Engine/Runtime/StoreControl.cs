using ReEngage.Flows.Engine.Model;
using ReEngage.Flows.Engine.Storage;

namespace ReEngage.Flows.Engine.Runtime;

/// <summary>
/// The store's control state that every batch starts by reading: settings, the global pause, the
/// paused flows and the published programs that may act. Read live by default, because admins and
/// marketers change them at any moment. A store that nothing else can change while the engine runs
/// (a simulation's temporary store) reads them once and keeps them: re-reading them for each of a
/// replay's tens of thousands of small batches was a large share of its time.
/// </summary>
public sealed class StoreControl
{
    private Snapshot? frozen;

    /// <summary>Reads the control state once; from now on every batch uses that reading.</summary>
    public async Task FreezeAsync(FlowDbContext db, FlowCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalog);
        frozen = null;
        frozen = new Snapshot(
            await SettingsAsync(db, cancellationToken),
            await IsGloballyPausedAsync(db, cancellationToken),
            await HeldFlowIdsAsync(db, cancellationToken),
            await ActiveProgramsAsync(db, catalog, cancellationToken));
    }

    public async Task<StoreSettings> SettingsAsync(FlowDbContext db, CancellationToken cancellationToken) =>
        frozen?.Settings ?? await EngineState.SettingsAsync(db, cancellationToken);

    public async Task<bool> IsGloballyPausedAsync(FlowDbContext db, CancellationToken cancellationToken) =>
        frozen?.GloballyPaused ?? await EngineState.IsGloballyPausedAsync(db, cancellationToken);

    /// <summary>Flows the engine must not touch now (see <see cref="FlowCatalog.HeldFlowIdsAsync"/>); callers only read it.</summary>
    public async Task<HashSet<string>> HeldFlowIdsAsync(FlowDbContext db, CancellationToken cancellationToken) =>
        frozen?.Held ?? await FlowCatalog.HeldFlowIdsAsync(db, cancellationToken);

    public async Task<IReadOnlyList<FlowProgram>> ActiveProgramsAsync(FlowDbContext db, FlowCatalog catalog, CancellationToken cancellationToken) =>
        frozen?.Active ?? await catalog.ActiveProgramsAsync(db, cancellationToken);

    private sealed record Snapshot(StoreSettings Settings, bool GloballyPaused, HashSet<string> Held, IReadOnlyList<FlowProgram> Active);
}
