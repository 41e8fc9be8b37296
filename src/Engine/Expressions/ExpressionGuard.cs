namespace ReEngage.Flows.Engine.Expressions;

/// <summary>
/// A lexical allow-list in front of the parser: every name an expression starts from must be one
/// of the inputs, a lambda parameter declared in it, a literal keyword or a harmless value type,
/// and no member may be a reflection entry point. The parser's own accessible-type rules are the
/// second wall; this one gives the marketer a plain sentence instead of a parser message.
/// </summary>
internal static class ExpressionGuard
{
    private static readonly HashSet<string> AllowedRoots = new(StringComparer.Ordinal)
    {
        ExpressionInputs.Customer, ExpressionInputs.Event, ExpressionInputs.Run,
        "true", "false", "null", "it", "np", "iif", "and", "or", "not", "in",
        "Math", "string", "String", "int", "long", "decimal", "double", "bool",
        "Int32", "Int64", "Decimal", "Double", "Boolean", "DateTime", "DateTimeOffset", "TimeSpan",
    };

    private static readonly HashSet<string> ForbiddenMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        "GetType", "Assembly", "Module", "Invoke", "DynamicInvoke", "Method", "MethodHandle", "TypeHandle",
        "CreateInstance", "GetMethod", "GetMethods", "GetProperty", "GetProperties", "GetField", "GetFields",
        "GetMember", "GetMembers", "GetConstructor", "GetConstructors", "InvokeMember", "Load", "LoadFrom",
        "UnderlyingSystemType", "DeclaringType", "ReflectedType", "Target",
    };

    /// <summary>The first name the expression may not use, or null when it only uses allowed names.</summary>
    public static string? FindForbiddenName(string expression)
    {
        var lambdaParameters = new HashSet<string>(StringComparer.Ordinal);
        var tokens = Tokenize(expression).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var (name, afterDot, followedByArrow) = tokens[i];
            if (followedByArrow)
                lambdaParameters.Add(name);
        }

        foreach (var (name, afterDot, _) in tokens)
        {
            if (afterDot ? ForbiddenMembers.Contains(name) : !(AllowedRoots.Contains(name) || lambdaParameters.Contains(name)))
                return name;
        }

        return null;
    }

    private static IEnumerable<(string Name, bool AfterDot, bool FollowedByArrow)> Tokenize(string text)
    {
        var i = 0;
        var previous = '\0';
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                i = SkipString(text, i);
                previous = c;
            }
            else if (char.IsDigit(c))
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' or '_'))
                    i++;
                previous = '0';
            }
            else if (char.IsLetter(c) || c is '_' or '@')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '@'))
                    i++;
                var name = text[start..i].TrimStart('@');
                var next = i;
                while (next < text.Length && char.IsWhiteSpace(text[next]))
                    next++;
                var arrow = next + 1 < text.Length && text[next] == '=' && text[next + 1] == '>';
                yield return (name, previous == '.', arrow);
                previous = 'a';
            }
            else
            {
                if (!char.IsWhiteSpace(c))
                    previous = c;
                i++;
            }
        }
    }

    private static int SkipString(string text, int start)
    {
        var quote = text[start];
        var i = start + 1;
        while (i < text.Length && text[i] != quote)
            i += text[i] == '\\' ? 2 : 1;
        return i + 1;
    }
}
