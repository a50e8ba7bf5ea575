namespace Mailsub.Core.Policy;

/// <summary>Cyrus SASL's smtpd.conf: `option: value` lines; '#' starts a comment line.</summary>
public sealed class SaslConfig
{
    private SaslConfig(IReadOnlyDictionary<string, string> options)
    {
        Options = options;
        Mechanisms = options.TryGetValue("mech_list", out var list)
            ? list.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(m => m.ToUpperInvariant()).ToList()
            : null;
    }

    public static SaslConfig Empty { get; } = new(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>
    /// mech_list, upper-cased, or null when unset: Cyrus then offers every installed mechanism, so
    /// the analysis cannot tell which.
    /// </summary>
    public IReadOnlyList<string>? Mechanisms { get; }

    public static SaslConfig Parse(string text)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            var colon = line.IndexOf(':');
            if (line.Length == 0 || line[0] == '#' || colon <= 0)
                continue;
            options[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new SaslConfig(options);
    }
}
