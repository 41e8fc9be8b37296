using System.Text.RegularExpressions;
using ReEngage.Flows.Engine.Model;
using RulesEngine.ExpressionBuilders;

namespace ReEngage.Flows.Engine.Expressions;

/// <summary>What an expression must produce.</summary>
public enum ExpressionResult
{
    /// <summary>A condition, filter, audience or split rule: true or false.</summary>
    Boolean,

    /// <summary>A value to store (the <c>set</c> action): any type.</summary>
    Value,
}

/// <summary>An expression that cannot be used, and why, in words for the person who wrote it.</summary>
public sealed record ExpressionDiagnostic(bool Forbidden, string Message);

/// <summary>
/// Compiles flow expressions with RulesEngine's parser against the real input types, without
/// running them. Thread-safe: one instance serves the validator, the designer and the engine.
/// </summary>
public sealed partial class ExpressionChecker
{
    private readonly RuleExpressionParser parser = new(ExpressionInputs.CreateSettings());

    public static ExpressionChecker Shared { get; } = new();

    /// <summary>Null when the expression compiles to the wanted result; otherwise what is wrong.</summary>
    public ExpressionDiagnostic? Check(string? expression, ExpressionResult result = ExpressionResult.Boolean)
    {
        if (string.IsNullOrWhiteSpace(expression))
            return new ExpressionDiagnostic(false, "The expression is empty.");

        if (ExpressionGuard.FindForbiddenName(expression) is { } name)
        {
            return new ExpressionDiagnostic(true,
                $"'{name}' is not available here: expressions may only use customer, event and run (plus simple values such as Math or DateTime).");
        }

        try
        {
            var parsed = parser.Parse(expression, ExpressionInputs.Parameters(), result == ExpressionResult.Boolean ? typeof(bool) : null);
            if (result == ExpressionResult.Boolean && parsed.Type != typeof(bool))
                return new ExpressionDiagnostic(false, $"The expression gives a {parsed.Type.Name}, but a true/false result is needed.");
        }
        catch (Exception ex) when (ex is System.Linq.Dynamic.Core.Exceptions.ParseException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return new ExpressionDiagnostic(false, ExpressionInputs.Friendly(ex.Message));
        }

        foreach (Match call in WindowArgument().Matches(expression))
        {
            if (!Durations.TryParse(call.Groups["window"].Value, out _))
                return new ExpressionDiagnostic(false, $"'{call.Groups["window"].Value}' in {call.Groups["fn"].Value} is not an ISO-8601 duration such as P7D or PT4H.");
        }

        return null;
    }

    [GeneratedRegex("""(?<fn>CountEvents|HasEvent)\s*\(\s*"[^"]*"\s*,\s*"(?<window>[^"]*)"\s*\)""")]
    private static partial Regex WindowArgument();
}
