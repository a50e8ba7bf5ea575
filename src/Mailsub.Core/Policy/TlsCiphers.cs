namespace Mailsub.Core.Policy;

/// <summary>The kinds of weak TLSv1.2 cipher suite the policy analysis names.</summary>
[Flags]
public enum WeakCiphers
{
    None = 0,
    /// <summary>aNULL: no server authentication, so a password may go to whoever answers.</summary>
    Anonymous = 1,
    /// <summary>Static RSA key exchange (kRSA): no forward secrecy.</summary>
    StaticRsa = 2,
    /// <summary>CBC with an HMAC-SHA1 MAC (or weaker): Lucky13-style padding oracles, SHA-1.</summary>
    CbcSha1 = 4,
    /// <summary>CBC with an HMAC-SHA256 or -SHA384 MAC: padding oracles; not AEAD.</summary>
    CbcSha2 = 8,
}

/// <summary>
/// What an OpenSSL cipher string (a Postfix tls_*_cipherlist) with Postfix's exclusions lets
/// through, by kind. A model, not OpenSSL: named suites are classified by their name, aliases by
/// what they can contain, and a kind is gone only when a `!` or `-` element removes all of it
/// (`aNULL`, `kRSA`, the MAC digests). An alias it does not know counts as allowing every kind.
/// </summary>
public static class TlsCiphers
{
    private static readonly string[] ForwardSecret = ["ECDHE-", "DHE-", "EDH-", "ADH-", "AECDH-", "PSK-", "SRP-", "ECDHE-PSK-", "DHE-PSK-"];

    // Alias components that leave a kind out of what they select (OpenSSL ciphers(1)).
    private static readonly HashSet<string> Authenticated = new(StringComparer.Ordinal)
    {
        "ECDHE", "EECDH", "DHE", "EDH", "aRSA", "aECDSA", "ECDSA", "aDSS", "DSS", "RSA", "kRSA", "DEFAULT", "PSK", "aPSK", "kPSK", "SRP",
    };
    private static readonly HashSet<string> KeyExchangeNotRsa = new(StringComparer.Ordinal)
    {
        "ECDHE", "EECDH", "DHE", "EDH", "kECDHE", "kEECDH", "kDHE", "kEDH", "ECDH", "aNULL", "ADH", "AECDH", "aECDSA", "ECDSA", "kPSK", "PSK", "kECDHEPSK", "kDHEPSK", "SRP",
    };
    private static readonly HashSet<string> Aead = new(StringComparer.Ordinal)
    {
        "AESGCM", "CHACHA20", "AESCCM", "AESCCM8", "ARIAGCM", "AEAD",
    };

    /// <summary>The weak kinds cipherList allows after Postfix appends each exclusion as `!x`.</summary>
    public static WeakCiphers Allowed(string cipherList, IEnumerable<string> exclusions)
    {
        var elements = cipherList.Split([':', ' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Concat(exclusions.Select(e => "!" + e));
        var allowed = WeakCiphers.None;
        var banned = WeakCiphers.None;
        var named = new Dictionary<string, WeakCiphers>(StringComparer.OrdinalIgnoreCase);
        var bannedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var digests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in elements)
        {
            switch (element[0])
            {
                case '@' or '+':
                    continue;
                case '!' or '-':
                    var removed = element[1..];
                    if (IsSuiteName(removed))
                    {
                        named.Remove(removed);
                        if (element[0] == '!')
                            bannedNames.Add(removed);
                        continue;
                    }
                    if (removed is "SHA256" or "SHA384")
                        digests.Add(removed);
                    // CBC with SHA-2 is gone when both of its MAC digests are.
                    var kinds = Removes(removed) | (digests.Count == 2 ? WeakCiphers.CbcSha2 : WeakCiphers.None);
                    allowed &= ~kinds;
                    foreach (var name in named.Keys.Where(n => (named[n] & kinds) != 0).ToList())
                        named[name] &= ~kinds;
                    if (element[0] == '!')
                        banned |= kinds;
                    continue;
                default:
                    if (IsSuiteName(element))
                    {
                        if (!bannedNames.Contains(element))
                            named[element] = Classify(element);
                    }
                    else
                    {
                        allowed |= Selects(element);
                    }
                    continue;
            }
        }
        // A named suite is either wholly kept or wholly removed: a ban of any of its kinds removes it.
        foreach (var kinds in named.Values.Where(k => (k & banned) == 0))
            allowed |= kinds;
        return allowed & ~banned;
    }

    /// <summary>Readable names of the kinds, for a finding's message.</summary>
    public static string Describe(WeakCiphers kinds) => string.Join("; ", new[]
    {
        kinds.HasFlag(WeakCiphers.Anonymous) ? "anonymous ciphers (aNULL: no server authentication, while passwords follow)" : null,
        kinds.HasFlag(WeakCiphers.StaticRsa) ? "static RSA key exchange (kRSA: no forward secrecy)" : null,
        kinds.HasFlag(WeakCiphers.CbcSha1) ? "CBC ciphers with SHA-1" : null,
        kinds.HasFlag(WeakCiphers.CbcSha2) ? "CBC ciphers with SHA-2 (not AEAD)" : null,
    }.OfType<string>());

    // Every OpenSSL suite name has a dash (AES128-SHA); no alias has one.
    private static bool IsSuiteName(string element) => element.IndexOf('-') > 0 && !element.Contains('+');

    private static WeakCiphers Classify(string suite)
    {
        var kinds = WeakCiphers.None;
        if (suite.StartsWith("ADH-", StringComparison.OrdinalIgnoreCase) || suite.StartsWith("AECDH-", StringComparison.OrdinalIgnoreCase))
            kinds |= WeakCiphers.Anonymous;
        if (!ForwardSecret.Any(p => suite.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            kinds |= WeakCiphers.StaticRsa;
        var aead = suite.Contains("GCM", StringComparison.OrdinalIgnoreCase) || suite.Contains("CHACHA20", StringComparison.OrdinalIgnoreCase)
            || suite.Contains("CCM", StringComparison.OrdinalIgnoreCase);
        if (!aead)
        {
            kinds |= suite.EndsWith("-SHA256", StringComparison.OrdinalIgnoreCase) || suite.EndsWith("-SHA384", StringComparison.OrdinalIgnoreCase)
                ? WeakCiphers.CbcSha2
                : WeakCiphers.CbcSha1;
        }
        return kinds;
    }

    /// <summary>What an alias, or a `+` combination of aliases, can select.</summary>
    private static WeakCiphers Selects(string alias)
    {
        var parts = alias.Split('+', StringSplitOptions.RemoveEmptyEntries);
        var kinds = WeakCiphers.Anonymous | WeakCiphers.StaticRsa | WeakCiphers.CbcSha1 | WeakCiphers.CbcSha2;
        if (parts.Any(Authenticated.Contains))
            kinds &= ~WeakCiphers.Anonymous;
        if (parts.Any(KeyExchangeNotRsa.Contains))
            kinds &= ~WeakCiphers.StaticRsa;
        if (parts.Any(Aead.Contains))
            kinds &= ~(WeakCiphers.CbcSha1 | WeakCiphers.CbcSha2);
        if (parts.Any(p => p is "aNULL" or "ADH" or "AECDH"))
            kinds &= ~WeakCiphers.StaticRsa;
        return kinds;
    }

    /// <summary>The kinds an exclusion removes entirely.</summary>
    private static WeakCiphers Removes(string alias) => alias switch
    {
        "aNULL" => WeakCiphers.Anonymous,
        "kRSA" or "RSA" => WeakCiphers.StaticRsa,
        "SHA1" or "SHA" => WeakCiphers.CbcSha1,
        _ => WeakCiphers.None,
    };
}
