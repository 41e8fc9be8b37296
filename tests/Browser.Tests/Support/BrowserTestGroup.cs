namespace ReEngage.Flows.Browser.Tests.Support;

/// <summary>Puts every browser test in one xunit collection: they share one Host and one browser, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
