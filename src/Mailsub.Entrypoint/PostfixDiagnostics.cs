using System.Text.RegularExpressions;
using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>Finds the problems in what Postfix tools print.</summary>
public static partial class PostfixDiagnostics
{
    /// <summary>"warning: ...", "error: ...", "fatal: ..." and "panic: ..." messages, each once.
    /// The same problem arrives several times in several shapes ("postfix: fatal: X" on the
    /// terminal, "Nov 28 ... postfix[9]: fatal: X" in the log, and postfix-script runs postconf
    /// over and over), so they are told apart by severity and text alone.</summary>
    public static IReadOnlyList<string> Problems(string output) =>
        TextLines.Split(output)
            .Select(line => Severity().Match(line))
            .Where(match => match.Success)
            .Select(match => $"{match.Groups[1].Value}: {match.Groups[2].Value.TrimEnd()}")
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    [GeneratedRegex(@"\b(warning|error|fatal|panic): (.*)$")]
    private static partial Regex Severity();
}
