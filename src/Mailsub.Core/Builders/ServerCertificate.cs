using Mailsub.Core.Api;
using Mailsub.Core.CertManager;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>The cert-manager Certificate for the server, when the resource names an issuer.</summary>
public static class ServerCertificate
{
    public static Certificate? Build(ValidSubmission valid)
    {
        if (valid.Spec.Tls.IssuerRef is not { } issuer)
            return null;
        return new Certificate
        {
            Metadata = ChildMetadata.For(valid, ChildNames.Certificate(valid)),
            Spec = new CertificateSpec
            {
                SecretName = ChildNames.Certificate(valid),
                DnsNames = [.. valid.DnsNames],
                IssuerRef = new CertificateIssuerReference
                {
                    Name = issuer.Name,
                    Kind = issuer.Kind == IssuerKind.ClusterIssuer ? "ClusterIssuer" : "Issuer",
                    Group = issuer.Group,
                },
                PrivateKey = valid.KeyAlgorithm == PrivateKeyAlgorithm.Rsa
                    ? new CertificatePrivateKey { RotationPolicy = "Always", Algorithm = "RSA", Size = 2048 }
                    : new CertificatePrivateKey { RotationPolicy = "Always", Algorithm = "ECDSA", Size = 256 },
                Usages = Usages(valid),
            },
        };
    }

    /// <summary>ECDHE and DHE need digital signature; key encipherment only static RSA key
    /// exchange, which only the Legacy profile offers (and an EC key cannot do).</summary>
    private static List<string> Usages(ValidSubmission valid) =>
        valid.Spec.Tls.Profile == TlsProfile.Legacy && valid.KeyAlgorithm == PrivateKeyAlgorithm.Rsa
            ? ["server auth", "digital signature", "key encipherment"]
            : ["server auth", "digital signature"];
}
