using System.Text;

namespace Mailsub.Postfix;

/// <summary>Cyrus SASL's smtpd.conf: `option: value` lines; '#' starts a comment line.</summary>
public sealed class SmtpdConf
{
    public const string FileName = "smtpd.conf";

    private SmtpdConf(IReadOnlyDictionary<string, string> options)
    {
        Options = options;
        // Cyrus splits mech_list at whitespace only (lib/server.c, sasl_server_new), matches names
        // case-insensitively and skips those no plugin has: "PLAIN, LOGIN" offers LOGIN alone, as
        // "PLAIN," can be no mechanism's name (RFC 4422 3.1: A-Z, 0-9, '-', '_', at most 20).
        Mechanisms = options.TryGetValue("mech_list", out var list)
            ? list.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(m => m.ToUpperInvariant()).Where(IsMechanismName).ToList()
            : null;
    }

    public static SmtpdConf Empty { get; } = new(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>
    /// mech_list, upper-cased, or null when unset: Cyrus then offers every installed mechanism, so
    /// the analysis cannot tell which.
    /// </summary>
    public IReadOnlyList<string>? Mechanisms { get; }

    public static SmtpdConf Parse(string text)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in TextLines.Split(text))
        {
            if (TryOption(line, out var name, out var value))
                options[name] = value;
        }
        return new SmtpdConf(options);
    }

    /// <summary>Points <c>sasldb_path:</c> at <paramref name="path"/>, in place of its first
    /// definition (later ones are dropped), or on a line of its own at the end.</summary>
    public static string WithSaslDbPath(string text, string path)
    {
        var output = new StringBuilder();
        var replaced = false;
        foreach (var line in TextLines.Split(text))
        {
            if (TryOption(line, out var name, out _) && name == "sasldb_path")
            {
                if (!replaced)
                    output.Append("sasldb_path: ").Append(path).Append('\n');
                replaced = true;
                continue;
            }
            output.Append(line).Append('\n');
        }
        if (!replaced)
            output.Append("sasldb_path: ").Append(path).Append('\n');
        return output.ToString();
    }

    private static bool IsMechanismName(string name)
    {
        if (name.Length > 20)
            return false;
        foreach (var c in name)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_'))
                return false;
        }
        return true;
    }

    /// <summary>The option a line sets; false for a blank, comment or malformed line.</summary>
    private static bool TryOption(string line, out string name, out string value)
    {
        var trimmed = line.Trim();
        var colon = trimmed.IndexOf(':');
        var isOption = !TextLines.IsBlankOrComment(trimmed) && colon > 0;
        name = isOption ? trimmed[..colon].Trim() : "";
        value = isOption ? trimmed[(colon + 1)..].Trim() : "";
        return isOption;
    }
}
