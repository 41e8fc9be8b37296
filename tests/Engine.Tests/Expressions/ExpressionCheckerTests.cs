using ReEngage.Flows.Engine.Expressions;

namespace ReEngage.Flows.Engine.Tests.Expressions;

public class ExpressionCheckerTests
{
    private readonly ExpressionChecker checker = ExpressionChecker.Shared;

    [Theory]
    [InlineData("customer.CartValue > 0 && !customer.Tags.Contains(\"staff\")")]
    [InlineData("customer.DaysSinceLastOrder >= 35")]
    [InlineData("customer.DaysSinceLastOrder == null")]
    [InlineData("customer.OrderCount == 0 || customer.AverageOrderValue >= 50.5")]
    [InlineData("customer.Attributes[\"country\"] == \"VN\"")]
    [InlineData("customer.Attributes.Has(\"birthday\")")]
    [InlineData("customer.Rfm.Segment == \"Champions\" && customer.Rfm.R >= 4")]
    [InlineData("customer.Tier == \"gold\" && customer.Points > 100")]
    [InlineData("customer.Consent.Email && customer.TimeZone != \"UTC\"")]
    [InlineData("customer.CountEvents(\"product.viewed\", \"P7D\") >= 3")]
    [InlineData("customer.HasEvent(\"order.placed\", \"P30D\") == false")]
    [InlineData("customer.Tags.Any(t => t.StartsWith(\"vip\"))")]
    [InlineData("event.Type == \"cart.added\" && event.Properties.Number(\"price\") > 10")]
    [InlineData("event.Properties[\"query\"] != null && event.Properties[\"query\"].Length > 2")]
    [InlineData("run.DaysSinceEntered < 3 && run.Branch == \"a\"")]
    [InlineData("Math.Abs(customer.TotalSpent - 100) < 5")]
    [InlineData("customer.LastOrderAt < DateTimeOffset.Parse(\"2026-01-01T00:00:00Z\")")]
    public void Expressions_over_the_inputs_compile(string expression) =>
        Assert.Null(checker.Check(expression));

    [Theory]
    [InlineData("customer.Nope > 1", "Nope")]
    [InlineData("customer.CartValue > \"x\"", "")]
    [InlineData("customer.Tags.Contains(1)", "")]
    [InlineData("shopper.CartValue > 0", "shopper")]
    [InlineData("customer.CartValue >", "")]
    [InlineData("", "empty")]
    public void Expressions_that_do_not_type_check_are_reported(string expression, string mentions)
    {
        var diagnostic = checker.Check(expression);
        Assert.NotNull(diagnostic);
        Assert.Contains(mentions, diagnostic.Message);
    }

    [Fact]
    public void A_value_expression_need_not_be_true_or_false()
    {
        Assert.Null(checker.Check("customer.TotalSpent * 2", ExpressionResult.Value));
        Assert.NotNull(checker.Check("customer.TotalSpent * 2"));
    }

    [Theory]
    [InlineData("System.IO.File.Exists(\"/etc/passwd\")", "System")]
    [InlineData("System.Diagnostics.Process.Start(\"sh\") != null", "System")]
    [InlineData("Process.Start(\"sh\") != null", "Process")]
    [InlineData("Environment.GetEnvironmentVariable(\"HOME\") != null", "Environment")]
    [InlineData("Activator.CreateInstance(\"x\", \"y\") != null", "Activator")]
    [InlineData("Type.GetType(\"System.IO.File\") != null", "Type")]
    [InlineData("customer.GetType().Assembly.Location != \"\"", "GetType")]
    [InlineData("customer.Tags.GetType().Name == \"x\"", "GetType")]
    [InlineData("AppDomain.CurrentDomain != null", "AppDomain")]
    [InlineData("new System.Net.WebClient() != null", "new")]
    [InlineData("customer.Tags.Any(t => t.GetType() != null)", "GetType")]
    public void Expressions_reaching_outside_their_inputs_are_forbidden(string expression, string name)
    {
        var diagnostic = checker.Check(expression);
        Assert.NotNull(diagnostic);
        Assert.True(diagnostic.Forbidden, diagnostic.Message);
        Assert.Contains($"'{name}'", diagnostic.Message);
    }

    [Fact]
    public void Names_inside_string_literals_are_not_mistaken_for_code() =>
        Assert.Null(checker.Check("customer.Attributes[\"note\"] == \"System.IO.File GetType()\""));

    [Fact]
    public void RulesEngine_reports_a_parse_error_instead_of_answering_false()
    {
        // Guards the ReSettings flag whose meaning is the reverse of its name in RulesEngine 6.0.1.
        var diagnostic = checker.Check("customer.OrderCnt > 0");
        Assert.NotNull(diagnostic);
        Assert.Contains("OrderCnt", diagnostic.Message);
        Assert.Contains("customer", diagnostic.Message);
    }
}
