using System.Linq.Expressions;
using RulesEngine.Models;

namespace ReEngage.Flows.Engine.Expressions;

/// <summary>
/// The only names a flow expression can start from (<c>customer</c>, <c>event</c>, <c>run</c>) and
/// the only types RulesEngine may resolve members on. Keeping this list to our own read-only types
/// is what keeps expressions away from the file system, processes and reflection.
/// </summary>
public static class ExpressionInputs
{
    public const string Customer = "customer";
    public const string Event = "event";
    public const string Run = "run";

    public static IReadOnlyList<string> Names { get; } = [Customer, Event, Run];

    internal static Type[] CustomTypes { get; } =
        [typeof(CustomerInput), typeof(EventInput), typeof(RunInput), typeof(ValueBag), typeof(RfmScore), typeof(ConsentInput)];

    internal static ParameterExpression[] Parameters() =>
    [
        Expression.Parameter(typeof(CustomerInput), Customer),
        Expression.Parameter(typeof(EventInput), Event),
        Expression.Parameter(typeof(RunInput), Run),
    ];

    internal static ReSettings CreateSettings() => new()
    {
        CustomTypes = CustomTypes,
        // A runtime error must fail the step, never read as "false" (CONVENTIONS.md).
        EnableExceptionAsErrorMessage = false,
        // Despite its name, in RulesEngine 6.0.1 `true` makes a parse error throw; with `false` the
        // parser silently swaps the expression for the constant false (checked by a test).
        EnableExceptionAsErrorMessageForRuleExpressionParsing = true,
        IgnoreException = false,
        AutoRegisterInputType = false,
        IsExpressionCaseSensitive = true,
    };

    /// <summary>Marketer-facing names for the CLR types that appear in parser messages.</summary>
    internal static string Friendly(string message) => message
        .Replace(nameof(CustomerInput), Customer, StringComparison.Ordinal)
        .Replace(nameof(EventInput), Event, StringComparison.Ordinal)
        .Replace(nameof(RunInput), Run, StringComparison.Ordinal)
        .Replace(nameof(ValueBag), "attributes", StringComparison.Ordinal)
        .Replace(nameof(RfmScore), "rfm", StringComparison.Ordinal)
        .Replace(nameof(ConsentInput), "consent", StringComparison.Ordinal);
}
