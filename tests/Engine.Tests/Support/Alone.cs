namespace ReEngage.Flows.Engine.Tests.Support;

/// <summary>
/// Tests that load the machine on purpose (many writers on one SQLite file) run after the others,
/// by themselves: on a 2-core machine, other test classes running beside them starve their writers
/// past SQLite's lock timeout, which says nothing about the code under test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "alone";
}
