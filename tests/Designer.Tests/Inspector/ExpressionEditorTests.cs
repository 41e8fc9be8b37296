using Bunit;
using ReEngage.Flows.Designer.Editor.Inspector;

namespace ReEngage.Flows.Designer.Tests.Inspector;

public sealed class ExpressionEditorTests : IAsyncDisposable
{
    private readonly BunitContext context = new();

    public ValueTask DisposeAsync() => context.DisposeAsync();

    [Fact]
    public void A_broken_expression_shows_the_compilers_reason_as_it_is_typed()
    {
        string? value = "customer.CartValue > 0";
        var editor = context.Render<ExpressionEditor>(p => p
            .Add(x => x.Label, "When")
            .Add(x => x.Value, value)
            .Add(x => x.ValueChanged, v => value = v));
        Assert.Contains("Compiles", editor.Markup, StringComparison.Ordinal);

        editor.Find("[data-testid=expression-input]").Input("customer.CartValue >");

        Assert.Equal("customer.CartValue >", value);
        Assert.Contains("Expression expected", editor.Find("[role=alert]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Forbidden_names_are_refused()
    {
        var editor = context.Render<ExpressionEditor>(p => p.Add(x => x.Label, "When").Add(x => x.Value, "System.IO.File.Exists(\"x\")"));

        Assert.NotEmpty(editor.FindAll("[role=alert]"));
    }

    [Fact]
    public void Completion_offers_the_engines_customer_facts_and_inserts_the_chosen_one()
    {
        string? value = null;
        var editor = context.Render<ExpressionEditor>(p => p
            .Add(x => x.Label, "When")
            .Add(x => x.ValueChanged, v => value = v));

        editor.Find("[data-testid=expression-input]").Input("customer.Ca");
        var option = editor.FindAll("[role=option]").Single(o => o.TextContent.Contains("customer.CartValue", StringComparison.Ordinal));
        option.Click();

        Assert.Equal("customer.CartValue", value);
    }

    [Fact]
    public void The_vocabulary_comes_from_the_engines_inputs()
    {
        var terms = ExpressionVocabulary.Terms.Select(t => t.Text).ToList();

        Assert.Contains("customer.DaysSinceLastOrder", terms);
        Assert.Contains("customer.CountEvents(\"type\", \"window\")", terms);
        Assert.Contains(terms, t => t.StartsWith("event.", StringComparison.Ordinal));
    }
}
