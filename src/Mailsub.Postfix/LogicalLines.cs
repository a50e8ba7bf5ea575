using System.Text;

namespace Mailsub.Postfix;

/// <summary>One main.cf definition or master.cf service: its physical lines joined, with the
/// 1-based numbers of its first and last physical line (comment lines in between are not part of it).</summary>
/// <remarks>A class, not a struct, and read with loops rather than LINQ: the entrypoint's NativeAOT
/// binary would otherwise carry generic code compiled once more for this type.</remarks>
internal sealed class LogicalLine(int line, int lastLine, string text)
{
    public int Line { get; } = line;
    public int LastLine { get; } = lastLine;
    public string Text { get; } = text;
}

/// <summary>The logical-line rules main.cf and master.cf share: a logical line starts with
/// non-whitespace, and lines starting with whitespace continue it. Comment and blank lines are
/// skipped without ending it.</summary>
internal static class LogicalLines
{
    /// <summary>Logical lines of the physical <paramref name="lines"/>; continuations join with one space.</summary>
    public static List<LogicalLine> Read(string[] lines, string file, List<ConfigProblem> problems)
    {
        var logical = new List<LogicalLine>();
        var start = 0;
        var last = 0;
        StringBuilder? current = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (TextLines.IsBlankOrComment(line))
                continue;
            var trimmed = line.Trim();
            if (char.IsWhiteSpace(line[0]))
            {
                if (current is null)
                {
                    problems.Add(new ConfigProblem(file, i + 1, $"a logical line must not start with whitespace; Postfix ignores \"{Shorten(trimmed)}\""));
                }
                else
                {
                    current.Append(' ').Append(trimmed);
                    last = i + 1;
                }
                continue;
            }
            if (current is not null)
                logical.Add(new LogicalLine(start, last, current.ToString()));
            current = new StringBuilder(line.TrimEnd());
            start = last = i + 1;
        }
        if (current is not null)
            logical.Add(new LogicalLine(start, last, current.ToString()));
        return logical;
    }

    /// <summary>The physical lines minus those of <paramref name="drop"/>, each ended by LF.
    /// Comment lines stay wherever they are: they describe what follows as often as what precedes.</summary>
    public static string Without(string[] lines, List<LogicalLine> drop)
    {
        var kept = new List<string>(lines.Length);
        var dropped = new bool[lines.Length];
        foreach (var logical in drop)
        {
            for (var i = logical.Line - 1; i < logical.LastLine; i++)
                dropped[i] = !TextLines.IsBlankOrComment(lines[i]);
        }
        for (var i = 0; i < lines.Length; i++)
        {
            if (!dropped[i])
                kept.Add(lines[i]);
        }
        return TextLines.Join(kept);
    }

    /// <summary>Whether a name has whitespace inside (a loop: string.Any would compile Enumerable.Any for char into the entrypoint).</summary>
    public static bool HasWhitespace(string text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
                return true;
        }
        return false;
    }

    /// <summary>Quotes a line in a message without flooding it.</summary>
    public static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
