using System.Text;

namespace Mailsub.Core.Policy;

/// <summary>The logical-line rules main.cf and master.cf share.</summary>
internal static class LogicalLines
{
    /// <summary>Logical lines with the physical line each starts on; continuations join with one space.</summary>
    public static IEnumerable<(int Line, string Text)> Read(string text, string file, List<ConfigProblem> problems)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var start = 0;
        StringBuilder? current = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
                continue;
            if (char.IsWhiteSpace(line[0]))
            {
                if (current is null)
                    problems.Add(new ConfigProblem(file, i + 1, $"a logical line must not start with whitespace; Postfix ignores \"{Shorten(trimmed)}\""));
                else
                    current.Append(' ').Append(trimmed);
                continue;
            }
            if (current is not null)
                yield return (start, current.ToString());
            current = new StringBuilder(line.TrimEnd());
            start = i + 1;
        }
        if (current is not null)
            yield return (start, current.ToString());
    }

    /// <summary>Quotes a line in a message without flooding it.</summary>
    public static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
