namespace Mailsub.Postfix;

/// <summary>
/// Which SASL mechanisms survive Postfix's smtpd_sasl_security_options. Cyrus offers a mechanism
/// only if it has every property the options demand; the properties below are those the Cyrus
/// plugins declare (SASL_SEC_* in plugins/*.c).
/// </summary>
public static class SaslMechanisms
{
    [Flags]
    private enum Properties
    {
        None = 0,
        NoPlaintext = 1,
        NoActive = 2,
        NoDictionary = 4,
        NoAnonymous = 8,
        ForwardSecrecy = 16,
        MutualAuth = 32,
    }

    // A switch rather than a FrozenDictionary: the entrypoint uses this table too, and its
    // NativeAOT binary would carry the frozen collections for seven entries.
    private static Properties? PropertiesOf(string mechanism) => mechanism switch
    {
        "PLAIN" => Properties.NoAnonymous,
        "LOGIN" => Properties.NoAnonymous,
        "ANONYMOUS" => Properties.NoPlaintext,
        "CRAM-MD5" => Properties.NoPlaintext | Properties.NoAnonymous,
        "DIGEST-MD5" => Properties.NoPlaintext | Properties.NoAnonymous | Properties.MutualAuth,
        "SCRAM-SHA-1" => Properties.NoPlaintext | Properties.NoActive | Properties.NoAnonymous | Properties.MutualAuth,
        "SCRAM-SHA-256" => Properties.NoPlaintext | Properties.NoActive | Properties.NoAnonymous | Properties.MutualAuth,
        _ => null,
    };

    /// <summary>What Debian's libsasl2-modules offers when mech_list is unset.</summary>
    public static IReadOnlyList<string> Installed { get; } = ["ANONYMOUS", "CRAM-MD5", "DIGEST-MD5", "LOGIN", "NTLM", "OTP", "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"];

    /// <summary>Mechanisms that send the password itself, readable without TLS.</summary>
    public static bool IsPlaintext(string mechanism) => PropertiesOf(mechanism) is { } properties && !properties.HasFlag(Properties.NoPlaintext);

    /// <summary>CRAM-MD5 and DIGEST-MD5: the server must keep plaintext-equivalent secrets; DIGEST-MD5 is historic (RFC 6331).</summary>
    public static bool IsLegacy(string mechanism) => mechanism is "CRAM-MD5" or "DIGEST-MD5";

    /// <summary>
    /// The mechanisms left after the security options. Mechanisms not modelled here are assumed to
    /// pass, so the analysis never reports a mechanism missing that might be there.
    /// </summary>
    public static IReadOnlyList<string> Offered(IReadOnlyList<string> mechanisms, IReadOnlyList<string> securityOptions)
    {
        var required = Properties.None;
        foreach (var option in securityOptions)
        {
            required |= option.ToLowerInvariant() switch
            {
                "noplaintext" => Properties.NoPlaintext,
                "noactive" => Properties.NoActive,
                "nodictionary" => Properties.NoDictionary,
                "noanonymous" => Properties.NoAnonymous,
                "forward_secrecy" => Properties.ForwardSecrecy,
                "mutual_auth" => Properties.MutualAuth,
                _ => Properties.None,
            };
        }
        return mechanisms.Where(m => PropertiesOf(m) is not { } properties || (properties & required) == required).ToList();
    }
}
