namespace Mailsub.Core.Probe;

/// <summary>One SMTP reply as the live probe read it: its code and its lines (the text after "NNN-" or "NNN ").</summary>
public sealed class SmtpReply(int code, IReadOnlyList<string> lines)
{
    public int Code { get; } = code;

    public IReadOnlyList<string> Lines { get; } = lines;

    /// <summary>2xx or 3xx: the server took the command.</summary>
    public bool Accepted => Code is >= 200 and < 400;

    /// <summary>
    /// Whether an EHLO reply offers <paramref name="keyword"/> (RFC 5321 4.1.1.1: the first line
    /// greets, each further line is a keyword and its parameters; Postfix also offers "AUTH=" for
    /// old clients).
    /// </summary>
    public bool Offers(string keyword)
    {
        for (var i = 1; i < Lines.Count; i++)
        {
            var line = Lines[i];
            if (line.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)
                && (line.Length == keyword.Length || line[keyword.Length] is ' ' or '='))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>As the server sent it, lines joined by " | ", for a condition's message.</summary>
    public override string ToString() => $"{Code} {string.Join(" | ", Lines)}";
}
