using NodaTime;
using ReEngage.Flows.Engine.Model;

namespace ReEngage.Flows.Engine.Tests.Model;

public class DurationsTests
{
    [Theory]
    [InlineData("PT4H", 0, 4)]
    [InlineData("P35D", 35, 0)]
    [InlineData("P1DT12H", 1, 12)]
    [InlineData("-P3D", -3, 0)]
    public void Iso_durations_parse(string text, int days, int hours)
    {
        Assert.True(Durations.TryParse(text, out var period));
        Assert.Equal(days, period.Days);
        Assert.Equal(hours, period.Hours);
    }

    [Fact]
    public void Months_are_calendar_months() =>
        Assert.Equal(new LocalDate(2026, 2, 28), new LocalDate(2026, 1, 31).Plus(Durations.ParseForExpression("P1M")));

    [Theory]
    [InlineData("4h")]
    [InlineData("PT")]
    [InlineData(" P1D")]
    [InlineData("--P1D")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_text_is_not_a_duration(string? text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData("PT0S", false)]
    [InlineData("-P1D", false)]
    [InlineData("PT1M", true)]
    public void Positive_means_time_moves_forward(string text, bool positive)
    {
        Assert.True(Durations.TryParse(text, out var period));
        Assert.Equal(positive, Durations.IsPositive(period));
    }
}
