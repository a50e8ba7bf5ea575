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
                PrivateKey = new CertificatePrivateKey { RotationPolicy = "Always" },
                // A TLS server certificate: RSA key exchange needs key encipherment, ECDHE needs
                // digital signature.
                Usages = ["server auth", "digital signature", "key encipherment"],
            },
        };
    }
}
