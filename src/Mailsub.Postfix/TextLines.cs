namespace Mailsub.Postfix;

/// <summary>The physical lines of a text: config files, and what postconf and postqueue print.</summary>
public static class TextLines
{
    /// <summary>The lines without their line ends (LF or CRLF). A final line end ends the last
    /// line rather than starting an empty one, so "a\n" is one line and "" none.</summary>
    /// <remarks>Only LF ends a line, as for Postfix's own readers: a lone CR, a form feed or
    /// U+2028 is text (postqueue -j may print the last one raw inside a JSON string).</remarks>
    public static string[] Split(string text)
    {
        var normalized = text.Replace("\r\n", "\n");
        if (normalized.EndsWith('\n'))
            normalized = normalized[..^1];
        return normalized.Length == 0 ? [] : normalized.Split('\n');
    }

    /// <summary>The lines, each ended by LF: how every file the model edits is written back.</summary>
    public static string Join(IEnumerable<string> lines)
    {
        var output = new System.Text.StringBuilder();
        foreach (var line in lines)
            output.Append(line).Append('\n');
        return output.ToString();
    }

    /// <summary>Blank lines and '#' comment lines: main.cf, master.cf and smtpd.conf all skip them.</summary>
    public static bool IsBlankOrComment(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.Length == 0 || trimmed[0] == '#';
    }
}
