using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Mailsub.Core.Api;

[Description("A smarthost that receives all outgoing mail (Postfix relayhost).")]
public sealed class RelayHostSpec
{
    [Required]
    [MaxLength(253)]
    [Description("Host name (FQDN) or IP address of the smarthost. Rendered in brackets, so no MX lookup is done.")]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    [Description("Port of the smarthost.")]
    public int Port { get; set; } = 587;

    [Description("Secret with keys `username` and `password` for SMTP AUTH to the smarthost (smtp_sasl_password_maps). The operator only reads it.")]
    public SecretReference? CredentialsSecretRef { get; set; }

    [Description("TLS to the smarthost (smtp_tls_security_level): encrypt requires it (the default; credentials never travel in cleartext), verify and secure also check its certificate, may uses it when offered.")]
    public RelayTlsLevel TlsLevel { get; set; } = RelayTlsLevel.Encrypt;
}

[Description("A Secret in the same namespace.")]
public sealed class SecretReference
{
    [Required]
    [Pattern(Patterns.KubernetesName)]
    [MaxLength(253)]
    [Description("Secret name.")]
    public string Name { get; set; } = "";
}

public enum RelayTlsLevel
{
    [JsonStringEnumMemberName("may")] May,
    [JsonStringEnumMemberName("encrypt")] Encrypt,
    [JsonStringEnumMemberName("verify")] Verify,
    [JsonStringEnumMemberName("secure")] Secure,
}
