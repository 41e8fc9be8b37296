using System.Reflection;
using ReEngage.Flows.Engine.Expressions;

namespace ReEngage.Flows.Designer.Editor.Inspector;

/// <summary>A name an expression may use, with what it holds.</summary>
public sealed record ExpressionTerm(string Text, string Kind);

/// <summary>
/// The names expressions may use, read from the engine's own input types, so completion never
/// offers what the engine does not have.
/// </summary>
public static class ExpressionVocabulary
{
    public static IReadOnlyList<ExpressionTerm> Terms { get; } =
    [
        .. Members("customer", typeof(CustomerInput)),
        .. Members("event", typeof(EventInput)),
        .. Members("run", typeof(RunInput)),
    ];

    /// <summary>The terms that complete the word being typed at the end of <paramref name="text"/>.</summary>
    public static IReadOnlyList<ExpressionTerm> Complete(string? text, int max = 12)
    {
        var word = TrailingWord(text ?? "");
        if (word.Length == 0)
            return [];
        return Terms.Where(t => t.Text.StartsWith(word, StringComparison.OrdinalIgnoreCase) && !t.Text.Equals(word, StringComparison.Ordinal))
            .Take(max).ToList();
    }

    /// <summary>Replaces the word being typed at the end of <paramref name="text"/> with <paramref name="term"/>.</summary>
    public static string Insert(string? text, ExpressionTerm term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var current = text ?? "";
        var word = TrailingWord(current);
        return current[..^word.Length] + term.Text;
    }

    private static string TrailingWord(string text)
    {
        var start = text.Length;
        while (start > 0 && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] is '.' or '_'))
            start--;
        return text[start..];
    }

    private static IEnumerable<ExpressionTerm> Members(string root, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            yield return new ExpressionTerm($"{root}.{property.Name}", Describe(property.PropertyType));
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName))
        {
            var parameters = string.Join(", ", method.GetParameters().Select(p => p.ParameterType == typeof(string) ? $"\"{p.Name}\"" : p.Name));
            yield return new ExpressionTerm($"{root}.{method.Name}({parameters})", Describe(method.ReturnType));
        }
    }

    private static string Describe(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        var name = inner switch
        {
            _ when inner == typeof(int) || inner == typeof(decimal) || inner == typeof(double) || inner == typeof(long) => "number",
            _ when inner == typeof(string) => "text",
            _ when inner == typeof(bool) => "yes/no",
            _ when inner == typeof(DateTimeOffset) => "date and time",
            _ when inner.IsGenericType => "list",
            _ => inner.Name.Replace("Input", "", StringComparison.Ordinal),
        };
        return Nullable.GetUnderlyingType(type) is null ? name : $"{name} or null";
    }
}
