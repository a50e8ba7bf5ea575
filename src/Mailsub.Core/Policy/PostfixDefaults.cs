using System.Collections.Frozen;
using System.Globalization;

namespace Mailsub.Core.Policy;

/// <summary>
/// Postfix 3.7 defaults (`postconf -d`) of the parameters the rules read, and of the parameters
/// their defaults refer to. Host-dependent defaults (myhostname, mynetworks) are left out on
/// purpose: the analysis must not guess them. Anything not listed counts as empty.
/// </summary>
public static class PostfixDefaults
{
    private static readonly FrozenDictionary<string, string> Fixed = new Dictionary<string, string>
    {
        ["compatibility_level"] = "0",
        ["smtpd_recipient_restrictions"] = "",
        ["smtpd_restriction_classes"] = "",
        ["smtpd_sasl_auth_enable"] = "no",
        ["smtpd_sasl_type"] = "cyrus",
        ["smtpd_sasl_security_options"] = "noanonymous",
        ["smtpd_sasl_tls_security_options"] = "$smtpd_sasl_security_options",
        ["smtpd_tls_auth_only"] = "no",
        ["smtpd_tls_security_level"] = "",
        ["smtpd_use_tls"] = "no",
        ["smtpd_enforce_tls"] = "no",
        ["smtpd_tls_wrappermode"] = "no",
        ["smtpd_tls_protocols"] = ">=TLSv1",
        ["smtpd_tls_mandatory_protocols"] = ">=TLSv1",
        ["smtpd_tls_ciphers"] = "medium",
        ["smtpd_tls_mandatory_ciphers"] = "medium",
        ["smtpd_tls_exclude_ciphers"] = "",
        ["smtpd_tls_mandatory_exclude_ciphers"] = "",
        ["smtpd_tls_ask_ccert"] = "no",
        ["tls_high_cipherlist"] = "aNULL:-aNULL:HIGH:@STRENGTH",
        ["tls_medium_cipherlist"] = "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH",
        ["tls_low_cipherlist"] = "aNULL:-aNULL:HIGH:MEDIUM:LOW:+RC4:@STRENGTH",
        ["tls_export_cipherlist"] = "aNULL:-aNULL:HIGH:MEDIUM:LOW:EXPORT:+RC4:@STRENGTH",
        ["tls_null_cipherlist"] = "eNULL:!aNULL",
        ["smtpd_tls_chain_files"] = "",
        ["smtpd_tls_cert_file"] = "",
        ["smtpd_tls_key_file"] = "$smtpd_tls_cert_file",
        ["smtpd_tls_eccert_file"] = "",
        ["smtpd_tls_dcert_file"] = "",
        ["smtp_sasl_auth_enable"] = "no",
        ["smtp_tls_security_level"] = "",
        ["smtp_use_tls"] = "no",
        ["smtp_enforce_tls"] = "no",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The unexpanded default of name at the given compatibility_level, or null when not known here.</summary>
    public static string? Of(string name, string compatibilityLevel) => name switch
    {
        // postconf -d: ${{$compatibility_level} <level {1} ? {} : {permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination}}
        "smtpd_relay_restrictions" => AtLeast(compatibilityLevel, 1) ? "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination" : "",
        // postconf -d: ${{$compatibility_level} <level {2} ? {subnet} : {host}}
        "mynetworks_style" => AtLeast(compatibilityLevel, 2) ? "host" : "subnet",
        _ => Fixed.GetValueOrDefault(name),
    };

    /// <summary>Compatibility levels compare as versions (0, 1, 2, 3.6, ...); only the major part matters to the defaults above.</summary>
    private static bool AtLeast(string level, int major)
    {
        var text = level.Trim();
        var dot = text.IndexOf('.');
        return int.TryParse(dot < 0 ? text : text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= major;
    }
}
