using k8s;
using k8s.Models;

namespace Mailsub.Core.CertManager;

/// <summary>
/// The part of cert-manager's Certificate (cert-manager.io/v1) that Mailsub writes. cert-manager
/// is not a dependency of the operator's process, only of the cluster, so this is a small typed
/// copy with its own source-generated serializer (<see cref="CertManagerJsonContext"/>).
/// </summary>
public sealed class Certificate : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "cert-manager.io";
    public const string Version = "v1";
    public const string ApiVersionValue = Group + "/" + Version;
    public const string KindValue = "Certificate";
    public const string Plural = "certificates";

    public string ApiVersion { get; set; } = ApiVersionValue;
    public string Kind { get; set; } = KindValue;
    public V1ObjectMeta Metadata { get; set; } = new();
    public CertificateSpec Spec { get; set; } = new();
}

public sealed class CertificateSpec
{
    /// <summary>The kubernetes.io/tls Secret cert-manager writes and renews.</summary>
    public string SecretName { get; set; } = "";

    public List<string> DnsNames { get; set; } = [];
    public CertificateIssuerReference IssuerRef { get; set; } = new();
    public CertificatePrivateKey? PrivateKey { get; set; }

    /// <summary>Key usages, in cert-manager's spelling ("server auth", "digital signature", ...).</summary>
    public List<string> Usages { get; set; } = [];
}

public sealed class CertificateIssuerReference
{
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Group { get; set; } = "";
}

public sealed class CertificatePrivateKey
{
    /// <summary>Always: a new key with every certificate, so a leaked key ends with its certificate.</summary>
    public string RotationPolicy { get; set; } = "Always";

    /// <summary>cert-manager's spelling: RSA, ECDSA or Ed25519; without it cert-manager makes RSA.</summary>
    public string? Algorithm { get; set; }

    /// <summary>Bits: 2048 and up for RSA, the curve (256, 384, 521) for ECDSA.</summary>
    public int? Size { get; set; }
}
