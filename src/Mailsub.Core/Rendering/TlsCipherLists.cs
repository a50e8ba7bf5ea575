using Mailsub.Core.Api;

namespace Mailsub.Core.Rendering;

/// <summary>
/// The TLSv1.2 cipher suites of each spec.tls.profile, in OpenSSL's names and Mozilla's order
/// (server-side TLS guidelines 5.7, ssl-config.mozilla.org). TLSv1.3 suites are not set here:
/// Postfix 3.7 has no parameter for them, and OpenSSL's default three (AES-256-GCM,
/// CHACHA20-POLY1305, AES-128-GCM) are Mozilla's.
/// </summary>
public static class TlsCipherLists
{
    /// <summary>ECDHE or DHE key exchange (forward secrecy) with an AEAD cipher: Mozilla's intermediate.</summary>
    public static IReadOnlyList<string> Intermediate { get; } =
    [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-CHACHA20-POLY1305",
    ];

    /// <summary>Mozilla's old profile less DES-CBC3-SHA (Sweet32, 64-bit blocks): CBC with SHA-1
    /// and SHA-2 MACs and static RSA key exchange after the intermediate suites.</summary>
    public static IReadOnlyList<string> Legacy { get; } =
    [
        .. Intermediate,
        "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
        "ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
        "DHE-RSA-AES128-SHA256", "DHE-RSA-AES256-SHA256",
        "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA256", "AES256-SHA256", "AES128-SHA", "AES256-SHA",
    ];

    /// <summary>
    /// The OpenSSL cipher list of a profile. Modern allows TLSv1.3 only, which ignores this list;
    /// it keeps the intermediate suites so a TLSv1.2 minProtocol from extraConfig still gets AEAD.
    /// OpenSSL 3 refuses TLSv1 and TLSv1.1 above security level 0 (their handshake signs with
    /// MD5+SHA-1), so a Legacy list that must serve them lowers it.
    /// </summary>
    public static string For(TlsProfile profile, TlsProtocol minProtocol) => profile switch
    {
        TlsProfile.Legacy when minProtocol < TlsProtocol.TLSv1_2 => string.Join(':', Legacy) + ":@SECLEVEL=0",
        TlsProfile.Legacy => string.Join(':', Legacy),
        _ => string.Join(':', Intermediate),
    };
}
