using System.Text;

namespace Mailsub.Core.Policy;

/// <summary>
/// Postfix's $name expansion: `$name`, `${name}`, `$(name)`, `$$`, and the conditionals
/// `${name?value}`, `${name:value}` and `${name?{value1}:{value2}}`. Relational expressions
/// (`${{$a} == {b} ? ...}`) are left as written; PostfixDefaults resolves the only ones analysis
/// needs, the compatibility_level defaults.
/// </summary>
public static class ParameterExpansion
{
    // Postfix stops at 100 nested expansions; a loop this deep is a configuration error anyway.
    private const int MaxDepth = 20;

    /// <summary>Expands value; lookup gives a parameter's unexpanded value, or null when it has none (expands to empty, as in Postfix).</summary>
    public static string Expand(string value, Func<string, string?> lookup) => Expand(value, lookup, 0);

    /// <summary>The parameter names value refers to, conditionals and nested references included.</summary>
    public static IEnumerable<string> References(string value)
    {
        for (var i = value.IndexOf('$'); i >= 0 && i + 1 < value.Length; i = value.IndexOf('$', i + 1))
        {
            if (value[i + 1] == '$')
            {
                i++;
                continue;
            }
            var start = value[i + 1] is '{' or '(' ? i + 2 : i + 1;
            var length = NameLength(value, start);
            if (length > 0)
                yield return value.Substring(start, length);
        }
    }

    private static string Expand(string value, Func<string, string?> lookup, int depth)
    {
        if (depth > MaxDepth || !value.Contains('$'))
            return value;
        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 == value.Length)
            {
                result.Append(value[i]);
                continue;
            }
            var next = value[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i++;
            }
            else if (next is '{' or '(')
            {
                var end = Matching(value, i + 1);
                if (end < 0)
                {
                    result.Append(value, i, value.Length - i);
                    break;
                }
                result.Append(ExpandBraced(value[(i + 2)..end], value.AsSpan(i, end - i + 1), lookup, depth));
                i = end;
            }
            else if (NameLength(value, i + 1) is var length and > 0)
            {
                result.Append(Expand(lookup(value.Substring(i + 1, length)) ?? "", lookup, depth + 1));
                i += length;
            }
            else
            {
                result.Append('$');
            }
        }
        return result.ToString();
    }

    private static string ExpandBraced(string inner, ReadOnlySpan<char> whole, Func<string, string?> lookup, int depth)
    {
        var length = NameLength(inner, 0);
        if (length == 0)
            return whole.ToString();
        var value = Expand(lookup(inner[..length]) ?? "", lookup, depth + 1);
        var rest = inner[length..];
        if (rest.Length == 0)
            return value;
        var text = rest[1..].Trim();
        switch (rest[0])
        {
            case '?' when text.StartsWith('{') && Matching(text, 0) is var end and > 0:
                var otherwise = text[(end + 1)..].TrimStart();
                var alternative = otherwise.StartsWith(':') ? Unbrace(otherwise[1..].Trim()) : "";
                return Expand(value.Length > 0 ? text[1..end] : alternative, lookup, depth + 1);
            case '?':
                return value.Length > 0 ? Expand(text, lookup, depth + 1) : "";
            case ':':
                return value.Length == 0 ? Expand(Unbrace(text), lookup, depth + 1) : "";
            default:
                return whole.ToString();
        }
    }

    private static string Unbrace(string text) =>
        text.StartsWith('{') && Matching(text, 0) == text.Length - 1 ? text[1..^1] : text;

    /// <summary>Index of the bracket closing the one at open, counting nested brackets of the same kind; -1 if none.</summary>
    private static int Matching(string text, int open)
    {
        var (opening, closing) = text[open] == '(' ? ('(', ')') : ('{', '}');
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == opening)
                depth++;
            else if (text[i] == closing && --depth == 0)
                return i;
        }
        return -1;
    }

    private static int NameLength(string text, int start)
    {
        var i = start;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
            i++;
        return i - start;
    }
}
