using System.Text;

namespace Mailsub.Entrypoint;

/// <summary>Edits main.cf text the way postconf -e would, without running it.</summary>
/// <remarks>Postfix warns ("overriding earlier entry") when a parameter is defined twice, and
/// the entrypoint treats warnings as errors, so a replaced parameter must disappear from its
/// old place rather than be shadowed by a later line.</remarks>
public static class MainCf
{
    /// <summary>Removes every definition of the given parameters and appends them, in order,
    /// at the end under a comment that says who set them.</summary>
    public static string WithParameters(
        string text, IReadOnlyList<KeyValuePair<string, string>> parameters, string setBy)
    {
        var names = parameters.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var output = new StringBuilder();
        bool dropping = false;
        foreach (string line in Lines(text))
        {
            // Comments describe what follows as often as what precedes, so they all stay.
            if (IsBlankOrComment(line))
            {
                output.Append(line).Append('\n');
                continue;
            }
            if (!char.IsWhiteSpace(line[0]))
                dropping = ParameterName(line) is { } name && names.Contains(name);
            if (!dropping)
                output.Append(line).Append('\n');
        }

        if (parameters.Count > 0)
        {
            output.Append("# Set by ").Append(setBy).Append('\n');
            foreach (var (name, value) in parameters)
                output.Append(name).Append(" = ").Append(value).Append('\n');
        }
        return output.ToString();
    }

    /// <summary>The value of the last definition of <paramref name="name"/>, continuation lines
    /// joined by single spaces, or null when the text does not define it.</summary>
    public static string? ValueOf(string text, string name)
    {
        string? value = null;
        bool reading = false;
        foreach (string line in Lines(text))
        {
            if (IsBlankOrComment(line))
                continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                reading = ParameterName(line) == name;
                if (reading)
                    value = line[(line.IndexOf('=') + 1)..].Trim();
            }
            else if (reading)
            {
                value = (value + " " + line.Trim()).Trim();
            }
        }
        return value;
    }

    /// <summary>The name on a logical line's first physical line, or null for text that is
    /// not a parameter definition.</summary>
    private static string? ParameterName(string line)
    {
        int equals = line.IndexOf('=');
        return equals > 0 ? line[..equals].Trim() : null;
    }

    internal static bool IsBlankOrComment(string line)
    {
        string trimmed = line.TrimStart();
        return trimmed.Length == 0 || trimmed[0] == '#';
    }

    internal static IEnumerable<string> Lines(string text)
    {
        string normalized = text.Replace("\r\n", "\n");
        if (normalized.EndsWith('\n'))
            normalized = normalized[..^1];
        return normalized.Length == 0 ? [] : normalized.Split('\n');
    }
}
