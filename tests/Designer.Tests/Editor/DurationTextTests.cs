using ReEngage.Flows.Designer.Editor;

namespace ReEngage.Flows.Designer.Tests.Editor;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("PT4H", 4, DurationUnit.Hours)]
    [InlineData("PT30M", 30, DurationUnit.Minutes)]
    [InlineData("P7D", 7, DurationUnit.Days)]
    public void Single_unit_durations_split_into_amount_and_unit_and_back(string iso, int amount, DurationUnit unit)
    {
        var parts = DurationText.Split(iso);

        Assert.Equal(new DurationParts(amount, unit), parts);
        Assert.Equal(iso, parts!.ToIso());
    }

    [Theory]
    [InlineData("P1DT2H")]
    [InlineData("nonsense")]
    [InlineData(null)]
    public void Mixed_or_broken_durations_stay_text(string? iso) => Assert.Null(DurationText.Split(iso));

    [Fact]
    public void Durations_read_as_words() => Assert.Equal("1 day", DurationText.Describe("P1D"));
}
