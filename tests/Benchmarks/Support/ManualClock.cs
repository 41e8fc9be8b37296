namespace ReEngage.Flows.Benchmarks.Support;

/// <summary>A clock the benchmark moves by hand (the engine reads every instant from its <see cref="TimeProvider"/>).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
