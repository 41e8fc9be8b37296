namespace ReEngage.Flows.Engine.Simulation;

/// <summary>The simulator's virtual clock: it only moves when the simulator moves it, and never backwards.</summary>
public sealed class SimulationClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() => Now;

    public void MoveTo(DateTimeOffset instant)
    {
        if (instant > Now)
            Now = instant.ToUniversalTime();
    }
}
