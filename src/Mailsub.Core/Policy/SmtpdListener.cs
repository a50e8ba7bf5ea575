using Mailsub.Postfix;

namespace Mailsub.Core.Policy;

/// <summary>How a listener uses TLS, after Postfix's own precedence of wrappermode, level and the legacy booleans.</summary>
public enum TlsMode
{
    /// <summary>No STARTTLS.</summary>
    None,
    /// <summary>STARTTLS offered, not required (level may).</summary>
    Optional,
    /// <summary>STARTTLS required before mail (level encrypt).</summary>
    Required,
    /// <summary>TLS from the first byte (smtpd_tls_wrappermode, port 465).</summary>
    Wrapper,
}

/// <summary>
/// An smtpd that clients reach over the network: an inet service running smtpd, or the smtpd
/// behind postscreen. Parameters are what that smtpd reads.
/// </summary>
public sealed class SmtpdListener(MasterService entry, EffectiveParameters parameters)
{
    /// <summary>The inet line clients connect to (smtpd itself, or postscreen).</summary>
    public MasterService Entry { get; } = entry;

    public EffectiveParameters Parameters { get; } = parameters;

    public int? Port => Entry.Port;

    /// <summary>The port, or the master.cf name/type when it binds one address.</summary>
    public string Label => Entry.Label;

    public TlsMode Tls
    {
        get
        {
            // smtpd.c: wrappermode ignores the level; an empty level falls back to smtpd_enforce_tls
            // and smtpd_use_tls; verify, secure and fingerprint mean encrypt for the server.
            if (Parameters.IsYes("smtpd_tls_wrappermode"))
                return TlsMode.Wrapper;
            return Parameters.Get("smtpd_tls_security_level").ToLowerInvariant() switch
            {
                "" => Parameters.IsYes("smtpd_enforce_tls") ? TlsMode.Required : Parameters.IsYes("smtpd_use_tls") ? TlsMode.Optional : TlsMode.None,
                "may" => TlsMode.Optional,
                "encrypt" or "verify" or "secure" or "fingerprint" => TlsMode.Required,
                _ => TlsMode.None,
            };
        }
    }

    public bool RequiresTls => Tls is TlsMode.Required or TlsMode.Wrapper;

    /// <summary>Whether a server certificate is configured; without one smtpd answers STARTTLS with 454.</summary>
    public bool HasCertificate =>
        Parameters.Get("smtpd_tls_chain_files").Length > 0
        || Parameters.Get("smtpd_tls_cert_file") is { Length: > 0 } certFile && !certFile.Equals("none", StringComparison.OrdinalIgnoreCase)
        || Parameters.Get("smtpd_tls_eccert_file").Length > 0
        || Parameters.Get("smtpd_tls_dcert_file").Length > 0;

    public bool AuthEnabled => Parameters.IsYes("smtpd_sasl_auth_enable");

    /// <summary>AUTH before TLS: mandatory TLS implies smtpd_tls_auth_only.</summary>
    public bool OffersAuthInCleartext => AuthEnabled && !RequiresTls && !Parameters.IsYes("smtpd_tls_auth_only");

    public bool OffersAuthInTls => AuthEnabled && Tls != TlsMode.None && HasCertificate;
}
