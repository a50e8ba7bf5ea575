using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Mailsub.Core.Api;

[Description("The server certificate and TLS settings. Set exactly one of issuerRef (cert-manager issues it) or secretName (an existing kubernetes.io/tls Secret).")]
public sealed class TlsSpec
{
    [Description("cert-manager issuer that signs the server certificate.")]
    public IssuerReference? IssuerRef { get; set; }

    [Pattern(Patterns.KubernetesName)]
    [MaxLength(253)]
    [Description("Existing kubernetes.io/tls Secret (tls.crt, tls.key, optional ca.crt) in the same namespace.")]
    public string? SecretName { get; set; }

    [MaxLength(32)]
    [Description("DNS names of the certificate. Defaults to the hostname.")]
    public List<string> DnsNames { get; set; } = [];

    [Description("TLS on the smtp (25) listener (smtpd_tls_security_level): may offers STARTTLS (RFC 3207 requires this for a public MX), encrypt requires it, none disables it.")]
    public SmtpTlsLevel SmtpSecurityLevel { get; set; } = SmtpTlsLevel.May;

    [Description("Protocols and ciphers of the submission listeners, after Mozilla's server-side TLS guidelines. Intermediate (default): TLSv1.2 with ECDHE or DHE and AEAD ciphers only, and TLSv1.3. Modern: TLSv1.3 only. Legacy: Mozilla's old profile for clients that predate TLSv1.2 AEAD (CBC and static RSA ciphers; TLSv1 and TLSv1.1 only with minProtocol); flagged by the policy analysis.")]
    public TlsProfile Profile { get; set; } = TlsProfile.Intermediate;

    [Description("Key of the certificate cert-manager issues (privateKey.algorithm): ECDSA (P-256) or RSA (2048 bits). Default: ECDSA, RSA for the Legacy profile (its static-RSA ciphers need one). An existing secretName certificate is checked against it.")]
    public PrivateKeyAlgorithm? PrivateKeyAlgorithm { get; set; }

    [Description("Lowest TLS protocol accepted (smtpd_tls_protocols and smtpd_tls_mandatory_protocols); it can only raise the profile's floor (Modern: TLSv1.3). TLSv1 and TLSv1.1 need the Legacy profile and are flagged by the policy analysis.")]
    public TlsProtocol MinProtocol { get; set; } = TlsProtocol.TLSv1_2;

    [Description("Add TLS protocol and cipher to the Received header (smtpd_tls_received_header), as the seed does.")]
    public bool ReceivedHeader { get; set; } = true;

    [Range(0, 4)]
    [Description("TLS log detail (smtpd_tls_loglevel); the seed's 1 logs handshakes and certificates.")]
    public int LogLevel { get; set; } = 1;

    [Pattern(Patterns.Duration)]
    [Description("Lifetime of cached TLS sessions (smtpd_tls_session_cache_timeout); the seed's 3600s.")]
    public string SessionCacheTimeout { get; set; } = "3600s";
}

[Description("A cert-manager issuer.")]
public sealed class IssuerReference
{
    [Required]
    [Pattern(Patterns.KubernetesName)]
    [MaxLength(253)]
    [Description("Issuer or ClusterIssuer name.")]
    public string Name { get; set; } = "";

    [Description("Issuer (same namespace) or ClusterIssuer.")]
    public IssuerKind Kind { get; set; } = IssuerKind.Issuer;

    [Pattern(Patterns.Fqdn)]
    [MaxLength(253)]
    [Description("API group of the issuer; cert-manager.io unless an external issuer is used.")]
    public string Group { get; set; } = "cert-manager.io";
}

public enum IssuerKind { Issuer, ClusterIssuer }

public enum SmtpTlsLevel
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("may")] May,
    [JsonStringEnumMemberName("encrypt")] Encrypt,
}

public enum TlsProfile { Modern, Intermediate, Legacy }

public enum PrivateKeyAlgorithm
{
    [JsonStringEnumMemberName("ECDSA")] Ecdsa,
    [JsonStringEnumMemberName("RSA")] Rsa,
}

public enum TlsProtocol
{
    [JsonStringEnumMemberName("TLSv1")] TLSv1,
    [JsonStringEnumMemberName("TLSv1.1")] TLSv1_1,
    [JsonStringEnumMemberName("TLSv1.2")] TLSv1_2,
    [JsonStringEnumMemberName("TLSv1.3")] TLSv1_3,
}
