using System.Linq.Expressions;
using FastExpressionCompiler;
using RulesEngine.ExpressionBuilders;

namespace ReEngage.Flows.Engine.Expressions;

/// <summary>The three inputs every flow expression sees.</summary>
public readonly record struct ExpressionScope(CustomerInput Customer, EventInput Event, RunInput Run);

/// <summary>An expression evaluation that threw: the step fails with this message; it is never read as false.</summary>
public sealed class ExpressionFailedException(string expression, Exception inner)
    : Exception($"The expression '{expression}' failed: {inner.Message}", inner)
{
    public string Expression { get; } = expression;
}

/// <summary>
/// Compiles flow expressions once (per published flow version) with RulesEngine's expression parser
/// — the parser and FastExpressionCompiler RulesEngine runs its own rules with — into delegates
/// over the typed inputs.
/// </summary>
public static class CompiledExpression
{
    private static readonly Lazy<RuleExpressionParser> Parser = new(() => new RuleExpressionParser(ExpressionInputs.CreateSettings()));

    /// <summary>Compiles; throws <see cref="InvalidOperationException"/> when the expression does not compile
    /// (published versions are validated first, so this means a bug, not bad input).</summary>
    public static CompiledExpression<T> Compile<T>(string text)
    {
        var parameters = ExpressionInputs.Parameters();
        Expression parsed;
        try
        {
            parsed = Parser.Value.Parse(text, parameters, typeof(T) == typeof(object) ? null : typeof(T));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"The expression '{text}' does not compile: {ExpressionInputs.Friendly(ex.Message)}", ex);
        }

        var body = parsed is LambdaExpression lambdaBody ? lambdaBody.Body : parsed;
        if (body.Type != typeof(T))
            body = Expression.Convert(body, typeof(T));
        var lambda = Expression.Lambda<Func<CustomerInput, EventInput, RunInput, T>>(body, parameters);
        return new CompiledExpression<T>(text, lambda.CompileFast());
    }
}

/// <summary>A compiled flow expression; evaluation errors surface as <see cref="ExpressionFailedException"/>.</summary>
public sealed class CompiledExpression<T>
{
    private readonly Func<CustomerInput, EventInput, RunInput, T> evaluate;

    internal CompiledExpression(string text, Func<CustomerInput, EventInput, RunInput, T> evaluate)
    {
        Text = text;
        this.evaluate = evaluate;
    }

    public string Text { get; }

    public T Evaluate(in ExpressionScope scope)
    {
        try
        {
            return evaluate(scope.Customer, scope.Event, scope.Run);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ExpressionFailedException(Text, ex);
        }
    }
}
